using LanguageExt;

namespace NormLab.Host.Results;

/// <summary>Which data a metrics row was measured on.</summary>
public enum MetricsSplit
{
    Train,
    Val,
    Test,
}

/// <summary>
/// One row of metrics.csv (results contract): <see cref="Step"/> optimizer steps done; <see cref="Epoch"/> fractional epochs
/// (step·batch/trainSize); <see cref="Time"/> wall seconds since the run started. Loss or accuracy may be absent.
/// Train rows average the steps since the previous train row.
/// </summary>
public sealed record MetricsRow(long Step, double Epoch, MetricsSplit Split, double? Loss, double? Accuracy, double Time);

/// <summary>Writes metrics.csv; see <see cref="AtomicCsvWriter"/> for when the file is (atomically) rewritten.</summary>
public sealed class MetricsCsvWriter(string path, TimeSpan? flushInterval = null, string? existing = null)
    : AtomicCsvWriter(path, MetricsCsv.Header, flushInterval, existing)
{
    public void Append(MetricsRow row) => AppendLine(MetricsCsv.Format(row));

    public void Append(long step, double epoch, MetricsSplit split, double? loss, double? accuracy, double time) =>
        Append(new MetricsRow(step, epoch, split, loss, accuracy, time));
}

public static class MetricsCsv
{
    public const string FileName = "metrics.csv";
    public const string Header = "step,epoch,split,loss,accuracy,time";

    public static string SplitName(MetricsSplit split) => split switch
    {
        MetricsSplit.Train => "train",
        MetricsSplit.Val => "val",
        _ => "test",
    };

    public static string Format(MetricsRow r) =>
        $"{Csv.Number(r.Step)},{Csv.Number(r.Epoch)},{SplitName(r.Split)},{Csv.Number(r.Loss)},{Csv.Number(r.Accuracy)},{Csv.Number(r.Time)}";

    /// <summary>Strict: the first malformed line throws <see cref="ResultsFormatException"/>.</summary>
    public static IReadOnlyList<MetricsRow> Read(string path) => Csv.ReadFile(path, Header, ParseRow);

    /// <summary>Tolerant: every line's row or its problem, for a reader that shows what it can (the report).</summary>
    public static IReadOnlyList<Either<ResultsFormatException, MetricsRow>> ReadRows(string path) => Csv.ReadRows(path, Header, ParseRow);

    /// <summary>One data line's fields (already split, in <see cref="Header"/> order) as a row, or what is wrong with them.</summary>
    public static Either<string, MetricsRow> ParseRow(IReadOnlyList<string> f) =>
        from step in Csv.Long("step", f[0])
        from epoch in Csv.Double("epoch", f[1])
        from split in ParseSplit(f[2])
        from loss in Csv.OptionalDouble("loss", f[3])
        from accuracy in Csv.OptionalDouble("accuracy", f[4])
        from time in Csv.Double("time", f[5])
        select new MetricsRow(step, epoch, split, loss.ToNullable(), accuracy.ToNullable(), time);

    private static Either<string, MetricsSplit> ParseSplit(string text) => text switch
    {
        "train" => MetricsSplit.Train,
        "val" => MetricsSplit.Val,
        "test" => MetricsSplit.Test,
        _ => $"split '{text}' is not train, val or test",
    };
}
