using NormLab.Core.Data;
using Xunit;

namespace NormLab.Tests.Unit.Data;

/// <summary>
/// Splits hold raw bytes plus a <see cref="PixelTable"/>; what they decode to must be bit-identical to what the old float arrays
/// held — <c>(float)(b / 255.0)</c> and <c>(float)((b / 255.0 − mean[j]) / std[j])</c> — so no number the network sees changes.
/// </summary>
public sealed class PixelTableTests
{
    private static int Bits(float x) => BitConverter.SingleToInt32Bits(x);

    private static byte[] EveryByte => Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();

    [Fact]
    public void Scale01_is_bit_identical_to_the_float64_formula_for_every_byte_value()
    {
        var decoded = new float[256];
        PixelTable.Scale01.Decode(EveryByte, decoded);
        for (var b = 0; b < 256; b++)
        {
            Assert.Equal(Bits((float)(b / 255.0)), Bits(decoded[b]));
            // One row serves every pixel.
            Assert.Equal(Bits((float)(b / 255.0)), Bits(PixelTable.Scale01[783, (byte)b]));
        }
        Assert.Equal((Preprocessing.Scale01, false, 0, 256), (PixelTable.Scale01.Kind, PixelTable.Scale01.PerPixel, PixelTable.Scale01.SampleSize, PixelTable.Scale01.Length));
    }

    [Fact]
    public void Standardize_is_bit_identical_to_the_float64_formula_for_every_pixel_and_byte_value()
    {
        // Arbitrary statistics, including tiny spreads (where rounding differences would be amplified) and a constant pixel (std 1).
        const int size = 300;
        var rng = new Random(11);
        var mean = Enumerable.Range(0, size).Select(_ => rng.NextDouble() * 3 - 1).ToArray();
        var std = Enumerable.Range(0, size).Select(j => j == 7 ? 1.0 : Math.Pow(10, rng.NextDouble() * 5 - 4)).ToArray();
        var table = PixelTable.Standardize(new PixelStandardizer(mean, std, 1));
        Assert.Equal((Preprocessing.Standardize, true, size, size * 256), (table.Kind, table.PerPixel, table.SampleSize, table.Length));

        var sample = new byte[size];
        var decoded = new float[size];
        for (var b = 0; b < 256; b++)
        {
            Array.Fill(sample, (byte)b);
            table.Decode(sample, decoded);
            for (var j = 0; j < size; j++)
            {
                var expected = Bits((float)((b / 255.0 - mean[j]) / std[j]));
                Assert.Equal(expected, Bits(decoded[j]));
                Assert.Equal(expected, Bits(table[j, (byte)b]));
            }
        }
    }

    [Theory]
    [InlineData(Preprocessing.Scale01, 0)]
    [InlineData(Preprocessing.Standardize, 1)]
    [InlineData(Preprocessing.Standardize, 2)]
    public void Built_splits_decode_random_bytes_bit_identically_to_the_old_preprocessing(Preprocessing preprocessing, int seed)
    {
        // 200 training-file samples of 3×5×7 (the last 20 become validation) and 50 test samples; pixel 0 is constant.
        int[] shape = [3, 5, 7];
        const int size = 105;
        var rng = new Random(seed);
        var trainFile = new byte[200 * size];
        var testFile = new byte[50 * size];
        rng.NextBytes(trainFile);
        rng.NextBytes(testFile);
        for (var i = 0; i < 200; i++) trainFile[i * size] = 42;
        var trainLabels = Enumerable.Range(0, 200).Select(i => (byte)(i % 10)).ToArray();
        var testLabels = Enumerable.Range(0, 50).Select(i => (byte)(i % 10)).ToArray();

        var splits = DatasetBuilder.Build(trainFile, trainLabels, testFile, testLabels, shape,
                new ValidationSplit.Count(20, SplitFrom.End), preprocessing)
            .Match(s => s, e => throw new Xunit.Sdk.XunitException(e));

        // The reference: the old formulas, with statistics fitted on the 180 training samples only.
        var fitted = PixelScaling.FitStandardizer(trainFile.AsMemory(0, 180 * size), size);
        float Old(byte b, int j) => preprocessing == Preprocessing.Scale01
            ? (float)(b / 255.0)
            : (float)((b / 255.0 - fitted.Mean[j]) / fitted.Std[j]);

        foreach (var (split, source, offset) in new[] { (splits.Train, trainFile, 0), (splits.Validation, trainFile, 180), (splits.Test, testFile, 0) })
        {
            var floats = split.DecodeAll();
            Assert.Equal(split.Count * size, floats.Length);
            var one = new float[size];
            for (var i = 0; i < split.Count; i++)
            {
                split.Decode(i, one);
                for (var j = 0; j < size; j++)
                {
                    var expected = Bits(Old(source[(offset + i) * size + j], j));
                    Assert.Equal(expected, Bits(floats[i * size + j]));
                    Assert.Equal(expected, Bits(one[j]));
                }
            }
        }
    }

