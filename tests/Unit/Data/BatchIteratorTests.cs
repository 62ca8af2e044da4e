using NormLab.Core.Data;
using NormLab.Host.Data;
using NormLab.Engine.Training;
using Xunit;

namespace NormLab.Tests.Unit.Data;

public sealed class BatchIteratorTests
{
    /// <summary>5 samples of shape 1×1×2: sample i holds bytes [10·i, 10·i + 1] and label i; scaled to 0..1.</summary>
    private static DatasetArrays Five() =>
        new(Enumerable.Range(0, 5).SelectMany(i => new[] { (byte)(10 * i), (byte)(10 * i + 1) }).ToArray(), [0, 1, 2, 3, 4], 5, [1, 1, 2],
            PixelTable.Scale01);

    /// <summary>What scale01 makes of byte <paramref name="b"/>.</summary>
    private static float S(int b) => (float)(b / 255.0);

    /// <summary>
    /// <paramref name="n"/> random samples of 1×28×28 bytes with random labels, under scale01 or a standardisation fitted on them
    /// (a per-pixel table, with MNIST's constant corner pixels).
    /// </summary>
    private static DatasetArrays Random28(int n, bool standardize, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[n * 784];
        rng.NextBytes(pixels);
        for (var i = 0; i < n; i++) pixels[i * 784] = 0;
        var labels = Enumerable.Range(0, n).Select(_ => (byte)rng.Next(10)).ToArray();
        var table = standardize ? PixelTable.Standardize(PixelScaling.FitStandardizer(pixels, 784)) : PixelTable.Scale01;
        return new DatasetArrays(pixels, labels, n, [1, 28, 28], table);
    }

    [Fact]
    public void Sequential_batches_keep_the_last_partial_batch()
    {
        var it = new BatchIterator(Five(), batchSize: 2);
        Assert.Equal(3, it.BatchCount);
        var images = new float[4];
        var labels = new long[2];

        Assert.Equal(2, it.Fill(1, images, labels));
        Assert.Equal([S(20), S(21), S(30), S(31)], images);
        Assert.Equal([2L, 3L], labels);

        Assert.Equal(1, it.Fill(2, images, labels));
        Assert.Equal([S(40), S(41)], images[..2]);
        Assert.Equal(4L, labels[0]);
    }

    [Fact]
    public void Drop_last_drops_the_partial_batch()
    {
        var it = new BatchIterator(Five(), batchSize: 2, dropLast: true);
        Assert.Equal(2, it.BatchCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => it.SamplesIn(2));
    }

    [Fact]
    public void Shuffled_batches_follow_the_epoch_order()
    {
        var it = new BatchIterator(Five(), batchSize: 3);
        it.Shuffle(seed: 42, epoch: 0);
        var order = Shuffle.EpochOrder(5, 42, 0);
        Assert.Equal(order, it.Order.ToArray());

        var images = new float[6];
        var labels = new long[3];
        var seen = new List<long>();
        for (var b = 0; b < it.BatchCount; b++)
        {
            var n = it.Fill(b, images, labels);
            for (var i = 0; i < n; i++)
            {
                var idx = order[b * 3 + i];
                Assert.Equal(idx, labels[i]);
                Assert.Equal([S(10 * idx), S(10 * idx + 1)], images[(i * 2)..(i * 2 + 2)]);
                seen.Add(labels[i]);
            }
        }
        Assert.Equal([0L, 1, 2, 3, 4], seen.Order());

        it.Sequential();
        Assert.Equal([0, 1, 2, 3, 4], it.Order.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Shuffled_batches_equal_the_samples_decoded_one_by_one(bool standardize)
    {
        // 37 samples in batches of 8: four full batches and a partial one of 5.
        var data = Random28(37, standardize, seed: 7);
        var it = new BatchIterator(data, batchSize: 8);
        it.Shuffle(seed: 3, epoch: 2);
        Assert.Equal(5, it.SamplesIn(it.BatchCount - 1));
        var images = new float[8 * 784];
        var labels = new long[8];
        var one = new float[784];
        var seen = 0;
        for (var b = 0; b < it.BatchCount; b++)
        {
            // Stale values from the previous batch must not survive where this batch writes.
            Array.Fill(images, float.NaN);
            var n = it.Fill(b, images, labels);
            for (var i = 0; i < n; i++)
            {
                var idx = it.Order[b * 8 + i];
                data.Decode(idx, one);
                Assert.Equal(data.Labels[idx], labels[i]);
                Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), images.AsSpan(i * 784, 784).ToArray().Select(BitConverter.SingleToInt32Bits));
            }
            seen += n;
        }
        Assert.Equal(37, seen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Filling_batches_allocates_nothing(bool standardize)
    {
        var data = Random28(1000, standardize, seed: 1);
        var it = new BatchIterator(data, batchSize: 64);
        var images = new float[64 * 784];
        var labels = new long[64];
        // Warm up past tiered compilation so only steady-state work is measured: a method is promoted after 30 calls and a
        // 100 ms delay, and the promotion itself once allocated ~7.6 KB on this thread inside the measured loop (a flaky
        // failure). Several epochs, a pause for the background compile, one more epoch, then measure.
        for (var epoch = 0; epoch < 5; epoch++)
        {
            it.Shuffle(1, epoch);
            for (var b = 0; b < it.BatchCount; b++) it.Fill(b, images, labels);
        }
        Thread.Sleep(300);
        for (var b = 0; b < it.BatchCount; b++) it.Fill(b, images, labels);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var epoch = 1; epoch < 4; epoch++)
        {
            it.Shuffle(1, epoch);
            for (var b = 0; b < it.BatchCount; b++) it.Fill(b, images, labels);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_table_fitted_on_another_sample_size_is_refused_at_construction()
    {
        var table = PixelTable.Standardize(PixelScaling.FitStandardizer(new byte[] { 1, 2, 3, 4, 5, 7 }, 3));
        var data = new DatasetArrays(new byte[4], [0, 1], 2, [1, 1, 2], table);
        var e = Assert.Throws<ArgumentException>(() => new BatchIterator(data, batchSize: 2));
        Assert.StartsWith("the split's pixel table was fitted on 3-pixel samples, its samples have 2", e.Message);
    }

    [Fact]
    public void Too_small_buffers_are_refused_with_sizes()
    {
        var it = new BatchIterator(Five(), batchSize: 2);
        var e = Assert.Throws<ArgumentException>(() => it.Fill(0, new float[3], new long[2]));
        Assert.StartsWith("image buffer holds 3 floats, batch 0 needs 4", e.Message);
    }
}
