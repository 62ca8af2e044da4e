using System.Globalization;
using System.Text.Json;
using LanguageExt;
using NormLab.Core.Reports;
using static LanguageExt.Prelude;

namespace NormLab.Host.Reports;

/// <summary>What was read from a results folder, and every problem met on the way (file and line named).</summary>
public sealed record LoadedResults(Seq<ExperimentData> Experiments, Seq<string> Warnings);

/// <summary>
/// Reads a results folder written by the experiment host (contract in HELPERS.md): one folder per experiment with
/// experiment.json, then &lt;variant&gt;/seed-&lt;n&gt;/ with metrics.csv, probes.csv, summary.json and config.yaml.
/// Tolerant by design: every file but the folder layout is optional (probes.csv exists only when probes were declared;
/// a run still in progress has no summary.json), and a malformed row or file becomes a warning naming file and line,
/// never an exception, so one bad file does not hide the rest of the report. Numbers are invariant culture.
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
        var variantDirs = Directory.GetDirectories(dir).Where(v => SeedDirs(v).Length > 0).OrderBy(v => v, StringComparer.Ordinal).ToArray();
        var infoPath = Path.Combine(dir, "experiment.json");
        if (!File.Exists(infoPath) && variantDirs.Length == 0) return None;

        var fallback = new ExperimentInfo(name, "", "", "", HashMap<string, Reported>(), Empty, Empty, Empty);
        var info = File.Exists(infoPath) ? ReadJson(infoPath, warnings).Map(j => ParseInfo(j, fallback)).IfNone(fallback) : fallback;
        if (!File.Exists(infoPath)) warnings.Add($"{infoPath}: missing; description and reported values are unknown");

        var runs = variantDirs.SelectMany(v => SeedDirs(v).Select(s => LoadRun(root, Path.GetFileName(v), s.Seed, s.Dir, warnings))).ToArray();
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
        var metrics = File.Exists(P("metrics.csv")) ? ReadMetrics(P("metrics.csv"), warnings) : Empty;
        var probes = File.Exists(P("probes.csv")) ? ReadProbes(P("probes.csv"), warnings) : Empty;
        var summary = File.Exists(P("summary.json")) ? ReadJson(P("summary.json"), warnings).Map(ParseSummary) : None;
        var config = File.Exists(P("config.yaml")) ? Some(File.ReadAllText(P("config.yaml"))) : None;
        if (metrics.IsEmpty && summary.IsNone) warnings.Add($"{dir}: neither metrics.csv nor summary.json; the run has no results yet");
        var files = new[] { "config.yaml", "metrics.csv", "probes.csv", "summary.json" }
            .Where(f => File.Exists(P(f)))
            .Select(f => Path.GetRelativePath(root, P(f)).Replace(Path.DirectorySeparatorChar, '/'))
            .ToArray();
        return new RunData(variant, seed, metrics, probes, summary, config, files.ToSeq());
    }

    // ---- CSV ----------------------------------------------------------------------------------------------------

    public static Seq<MetricRow> ReadMetrics(string path, List<string> warnings) =>
        ReadCsv(path, warnings, new[] { "step", "split" }, (row, at) =>
        {
            var split = row("split").Trim().ToLowerInvariant() switch
            {
                "train" => Some(Split.Train),
                "val" or "validation" => Some(Split.Val),
                "test" => Some(Split.Test),
                _ => None,
            };
            return from s in split.ToEither($"{at}: split '{row("split")}' is not train|val|test")
                   from step in Long(row("step"), at, "step")
                   from epoch in OptionalDouble(row("epoch"), at, "epoch")
                   from loss in OptionalDouble(row("loss"), at, "loss")
                   from acc in OptionalDouble(row("accuracy"), at, "accuracy")
                   from time in OptionalDouble(row("time"), at, "time")
                   select new MetricRow(step, epoch.IfNone(0), s, loss, acc, time.IfNone(0));
        });

    public static Seq<ProbeRow> ReadProbes(string path, List<string> warnings) =>
        ReadCsv(path, warnings, new[] { "step", "probe", "layer", "stat", "value" }, (row, at) =>
            from step in Long(row("step"), at, "step")
            from value in Double(row("value"), at, "value")
            select new ProbeRow(step, row("probe").Trim(), row("layer").Trim(), row("stat").Trim(), value));

    private static Seq<T> ReadCsv<T>(string path, List<string> warnings, string[] required, Func<Func<string, string>, string, Either<string, T>> parse)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) { warnings.Add($"{path}: empty file (no header)"); return Empty; }
        var header = SplitCsv(lines[0]).Select(h => h.Trim().ToLowerInvariant()).ToArray();
        var missing = required.Where(r => !header.Contains(r)).ToArray();
        if (missing.Length > 0)
        {
            warnings.Add($"{path}:1: header lacks column(s) {string.Join(", ", missing)} (header: {lines[0]})");
            return Empty;
        }
        var result = new List<T>(lines.Length);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = SplitCsv(lines[i]);
            string Cell(string column)
            {
                var k = System.Array.IndexOf(header, column);
                return k >= 0 && k < cells.Length ? cells[k] : "";
            }
            parse(Cell, $"{path}:{i + 1}").Match(result.Add, warnings.Add);
        }
        return result.ToSeq();
    }

    /// <summary>Splits one CSV line; fields may be double-quoted with "" for a quote (RFC 4180), though the contract writes none.</summary>
    public static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(c);
        }
        cells.Add(cell.ToString());
        return cells.ToArray();
    }

    private static Either<string, long> Long(string text, string at, string column) =>
        long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? Right(v)
            : Left($"{at}: {column} '{text}' is not an integer");

    private static Either<string, double> Double(string text, string at, string column) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? Right(v)
            : Left($"{at}: {column} '{text}' is not a number");

    private static Either<string, Option<double>> OptionalDouble(string text, string at, string column) =>
        text.Trim().Length == 0 ? Right(Option<double>.None) : Double(text, at, column).Map(Some);

    // ---- JSON ---------------------------------------------------------------------------------------------------

    private static Option<JsonElement> ReadJson(string path, List<string> warnings)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc.RootElement.Clone();
            warnings.Add($"{path}: expected a JSON object");
            return None;
        }
        catch (JsonException e)
        {
            warnings.Add($"{path}:{e.LineNumber + 1}: not valid JSON ({e.Message.Split('.')[0]})");
            return None;
        }
    }

    private static ExperimentInfo ParseInfo(JsonElement j, ExperimentInfo fallback) => new(
        Str(j, "name").IfNone(fallback.Name),
        Str(j, "description").IfNone(""),
        Str(j, "dataset").IfNone(""),
        Str(j, "kind").IfNone(""),
        Prop(j, "reported").Filter(r => r.ValueKind == JsonValueKind.Object)
            .Map(r => toHashMap(r.EnumerateObject().Select(p => (p.Name, new Reported(Num(p.Value, "testAccuracy"), Num(p.Value, "wallSeconds"))))))
            .IfNone(HashMap<string, Reported>()),
        JsonArray(j, "variants").Choose(v => v.ValueKind == JsonValueKind.String ? Some(v.GetString()!) : None),
        JsonArray(j, "seeds").Choose(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var s) ? Some(s) : None),
        JsonArray(j, "figures").Choose(v => v.ValueKind == JsonValueKind.String ? Some(v.GetString()!) : None));

    private static RunSummary ParseSummary(JsonElement j) => new(
        Str(j, "status").IfNone("unknown"),
        Num(j, "divergedAtStep").Map(v => (long)v),
        Str(j, "message"),
        Num(j, "steps").Map(v => (long)v),
        Num(j, "epochs"),
        Num(j, "testAccuracy"),
        Num(j, "testLoss"),
        Num(j, "bestValAccuracy"),
        Num(j, "finalTrainAccuracy"),
        Num(j, "wallSeconds"),
        Num(j, "secondsPerEpoch"),
        Num(j, "imagesPerSecond"),
        Prop(j, "params").Bind(p => Num(p, "total")).Map(v => (long)v),
        Str(j, "bnConvention").IfNone(""));

    private static Option<JsonElement> Prop(JsonElement j, string name) =>
        j.ValueKind == JsonValueKind.Object && j.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Some(v) : None;

    private static Option<string> Str(JsonElement j, string name) =>
        Prop(j, name).Bind(v => v.ValueKind == JsonValueKind.String ? Some(v.GetString()!) : None);

    /// <summary>A number, also when written as a string ("NaN" included, which JSON numbers cannot express).</summary>
    private static Option<double> Num(JsonElement j, string name) =>
        Prop(j, name).Bind(v => v.ValueKind switch
        {
            JsonValueKind.Number => Some(v.GetDouble()),
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => Some(d),
            _ => None,
        });

    private static Seq<JsonElement> JsonArray(JsonElement j, string name) =>
        Prop(j, name).Filter(v => v.ValueKind == JsonValueKind.Array).Map(v => v.EnumerateArray().ToArray().ToSeq()).IfNone(Empty);
}