    [Fact]
    public void A_loaded_mnist_sized_split_stores_bytes_and_keeps_whole_files_without_copying()
    {
        var trainFile = new byte[60000 * 784];
        var testFile = new byte[10000 * 784];
        var trainLabels = new byte[60000];
        var testLabels = new byte[10000];

        var whole = DatasetBuilder.Build(trainFile, trainLabels, testFile, testLabels, [1, 28, 28], null, Preprocessing.Scale01)
            .Match(s => s, e => throw new Xunit.Sdk.XunitException(e));
        Assert.IsType<byte[]>(whole.Train.Pixels);
        Assert.Equal(whole.Train.Count * whole.Train.SampleSize, whole.Train.Pixels.Length);
        // A split that is a whole file keeps that array: no second 47 MB copy, no 47 MB of garbage.
        Assert.Same(trainFile, whole.Train.Pixels);
        Assert.Same(testFile, whole.Test.Pixels);
        Assert.Same(PixelTable.Scale01, whole.Train.Table);

        var cut = DatasetBuilder.Build(trainFile, trainLabels, testFile, testLabels, [1, 28, 28],
                new ValidationSplit.Count(5000, SplitFrom.End), Preprocessing.Standardize)
            .Match(s => s, e => throw new Xunit.Sdk.XunitException(e));
        foreach (var split in new[] { cut.Train, cut.Validation, cut.Test })
        {
            Assert.IsType<byte[]>(split.Pixels);
            Assert.Equal(split.Count * 784, split.Pixels.Length);
            Assert.Equal(784 * 256, split.Table.Length);
            // One table, fitted once on the training split, serves all three.
            Assert.Same(cut.Train.Table, split.Table);
        }
        Assert.Equal((55000, 5000), (cut.Train.Count, cut.Validation.Count));
        Assert.NotSame(trainFile, cut.Train.Pixels);
    }

    [Fact]
    public void Slice_copies_the_bytes_and_shares_the_table()
    {
        var table = PixelTable.Standardize(PixelScaling.FitStandardizer(new byte[] { 0, 10, 20, 30, 40, 50, 60, 71 }, 2));
        var data = new DatasetArrays([0, 10, 20, 30, 40, 50, 60, 71], [0, 1, 2, 3], 4, [1, 1, 2], table);
        var slice = data.Slice(1, 2);
        Assert.Equal(new byte[] { 20, 30, 40, 50 }, slice.Pixels);
        Assert.Equal(new byte[] { 1, 2 }, slice.Labels);
        Assert.Same(table, slice.Table);
        Assert.Equal(data.DecodeAll()[2..6], slice.DecodeAll());
        slice.Pixels[0] = 99;
        Assert.Equal(20, data.Pixels[2]);
    }

    [Fact]
    public void Empty_has_no_samples_and_the_shared_scale01_table()
    {
        var empty = DatasetArrays.Empty([1, 28, 28]);
        Assert.True(empty.IsEmpty);
        Assert.Empty(empty.DecodeAll());
        Assert.Same(PixelTable.Scale01, empty.Table);
        Assert.Equal(784, empty.SampleSize);
    }

    [Fact]
    public void Decoding_refuses_mismatched_sizes_with_the_numbers()
    {
        var table = PixelTable.Standardize(PixelScaling.FitStandardizer(new byte[] { 1, 2, 3, 4, 5, 7 }, 3));
        var e = Assert.Throws<ArgumentException>(() => table.Decode(new byte[2], new float[2]));
        Assert.StartsWith("a sample of 2 pixels does not fit a table fitted on 3-pixel samples", e.Message);
        e = Assert.Throws<ArgumentException>(() => PixelTable.Scale01.Decode(new byte[3], new float[2]));
        Assert.StartsWith("destination holds 2 floats for 3 pixels", e.Message);
        var data = new DatasetArrays(new byte[6], [0, 1], 2, [1, 1, 3], table);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Decode(2, new float[3]));
    }
}
