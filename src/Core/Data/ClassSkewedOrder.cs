namespace NormLab.Core.Data;

/// <summary>
/// A non-i.i.d. epoch order (Ioffe 2017, §4.3): every mini-batch is drawn from only <c>classesPerBatch</c> classes. The
/// epoch still visits every training image exactly once — the order is a permutation — and keeps the i.i.d. order's batch
/// count, so budgets in epochs mean what they mean without the sampler. Deterministic per (seed, epoch), from the same
/// generator family as <see cref="Shuffle"/>: each class's images are taken in the epoch's i.i.d. order; each batch picks
/// its classes without replacement, weighted by the images they have left (so classes drain together and the last
/// batches are not all one class), and takes an equal share from each. Only when the chosen classes run out — at the very
/// end of an epoch — is a batch topped up from other classes.
/// </summary>
public static class ClassSkewedOrder
{
    /// <summary>The stream of the class draws, apart from the shuffle's streams (epochs) of the same seed.</summary>
    const ulong Stream = 0xC1A55_5EEDUL;

    public static void Fill(Span<int> order, ReadOnlySpan<byte> labels, ulong seed, int epoch, int batchSize, int classesPerBatch)
    {
        if (labels.Length != order.Length) throw new ArgumentException($"{labels.Length} labels for {order.Length} samples", nameof(labels));
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"must be > 0 (got {batchSize})");
        if (classesPerBatch <= 0) throw new ArgumentOutOfRangeException(nameof(classesPerBatch), $"must be > 0 (got {classesPerBatch})");
        Shuffle.FillEpochOrder(order, seed, epoch);
        var classes = 0;
        foreach (var l in labels) classes = Math.Max(classes, l + 1);
        // Each class's samples in the i.i.d. order, and how many of them have been taken.
        var queues = new List<int>[classes];
        for (var c = 0; c < classes; c++) queues[c] = [];
        foreach (var i in order) queues[labels[i]].Add(i);
        var taken = new int[classes];
        int Left(int c) => queues[c].Count - taken[c];

        var rng = Xoshiro256StarStar.ForStream(seed ^ Stream, (ulong)(uint)epoch);
        var chosen = new List<int>(classesPerBatch);
        // Written to an array first: the local Take below cannot capture the span.
        var result = new int[order.Length];
        var at = 0;
        while (at < result.Length)
        {
            var size = Math.Min(batchSize, result.Length - at);
            chosen.Clear();
            for (var k = 0; k < classesPerBatch; k++)
            {
                long total = 0;
                for (var c = 0; c < classes; c++) if (!chosen.Contains(c)) total += Left(c);
                if (total == 0) break;
                var r = (long)rng.NextBounded((uint)total);
                for (var c = 0; c < classes; c++)
                {
                    if (chosen.Contains(c)) continue;
                    r -= Left(c);
                    if (r < 0) { chosen.Add(c); break; }
                }
            }
            var need = size;
            // An equal share from each chosen class (the first ones take the remainder), then whatever is short from the
            // chosen classes that still have images, then — only at the end of the epoch — from any class.
            for (var j = 0; j < chosen.Count && need > 0; j++)
            {
                var share = size / chosen.Count + (j < size % chosen.Count ? 1 : 0);
                need -= Take(chosen[j], Math.Min(share, need));
            }
            foreach (var c in chosen) if (need > 0) need -= Take(c, need);
            for (var c = 0; c < classes && need > 0; c++) need -= Take(c, need);
        }
        result.CopyTo(order);

        int Take(int c, int want)
        {
            var n = Math.Min(want, Left(c));
            for (var i = 0; i < n; i++) result[at++] = queues[c][taken[c]++];
            return n;
        }
    }
}
