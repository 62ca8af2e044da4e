namespace NormLab.Core.Data;

/// <summary>
/// One split of a dataset held in memory: <paramref name="Images"/> is N×C×H×W flattened channels-first
/// (the PyTorch layout, so a batch is one contiguous copy), <paramref name="Labels"/> one class index per sample.
/// <paramref name="SampleShape"/> is C,H,W (e.g. 1,28,28). Arrays are owned by the record and never mutated after construction.
/// </summary>
public sealed record DatasetArrays(float[] Images, byte[] Labels, int Count, int[] SampleShape)
{
    /// <summary>Floats per sample (C·H·W).</summary>
    public int SampleSize => SampleShape.Aggregate(1, (a, d) => a * d);

    public bool IsEmpty => Count == 0;

    public static DatasetArrays Empty(int[] sampleShape) => new([], [], 0, sampleShape);

    /// <summary>The samples [start, start+count) as a new record (copies, so splits never alias each other).</summary>
    public DatasetArrays Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"slice [{start}, {start + count}) is outside 0..{Count}");
        var size = SampleSize;
        return new DatasetArrays(
            Images.AsSpan(start * size, count * size).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            count,
            SampleShape);
    }
}

/// <summary>The three splits a run sees. <paramref name="Validation"/> may be empty (Count 0) when the study uses none.</summary>
public sealed record DatasetSplits(DatasetArrays Train, DatasetArrays Validation, DatasetArrays Test)
{
    /// <summary>Number of classes labels range over (0..NumClasses-1).</summary>
    public int NumClasses { get; init; } = 10;

    /// <summary>Where the data came from, for logs and the results' config (e.g. "/usr/share/datasets/fashion-mnist (Debian dataset-fashion-mnist)").</summary>
    public string Source { get; init; } = "";
}
