using NormLab.Core.Data;
using NormLab.Host.Data;
using NormLab.Engine.Training;
using Xunit;

namespace NormLab.Tests.Unit.Data;

public sealed class BatchIteratorTests
{
    /// <summary>5 samples of shape 1×1×2: sample i holds [10·i, 10·i + 1] and label i.</summary>
    private static DatasetArrays Five() =>
        new(Enumerable.Range(0, 5).SelectMany(i => new[] { 10f * i, 10f * i + 1 }).ToArray(), [0, 1, 2, 3, 4], 5, [1, 1, 2]);

    [Fact]
    public void Sequential_batches_keep_the_last_partial_batch()
    {
        var it = new BatchIterator(Five(), batchSize: 2);
        Assert.Equal(3, it.BatchCount);
        var images = new float[4];
        var labels = new long[2];

        Assert.Equal(2, it.Fill(1, images, labels));
        Assert.Equal([20f, 21f, 30f, 31f], images);
        Assert.Equal([2L, 3L], labels);

        Assert.Equal(1, it.Fill(2, images, labels));
        Assert.Equal([40f, 41f], images[..2]);
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
                Assert.Equal([10f * idx, 10f * idx + 1], images[(i * 2)..(i * 2 + 2)]);
                seen.Add(labels[i]);
            }
        }
        Assert.Equal([0L, 1, 2, 3, 4], seen.Order());

        it.Sequential();
        Assert.Equal([0, 1, 2, 3, 4], it.Order.ToArray());
    }

    [Fact]
    public void Filling_batches_allocates_nothing()
    {
        var n = 1000;
        var data = new DatasetArrays(new float[n * 784], new byte[n], n, [1, 28, 28]);
        var it = new BatchIterator(data, batchSize: 64);
        var images = new float[64 * 784];
        var labels = new long[64];
        // Warm up every path once (JIT, tiering) so only steady-state work is measured.
        it.Shuffle(1, 0);
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
    public void Too_small_buffers_are_refused_with_sizes()
    {
        var it = new BatchIterator(Five(), batchSize: 2);
        var e = Assert.Throws<ArgumentException>(() => it.Fill(0, new float[3], new long[2]));
        Assert.StartsWith("image buffer holds 3 floats, batch 0 needs 4", e.Message);
    }
}
