using LanguageExt;

namespace NormLab.Host.Results;

/// <summary>
/// One row of probes.csv (results contract), e.g. <c>1000,percentiles,hidden3,p15,-1.234</c>,
/// <c>1000,batch_stats,bn2,mean,0.01</c>, <c>1000,grad_norm,dense1,l2,0.5</c>.
/// </summary>
public sealed record ProbeRow(long Step, string Probe, string Layer, string Stat, double Value);

/// <summary>Writes probes.csv; see <see cref="AtomicCsvWriter"/> for when the file is (atomically) rewritten.</summary>
public sealed class ProbesCsvWriter(string path, TimeSpan? flushInterval = null, string? existing = null)
    : AtomicCsvWriter(path, ProbesCsv.Header, flushInterval, existing)
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

    /// <summary>Strict: the first malformed line throws <see cref="ResultsFormatException"/>.</summary>
    public static IReadOnlyList<ProbeRow> Read(string path) => Csv.ReadFile(path, Header, ParseRow);

    /// <summary>Tolerant: every line's row or its problem, for a reader that shows what it can (the report).</summary>
    public static IReadOnlyList<Either<ResultsFormatException, ProbeRow>> ReadRows(string path) => Csv.ReadRows(path, Header, ParseRow);

    /// <summary>One data line's fields (already split, in <see cref="Header"/> order) as a row, or what is wrong with them.</summary>
    public static Either<string, ProbeRow> ParseRow(IReadOnlyList<string> f) =>
        from step in Csv.Long("step", f[0])
        from value in Csv.Double("value", f[4])
        select new ProbeRow(step, f[1], f[2], f[3], value);
}
