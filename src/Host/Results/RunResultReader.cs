namespace NormLab.Host.Results;

/// <summary>Everything one run left on disk. Files not (yet) written are null or empty: a run in progress has no summary.</summary>
public sealed record RunResult(
    string Dir,
    RunSummary? Summary,
    IReadOnlyList<MetricsRow> Metrics,
    IReadOnlyList<ProbeRow> Probes,
    string? ConfigYaml)
{
    public bool IsComplete => Summary?.Status == RunStatus.Complete;
}

/// <summary>Reads a run folder <c>results/&lt;experiment&gt;/&lt;variant&gt;/seed-&lt;n&gt;/</c>.</summary>
public static class RunResultReader
{
    public const string ConfigFileName = "config.yaml";

    /// <summary>All four files; a malformed one throws <see cref="ResultsFormatException"/> naming the file and line.</summary>
    public static RunResult Read(string runDir)
    {
        if (!Directory.Exists(runDir)) throw new DirectoryNotFoundException($"{runDir}: no such run folder");
        var summaryPath = Path.Combine(runDir, SummaryJson.FileName);
        var metricsPath = Path.Combine(runDir, MetricsCsv.FileName);
        var probesPath = Path.Combine(runDir, ProbesCsv.FileName);
        var configPath = Path.Combine(runDir, ConfigFileName);
        return new RunResult(
            runDir,
            File.Exists(summaryPath) ? SummaryJson.Read(summaryPath) : null,
            File.Exists(metricsPath) ? MetricsCsv.Read(metricsPath) : [],
            File.Exists(probesPath) ? ProbesCsv.Read(probesPath) : [],
            File.Exists(configPath) ? File.ReadAllText(configPath) : null);
    }

    /// <summary>
    /// For <c>--resume</c>: true only when summary.json exists, parses and says "complete". Anything else (missing, cancelled,
    /// diverged, failed, unreadable) means the run should be done again.
    /// </summary>
    public static bool IsComplete(string runDir)
    {
        var path = Path.Combine(runDir, SummaryJson.FileName);
        if (!File.Exists(path)) return false;
        try
        {
            return SummaryJson.Read(path).Status == RunStatus.Complete;
        }
        catch (ResultsFormatException)
        {
            return false;
        }
    }

    /// <summary>The folder of one run under a results root.</summary>
    public static string RunDir(string resultsDir, string experiment, string variant, long seed) =>
        Path.Combine(resultsDir, experiment, variant, SeedFolderName(seed));

    public static string SeedFolderName(long seed) => $"seed-{seed.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
