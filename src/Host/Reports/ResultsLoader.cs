using System.Globalization;
using LanguageExt;
using NormLab.Core.Reports;
using NormLab.Host.Results;
using static LanguageExt.Prelude;

namespace NormLab.Host.Reports;

/// <summary>What was read from a results folder, and every problem met on the way (file and line named).</summary>
public sealed record LoadedResults(Seq<ExperimentData> Experiments, Seq<string> Warnings);

/// <summary>
/// Reads a results folder written by the experiment host (contract in HELPERS.md): one folder per experiment with
/// experiment.json, then &lt;variant&gt;/seed-&lt;n&gt;/ with metrics.csv, probes.csv, summary.json and config.yaml.
/// Tolerant by design: every file but the folder layout is optional (probes.csv exists only when probes were declared;
/// a run still in progress has no summary.json), and a malformed row or file becomes a warning naming file and line,
/// never an exception, so one bad file does not hide the rest of the report. The files are parsed by Host.Results, the
/// same parsers the writers' own strict readers use (so the report accepts exactly what the writers write); this class
/// only walks the folders, turns each problem into a warning and maps the records onto the report's (<see cref="ReportRecords"/>).
/// </summary>
public static class ResultsLoader
{
    public const string FiguresFolder = "figures";

    public static Either<string, LoadedResults> Load(string resultsDir)
    {
        if (!Directory.Exists(resultsDir))
            return Left($"results folder '{resultsDir}' does not exist: run `normlab run` first, or pass the folder that holds the results");

        var warnings = new List<string>();
        var experiments = Directory.GetDirectories(resultsDir)
            .Where(d => Path.GetFileName(d) != FiguresFolder)
            .OrderBy(d => d, StringComparer.Ordinal)
            .Select(d => LoadExperiment(resultsDir, d, warnings))
            .Where(e => e.IsSome)
            .Select(e => e.IfNone(() => throw new InvalidOperationException()))
            .ToArray();
        if (experiments.Length == 0)
            return Left($"no experiment results under '{resultsDir}' (expected {resultsDir}/<experiment>/experiment.json and <experiment>/<variant>/seed-<n>/)");
        return new LoadedResults(experiments.ToSeq(), warnings.ToSeq());
    }

    private static Option<ExperimentData> LoadExperiment(string root, string dir, List<string> warnings)
    {
        var name = Path.GetFileName(dir);
        // A variant is any folder below the experiment's holding seed-<n> folders: a sweep's run variants are nested
        // (gn/batch=8/lr=0.1/seed-1) and named by their relative path.
        var variantDirs = Directory.GetDirectories(dir, "*", SearchOption.AllDirectories)
            .Where(v => !Path.GetFileName(v).StartsWith("seed-", StringComparison.Ordinal) && SeedDirs(v).Length > 0)
            .OrderBy(v => v, StringComparer.Ordinal).ToArray();
        var infoPath = Path.Combine(dir, ExperimentJson.FileName);
        if (!File.Exists(infoPath) && variantDirs.Length == 0) return None;

        var fallback = new ExperimentInfo(name, "", "", "", HashMap<string, Reported>(), Empty, Empty, Empty);
        var info = File.Exists(infoPath) ? Read(() => ExperimentJson.Read(infoPath), warnings).Map(m => m.ToReport()).IfNone(fallback) : fallback;
        if (!File.Exists(infoPath)) warnings.Add($"{infoPath}: missing; description and reported values are unknown");

        string VariantName(string v) => Path.GetRelativePath(dir, v).Replace(Path.DirectorySeparatorChar, '/');
        var runs = variantDirs.SelectMany(v => SeedDirs(v).Select(s => LoadRun(root, VariantName(v), s.Seed, s.Dir, warnings))).ToArray();
        return new ExperimentData(info with { Name = info.Name.Length > 0 ? info.Name : name }, runs.ToSeq());
    }

    private static (int Seed, string Dir)[] SeedDirs(string variantDir) =>
        Directory.GetDirectories(variantDir)
            .Select(d => (ok: int.TryParse(Path.GetFileName(d).Replace("seed-", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                              && Path.GetFileName(d).StartsWith("seed-", StringComparison.Ordinal), n, d))
            .Where(t => t.ok)
            .OrderBy(t => t.n)
            .Select(t => (t.n, t.d))
            .ToArray();

    private static RunData LoadRun(string root, string variant, int seed, string dir, List<string> warnings)
    {
        string P(string f) => Path.Combine(dir, f);
        var metrics = File.Exists(P(MetricsCsv.FileName)) ? Rows(MetricsCsv.ReadRows(P(MetricsCsv.FileName)), warnings).Map(r => r.ToReport()) : Empty;
        var probes = File.Exists(P(ProbesCsv.FileName)) ? Rows(ProbesCsv.ReadRows(P(ProbesCsv.FileName)), warnings).Map(r => r.ToReport()) : Empty;
        var summary = File.Exists(P(SummaryJson.FileName)) ? Read(() => SummaryJson.Read(P(SummaryJson.FileName)), warnings).Map(s => s.ToReport()) : None;
        var config = File.Exists(P(RunResultReader.ConfigFileName)) ? Some(File.ReadAllText(P(RunResultReader.ConfigFileName))) : None;
        if (metrics.IsEmpty && summary.IsNone) warnings.Add($"{dir}: neither metrics.csv nor summary.json; the run has no results yet");
        var files = new[] { RunResultReader.ConfigFileName, MetricsCsv.FileName, ProbesCsv.FileName, SummaryJson.FileName }
            .Where(f => File.Exists(P(f)))
            .Select(f => Path.GetRelativePath(root, P(f)).Replace(Path.DirectorySeparatorChar, '/'))
            .ToArray();
        return new RunData(variant, seed, metrics, probes, summary, config, files.ToSeq());
    }

    /// <summary>The rows that parsed; each line that did not becomes a warning (its message names file and line).</summary>
    private static Seq<T> Rows<T>(IEnumerable<Either<ResultsFormatException, T>> rows, List<string> warnings)
    {
        var kept = new List<T>();
        foreach (var row in rows) row.Match(kept.Add, problem => warnings.Add(problem.Message));
        return kept.ToSeq();
    }

    /// <summary>A whole-file read (JSON): the record, or None and a warning naming the file (and line, where the parser knows it).</summary>
    private static Option<T> Read<T>(Func<T> read, List<string> warnings)
    {
        try
        {
            return Optional(read());
        }
        catch (ResultsFormatException e)
        {
            warnings.Add(e.Message);
            return None;
        }
    }
}
