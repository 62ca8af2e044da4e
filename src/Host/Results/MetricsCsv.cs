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
public sealed class MetricsCsvWriter(string path, TimeSpan? flushInterval = null)
    : AtomicCsvWriter(path, MetricsCsv.Header, flushInterval)
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

    public static IReadOnlyList<MetricsRow> Read(string path) =>
        Csv.ReadFile(path, Header, (f, line) => new MetricsRow(
            Long(path, line, "step", f[0]),
            Double(path, line, "epoch", f[1]) ?? throw new ResultsFormatException(path, line, "epoch is empty"),
            f[2] switch
            {
                "train" => MetricsSplit.Train,
                "val" => MetricsSplit.Val,
                "test" => MetricsSplit.Test,
                _ => throw new ResultsFormatException(path, line, $"split '{f[2]}' is not train, val or test"),
            },
            Double(path, line, "loss", f[3]),
            Double(path, line, "accuracy", f[4]),
            Double(path, line, "time", f[5]) ?? throw new ResultsFormatException(path, line, "time is empty")));

    internal static long Long(string path, int line, string name, string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new ResultsFormatException(path, line, $"{name} '{text}' is not an integer");

    internal static double? Double(string path, int line, string name, string text)
    {
        if (text.Length == 0) return null;
        return Csv.TryParseDouble(text, out var v) ? v : throw new ResultsFormatException(path, line, $"{name} '{text}' is not a number");
    }
}
