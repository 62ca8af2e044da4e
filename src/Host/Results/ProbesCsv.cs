namespace NormLab.Host.Results;

/// <summary>
/// One row of probes.csv (results contract), e.g. <c>1000,percentiles,hidden3,p15,-1.234</c>,
/// <c>1000,batch_stats,bn2,mean,0.01</c>, <c>1000,grad_norm,dense1,l2,0.5</c>.
/// </summary>
public sealed record ProbeRow(long Step, string Probe, string Layer, string Stat, double Value);

/// <summary>Writes probes.csv; see <see cref="AtomicCsvWriter"/> for when the file is (atomically) rewritten.</summary>
public sealed class ProbesCsvWriter(string path, TimeSpan? flushInterval = null)
    : AtomicCsvWriter(path, ProbesCsv.Header, flushInterval)
{
    public void Append(ProbeRow row) => AppendLine(ProbesCsv.Format(row));

    public void Append(long step, string probe, string layer, string stat, double value) =>
        Append(new ProbeRow(step, probe, layer, stat, value));
}

public static class ProbesCsv
{
    public const string FileName = "probes.csv";
    public const string Header = "step,probe,layer,stat,value";

    public static string Format(ProbeRow r) =>
        $"{Csv.Number(r.Step)},{Csv.Field(r.Probe)},{Csv.Field(r.Layer)},{Csv.Field(r.Stat)},{Csv.Number(r.Value)}";

    public static IReadOnlyList<ProbeRow> Read(string path) =>
        Csv.ReadFile(path, Header, (f, line) => new ProbeRow(
            MetricsCsv.Long(path, line, "step", f[0]),
            f[1],
            f[2],
            f[3],
            MetricsCsv.Double(path, line, "value", f[4]) ?? throw new ResultsFormatException(path, line, "value is empty")));
}
