using LanguageExt;
using System.Text.Json;
using NormLab.Core.Experiments;

namespace NormLab.Host.Results;

/// <summary>One planned run in plan.json: its folder under the results root and the shard (1-based) it belongs to.</summary>
public sealed record PlannedRun(string Experiment, string Variant, long Seed, string Folder, int Shard);

/// <summary>plan.json: which experiments file a results folder belongs to, and every run planned into it.</summary>
public sealed record PlanFileContents(string File, int Shards, IReadOnlyList<PlannedRun> Runs);

/// <summary>
/// <c>results/plan.json</c>, written (atomically) by every <c>./normlab run</c> before its first run: the experiments file
/// (absolute path) and its whole plan with each run's shard. It is how <c>./normlab status</c> knows what is missing, and
/// how a run refuses a results folder that another file's runs live in (their folders would mix in one report).
/// </summary>
public static class PlanFile
{
    public const string FileName = "plan.json";

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static PlanFileContents Of(string file, Seq<RunPlan> plans, int shards)
    {
        var list = plans.ToList();
        var assignment = Core.Experiments.Shards.Assign(list.Select(Core.Experiments.Shards.Cost).ToList(), shards);
        return new PlanFileContents(Path.GetFullPath(file), shards,
            list.Select((p, i) => new PlannedRun(p.ExperimentName, p.VariantName, p.Seed, p.RelativeFolder, assignment[i] + 1)).ToList());
    }

    public static PlanFileContents? Read(string resultsDir)
    {
        var path = Path.Combine(resultsDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<PlanFileContents>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new ResultsFormatException(path, null, $"not a plan file ({e.Message.Split('\n')[0]})");
        }
    }

    public static void Write(string resultsDir, PlanFileContents contents) =>
        AtomicFile.WriteAllText(Path.Combine(resultsDir, FileName), JsonSerializer.Serialize(contents, Json));

    /// <summary>A one-line error when the folder already holds another file's runs, else null.</summary>
    public static string? OtherFile(string resultsDir, string file)
    {
        var existing = Read(resultsDir);
        var mine = Path.GetFullPath(file);
        if (existing is null || existing.File == mine) return null;
        return $"{Path.Combine(resultsDir, FileName)}: this results folder holds the runs of {existing.File}, not {mine} — " +
            "give this file its own folder with --out DIR (or delete the old results)";
    }
}
