namespace NormLab.Core.Data;

/// <summary>How raw 0..255 pixels become network inputs.</summary>
public enum Preprocessing
{
    /// <summary><c>x / 255</c> (Fashion notebook 001, the LeNet studies).</summary>
    Scale01,
    /// <summary>
    /// Per-pixel standardisation of <c>x / 255</c> with mean and population std (ddof = 0) fitted on the training split only
    /// (Fashion notebook 002: <c>pixel_means = X_train.mean(axis=0)</c>, <c>pixel_stds = X_train.std(axis=0)</c>), applied to every split.
    /// </summary>
    Standardize,
}

/// <summary>Pure conversions from raw pixel bytes to float inputs. Each returns a fresh array; inputs are never changed.</summary>
public static class PixelScaling
{
    // numpy-style: x / 255.0 is computed in float64 and only then rounded to float32 (Keras casts the float64 array),
    // so the table holds (float)(b / 255.0), not b / 255f (the two differ in the last bit for a few b).
    private static readonly float[] Scale01Table = BuildScale01Table();

    private static readonly double[] UnitTable = BuildUnitTable();

    private static float[] BuildScale01Table()
    {
        var t = new float[256];
        for (var b = 0; b < 256; b++) t[b] = (float)(b / 255.0);
        return t;
    }

    private static double[] BuildUnitTable()
    {
        var t = new double[256];
        for (var b = 0; b < 256; b++) t[b] = b / 255.0;
        return t;
    }

    /// <summary><c>(float)(b / 255.0)</c> for every byte.</summary>
    public static float[] Scale01(ReadOnlySpan<byte> pixels)
    {
        var result = new float[pixels.Length];
        var table = Scale01Table;
        for (var i = 0; i < pixels.Length; i++) result[i] = table[pixels[i]];
        return result;
    }

    /// <summary>
    /// Fits per-pixel mean and population standard deviation (ddof = 0, numpy's default) of <c>x / 255</c> over the samples in
    /// <paramref name="trainPixels"/> (N samples of <paramref name="sampleSize"/> bytes). Accumulates in float64, two passes
    /// (mean first, then squared deviations) so the variance does not suffer the cancellation of the one-pass formula.
    /// </summary>
    public static PixelStandardizer FitStandardizer(ReadOnlySpan<byte> trainPixels, int sampleSize)
    {
        if (sampleSize <= 0) throw new ArgumentOutOfRangeException(nameof(sampleSize), $"must be > 0 (got {sampleSize})");
        if (trainPixels.Length % sampleSize != 0)
            throw new ArgumentException($"{trainPixels.Length} bytes are not a whole number of {sampleSize}-byte samples", nameof(trainPixels));
        var n = trainPixels.Length / sampleSize;
        if (n == 0) throw new ArgumentException("cannot fit a standardizer on an empty training split", nameof(trainPixels));

        var unit = UnitTable;
        var mean = new double[sampleSize];
        var first = trainPixels[..sampleSize];
        var constant = new bool[sampleSize];
        System.Array.Fill(constant, true);
        for (var s = 0; s < n; s++)
        {
            var row = trainPixels.Slice(s * sampleSize, sampleSize);
            for (var j = 0; j < sampleSize; j++)
            {
                mean[j] += unit[row[j]];
                constant[j] &= row[j] == first[j];
            }
        }
        for (var j = 0; j < sampleSize; j++) mean[j] /= n;

        var sumSq = new double[sampleSize];
        for (var s = 0; s < n; s++)
        {
            var row = trainPixels.Slice(s * sampleSize, sampleSize);
            for (var j = 0; j < sampleSize; j++)
            {
                var d = unit[row[j]] - mean[j];
                sumSq[j] += d * d;
            }
        }

        var std = new double[sampleSize];
        var constantCount = 0;
        for (var j = 0; j < sampleSize; j++)
        {
            // A pixel that is the same in every training image (MNIST's blank corners): numpy's std is 0 there when the value
            // is 0, and the notebook's division gives NaN; for another constant the float64 mean is off by an ulp and the
            // std is ~1e-17, so the notebook amplifies rounding noise by 1e17. We detect constancy exactly on the bytes and
            // use mean = that value, std = 1: the pixel is 0 in training and (x − value) elsewhere.
            if (constant[j])
            {
                mean[j] = unit[first[j]];
                std[j] = 1.0;
                constantCount++;
            }
            else
            {
                std[j] = Math.Sqrt(sumSq[j] / n);
            }
        }
        return new PixelStandardizer(mean, std, constantCount);
    }
}

/// <summary>
/// Per-pixel mean and standard deviation of <c>x / 255</c>, fitted on a training split. <paramref name="Std"/> already holds 1 for
/// the <paramref name="ConstantPixels"/> pixels that were the same in every training image (see <see cref="PixelScaling.FitStandardizer"/>).
/// </summary>
public sealed record PixelStandardizer(double[] Mean, double[] Std, int ConstantPixels)
{
    public int SampleSize => Mean.Length;

    /// <summary><c>(float)((b/255 − mean) / std)</c> per pixel, computed in float64 like numpy and rounded once to float32.</summary>
    public float[] Apply(ReadOnlySpan<byte> pixels)
    {
        var size = SampleSize;
        if (pixels.Length % size != 0)
            throw new ArgumentException($"{pixels.Length} bytes are not a whole number of {size}-byte samples", nameof(pixels));
        var result = new float[pixels.Length];
        var mean = Mean;
        var std = Std;
        var n = pixels.Length / size;
        for (var s = 0; s < n; s++)
        {
            var row = pixels.Slice(s * size, size);
            var dst = result.AsSpan(s * size, size);
            for (var j = 0; j < size; j++) dst[j] = (float)((row[j] / 255.0 - mean[j]) / std[j]);
        }
        return result;
    }
}
