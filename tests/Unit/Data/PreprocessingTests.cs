using NormLab.Core.Data;
using Xunit;

namespace NormLab.Tests.Unit.Data;

public sealed class PreprocessingTests
{
    /// <summary>Every sample of <paramref name="pixels"/> (<paramref name="size"/> bytes each) through <paramref name="table"/>.</summary>
    private static float[] Decode(PixelTable table, byte[] pixels, int size) =>
        new DatasetArrays(pixels, new byte[pixels.Length / size], pixels.Length / size, [1, 1, size], table).DecodeAll();

    [Fact]
    public void Scale01_rounds_like_numpy_float64_then_float32()
    {
        var x = Decode(PixelTable.Scale01, [0, 51, 255, 128], 4);
        Assert.Equal([0f, (float)(51 / 255.0), 1f, (float)(128 / 255.0)], x);
        Assert.Equal(0.2f, x[1]);
    }

    [Fact]
    public void Parallel_fit_and_standardisation_equal_the_exact_formula()
    {
        // 3000 samples × 784 pixels (2.3 MB, the parallel path). Pixel 5 is constant 17.
        const int n = 3000, size = 784;
        var pixels = new byte[n * size];
        for (var i = 0; i < n; i++)
        for (var j = 0; j < size; j++)
            pixels[i * size + j] = j == 5 ? (byte)17 : (byte)((i * 13 + j * 7 + i * j + i * i) % 256);
        var s = PixelScaling.FitStandardizer(pixels, size);
        Assert.Equal(1, s.ConstantPixels);
        for (var j = 0; j < size; j += 97)
        {
            // Reference: numpy's two-pass float64 formula.
            double mean = 0;
            for (var i = 0; i < n; i++) mean += pixels[i * size + j] / 255.0;
            mean /= n;
            double ss = 0;
            for (var i = 0; i < n; i++) ss += Math.Pow(pixels[i * size + j] / 255.0 - mean, 2);
            Assert.Equal(mean, s.Mean[j], 1e-14);
            Assert.Equal(j == 5 ? 1.0 : Math.Sqrt(ss / n), s.Std[j], 1e-14);
        }
        var z = Decode(PixelTable.Standardize(s), pixels, size);
        for (var k = 0; k < z.Length; k += 7919)
            Assert.Equal((float)((pixels[k] / 255.0 - s.Mean[k % size]) / s.Std[k % size]), z[k]);
        Assert.Equal(0f, z[5]);
    }

    [Fact]
    public void Standardize_uses_population_std_and_guards_constant_pixels()
    {
        // 3 samples × 2 pixels. Pixel 0: 0, 255, 255 -> x = 0, 1, 1: mean 2/3, population std sqrt(2/9) = 0.4714…
        // Pixel 1: always 51 -> std 0; the notebook would give NaN, we divide by 1.
        byte[] train = [0, 51, 255, 51, 255, 51];
        var s = PixelScaling.FitStandardizer(train, 2);
        Assert.Equal(2.0 / 3.0, s.Mean[0], 15);
        Assert.Equal(Math.Sqrt(2.0 / 9.0), s.Std[0], 15);
        Assert.Equal(0.2, s.Mean[1], 15);
        Assert.Equal(1.0, s.Std[1]);
        Assert.Equal(1, s.ConstantPixels);

        var table = PixelTable.Standardize(s);
        var z = Decode(table, train, 2);
        var a = (float)((0 - 2.0 / 3.0) / Math.Sqrt(2.0 / 9.0)); // -1.4142135
        var b = (float)((1 - 2.0 / 3.0) / Math.Sqrt(2.0 / 9.0)); // 0.70710677
        Assert.Equal([a, 0f, b, 0f, b, 0f], z);
        Assert.Equal(-1.4142135f, a);

        // Applied to other data, the training statistics are used unchanged.
        var other = Decode(table, [255, 102], 2);
        Assert.Equal(b, other[0]);
        Assert.Equal((float)(102 / 255.0 - 0.2), other[1]);
    }

    [Fact]
    public void Builder_fits_standardisation_on_the_training_split_only()
    {
        // 4 training-file samples of 1 pixel: 10, 20, 30, 250; validation = the last one (250).
        byte[] trainFile = [10, 20, 30, 250];
        byte[] labels = [0, 1, 2, 3];
        var splits = DatasetBuilder.Build(trainFile, labels, new byte[] { 20 }, new byte[] { 5 }, [1, 1, 1],
                new ValidationSplit.Count(1, SplitFrom.End), Preprocessing.Standardize)
            .Match(s => s, e => throw new Xunit.Sdk.XunitException(e));

        Assert.Equal((3, 1, 1), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        Assert.Equal(new byte[] { 0, 1, 2 }, splits.Train.Labels);
        Assert.Equal(new byte[] { 3 }, splits.Validation.Labels);
        Assert.Equal(new byte[] { 5 }, splits.Test.Labels);
        // Fitted on 10, 20, 30 only: mean 20/255, std sqrt(200/3)/255. Train values are -1.2247, 0, 1.2247.
        var std = Math.Sqrt(200.0 / 3.0) / 255.0;
        Assert.Equal([(float)((10 / 255.0 - 20 / 255.0) / std), 0f, (float)((30 / 255.0 - 20 / 255.0) / std)], splits.Train.DecodeAll());
        Assert.Equal(-1.2247449f, splits.Train.DecodeAll()[0]);
        Assert.Equal((float)((250 / 255.0 - 20 / 255.0) / std), splits.Validation.DecodeAll()[0]);
        Assert.Equal(0f, splits.Test.DecodeAll()[0]);
    }

    [Fact]
    public void Builder_validation_from_start_and_scale01()
    {
        byte[] trainFile = [0, 255, 51, 102];
        var splits = DatasetBuilder.Build(trainFile, new byte[] { 7, 8, 9, 6 }, new byte[] { 255 }, new byte[] { 1 }, [1, 1, 1],
                new ValidationSplit.Count(1, SplitFrom.Start), Preprocessing.Scale01)
            .Match(s => s, e => throw new Xunit.Sdk.XunitException(e));
        Assert.Equal([0f], splits.Validation.DecodeAll());
        Assert.Equal(new byte[] { 7 }, splits.Validation.Labels);
        Assert.Equal([1f, 0.2f, 0.4f], splits.Train.DecodeAll());
        Assert.Equal([1f], splits.Test.DecodeAll());
    }

    [Fact]
    public void Builder_reports_a_bad_split_instead_of_throwing()
    {
        var error = DatasetBuilder.Build(new byte[] { 1, 2 }, new byte[] { 0, 1 }, Array.Empty<byte>(), Array.Empty<byte>(), [1, 1, 1], new ValidationSplit.Count(2, SplitFrom.End), Preprocessing.Scale01)
            .Match(_ => "no error", e => e);
        Assert.Equal("validation.count: 2 leaves no training samples (the training file has 2); use a count below 2", error);
    }
}
