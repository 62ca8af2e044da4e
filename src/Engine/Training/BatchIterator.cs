using System.Runtime.CompilerServices;
using NormLab.Core.Data;

namespace NormLab.Engine.Training;

/// <summary>
/// Cuts a split into mini-batches in a given sample order and gathers them into caller-owned buffers: each sample's C·H·W
/// bytes are decoded through the split's <see cref="PixelTable"/> straight into its place in the batch, with no allocation per
/// sample, batch or epoch (and no float copy of the split anywhere).
/// Labels come out as int64 because that is what cross-entropy takes (PyTorch's target dtype).
/// Keras-style, the last partial batch is kept (<c>ceil(n / batchSize)</c> batches) unless <c>dropLast</c> is set
/// (PyTorch's <c>DataLoader(drop_last=True)</c>: <c>floor(n / batchSize)</c>).
/// Not thread-safe: one iterator per consumer.
/// </summary>
public sealed class BatchIterator
{
    private readonly DatasetArrays _data;
    private readonly int[] _order;

    public BatchIterator(DatasetArrays data, int batchSize, bool dropLast = false)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"must be > 0 (got {batchSize})");
        // Checked once here so a mismatched table fails at construction, not in the middle of an epoch.
        if (!data.Table.Fits(data.SampleSize))
            throw new ArgumentException($"the split's pixel table was fitted on {data.Table.SampleSize}-pixel samples, its samples have {data.SampleSize}", nameof(data));
        _data = data;
        BatchSize = batchSize;
        DropLast = dropLast;
        SampleSize = data.SampleSize;
        _order = new int[data.Count];
        Sequential();
    }

    public int BatchSize { get; }

    public bool DropLast { get; }

    /// <summary>Floats per sample (C·H·W).</summary>
    public int SampleSize { get; }

    public int SampleCount => _data.Count;

    /// <summary>Batches per epoch: ceil(n / batch), or floor(n / batch) with dropLast.</summary>
    public int BatchCount => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>The current sample order (a permutation of 0..n−1).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Use the order of <see cref="Shuffle.EpochOrder"/> for (seed, epoch): the training order.</summary>
    public void Shuffle(ulong seed, int epoch) => Core.Data.Shuffle.FillEpochOrder(_order, seed, epoch);

    /// <summary>Use <see cref="ClassSkewedOrder"/> for (seed, epoch): every batch from <paramref name="classesPerBatch"/> classes.</summary>
    public void ClassSkewed(ulong seed, int epoch, int classesPerBatch) =>
        ClassSkewedOrder.Fill(_order, _data.Labels, seed, epoch, BatchSize, classesPerBatch);

    /// <summary>Use the file order 0..n−1: for evaluation.</summary>
    public void Sequential()
    {
        for (var i = 0; i < _order.Length; i++) _order[i] = i;
    }

    /// <summary>How many samples batch <paramref name="batch"/> holds (BatchSize except possibly the last).</summary>
    public int SamplesIn(int batch)
    {
        if ((uint)batch >= (uint)BatchCount)
            throw new ArgumentOutOfRangeException(nameof(batch), $"batch {batch} is outside 0..{BatchCount - 1}");
        return Math.Min(BatchSize, _data.Count - batch * BatchSize);
    }

    /// <summary>
    /// Decodes batch <paramref name="batch"/> into <paramref name="images"/> (samples × C·H·W) and <paramref name="labels"/>;
    /// returns the number of samples written. The buffers need room for <see cref="SamplesIn"/> samples (BatchSize is always enough).
    /// </summary>
    public int Fill(int batch, Span<float> images, Span<long> labels)
    {
        var count = SamplesIn(batch);
        var size = SampleSize;
        if (images.Length < count * size)
            throw new ArgumentException($"image buffer holds {images.Length} floats, batch {batch} needs {count * size}", nameof(images));
        if (labels.Length < count)
            throw new ArgumentException($"label buffer holds {labels.Length} values, batch {batch} needs {count}", nameof(labels));

        Gather(_order.AsSpan(batch * BatchSize, count), _data.Pixels, _data.Labels, _data.Table, size, images, labels);
        return count;
    }

    // The hot loop of every training step: optimised at once, even before tiering and in Debug builds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gather(ReadOnlySpan<int> indices, byte[] pixels, byte[] sourceLabels, PixelTable table, int size,
        Span<float> images, Span<long> labels)
    {
        for (var i = 0; i < indices.Length; i++)
        {
            var idx = indices[i];
            table.Decode(pixels.AsSpan(idx * size, size), images.Slice(i * size, size));
            labels[i] = sourceLabels[idx];
        }
    }
}
