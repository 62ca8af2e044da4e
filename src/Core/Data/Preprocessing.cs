using System.Runtime.CompilerServices;

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

/// <summary>
/// Fits preprocessing statistics on raw pixel bytes. The statistics are exact integer sums, so they do not depend on summation
/// order and the work can be split across cores deterministically. Applying preprocessing is <see cref="PixelTable"/>'s job.
/// </summary>
public static class PixelScaling
{
    /// <summary>Below this many bytes, splitting the work across threads costs more than it saves.</summary>
    private const int ParallelThreshold = 1 << 20;

    /// <summary>
    /// Fits per-pixel mean and population standard deviation (ddof = 0, numpy's default) of <c>x / 255</c> over the samples in
    /// <paramref name="trainPixels"/> (N samples of <paramref name="sampleSize"/> bytes).
    /// The sums Σb and Σb² are exact integers, so mean = Σb / (255·N) and var = (N·Σb² − (Σb)²) / (255·N)² are exact up to the
    /// final division and square root in float64 — at least as accurate as numpy's two-pass float64 std.
    /// </summary>
    public static PixelStandardizer FitStandardizer(ReadOnlyMemory<byte> trainPixels, int sampleSize)
    {
        if (sampleSize <= 0) throw new ArgumentOutOfRangeException(nameof(sampleSize), $"must be > 0 (got {sampleSize})");
        if (trainPixels.Length % sampleSize != 0)
            throw new ArgumentException($"{trainPixels.Length} bytes are not a whole number of {sampleSize}-byte samples", nameof(trainPixels));
        var n = trainPixels.Length / sampleSize;
        if (n == 0) throw new ArgumentException("cannot fit a standardizer on an empty training split", nameof(trainPixels));

        var sum = new long[sampleSize];
        var sumSq = new long[sampleSize];
        if (trainPixels.Length < ParallelThreshold)
        {
            Accumulate(trainPixels.Span, sampleSize, sum, sumSq);
        }
        else
        {
            var gate = new object();
            ForChunks(n, 1, (start, count) =>
            {
                var s = new long[sampleSize];
                var q = new long[sampleSize];
                Accumulate(trainPixels.Span.Slice(start * sampleSize, count * sampleSize), sampleSize, s, q);
                lock (gate)
                {
                    // Integer sums: the order in which chunks arrive cannot change the result.
                    for (var j = 0; j < sampleSize; j++)
                    {
                        sum[j] += s[j];
                        sumSq[j] += q[j];
                    }
                }
            });
        }

        var mean = new double[sampleSize];
        var std = new double[sampleSize];
        var constantCount = 0;
        for (var j = 0; j < sampleSize; j++)
        {
            mean[j] = sum[j] / (255.0 * n);
            // N·Σb² − (Σb)² ≥ 0 exactly; it is 0 exactly when the pixel is the same in every training image.
            var scaledVariance = (Int128)n * sumSq[j] - (Int128)sum[j] * sum[j];
            if (scaledVariance == 0)
            {
                // A constant pixel (MNIST's blank corners). numpy gives std 0 there and the notebook's division gives NaN
                // (or, for a nonzero constant, a float64 std of ~1e-17 that amplifies rounding noise by 1e17).
                // We use std = 1: the pixel is 0 in training and (x − value) elsewhere.
                std[j] = 1.0;
                constantCount++;
            }
            else
            {
                std[j] = Math.Sqrt((double)scaledVariance) / (255.0 * n);
            }
        }
        return new PixelStandardizer(mean, std, constantCount);
    }

    // Hot loop over every pixel of the dataset: optimised at once, even before tiering and in Debug builds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate(ReadOnlySpan<byte> pixels, int sampleSize, long[] sum, long[] sumSq)
    {
        // uint lanes cannot overflow within 65,535 rows (65,535 · 255² < 2³²); flush them into the long totals per block.
        const int block = 65535;
        var s = new uint[sampleSize];
        var q = new uint[sampleSize];
        var rows = pixels.Length / sampleSize;
        for (var start = 0; start < rows; start += block)
        {
            var end = Math.Min(rows, start + block);
            for (var r = start; r < end; r++)
            {
                var row = pixels.Slice(r * sampleSize, sampleSize);
                for (var j = 0; j < row.Length; j++)
                {
                    uint b = row[j];
                    s[j] += b;
                    q[j] += b * b;
                }
            }
            for (var j = 0; j < sampleSize; j++)
            {
                sum[j] += s[j];
                sumSq[j] += q[j];
                s[j] = 0;
                q[j] = 0;
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> over [0, total) in contiguous chunks (multiples of <paramref name="align"/>) on the thread pool.</summary>
    private static void ForChunks(int total, int align, Action<int, int> body)
    {
        var chunks = Math.Max(1, Math.Min(Environment.ProcessorCount * 2, total / 4096));
        var per = (total / chunks + align - 1) / align * align;
        Parallel.For(0, chunks, c =>
        {
            var start = c * per;
            var count = Math.Min(per, total - start);
            if (count > 0) body(start, count);
        });
    }
}

/// <summary>
/// Per-pixel mean and standard deviation of <c>x / 255</c>, fitted on a training split. <paramref name="Std"/> already holds 1 for
/// the <paramref name="ConstantPixels"/> pixels that were the same in every training image (see <see cref="PixelScaling.FitStandardizer"/>).
/// </summary>
public sealed record PixelStandardizer(double[] Mean, double[] Std, int ConstantPixels)
{
    public int SampleSize => Mean.Length;
}
