using System.Globalization;

namespace NormLab.Host.Results;

/// <summary>Where one planned run stands, as <c>./normlab status</c> shows it.</summary>
public enum RunState
{
    Complete,
    Running,
    Failed,
    Cancelled,
    Diverged,
    Missing,
}

/// <summary>One line of <c>./normlab status</c>: the run's folder, its state and what else is known (where it runs, since
/// when, its checkpoint, a failure's message, a stale lock).</summary>
public sealed record RunStateRow(string Folder, int? Shard, RunState State, string Detail);

/// <summary>
/// The state of every planned run of a results folder, read from disk only (plan.json, summary.json, run.lock,
/// checkpoint/), so it works from any machine that sees the shared folder, while shards are running.
/// </summary>
public static class RunStates
{
    /// <summary>Every run of plan.json (or, without one, every run folder found), in plan order.</summary>
    public static IReadOnlyList<RunStateRow> Read(string resultsDir)
    {
        var plan = PlanFile.Read(resultsDir);
        var runs = plan?.Runs.Select(r => (r.Folder, plan.Shards > 1 ? (int?)r.Shard : null)).ToList()
            ?? ResultsTree.Scan(resultsDir).Experiments.SelectMany(e => e.Variants).SelectMany(v => v.Seeds)
                .Select(r => (Path.GetRelativePath(resultsDir, r.Dir).Replace('\\', '/'), (int?)null)).ToList();
        return runs.Select(r => Row(resultsDir, r.Item1, r.Item2)).ToList();
    }

    static RunStateRow Row(string resultsDir, string folder, int? shard)
    {
        var dir = Path.Combine(resultsDir, folder);
        var checkpoint = CheckpointFolder.LatestStep(dir) is long step ? $"checkpoint at step {step.ToString(CultureInfo.InvariantCulture)}" : null;
        var lockPath = Path.Combine(dir, RunLock.FileName);
        var (owner, lockText) = RunLock.Read(lockPath);
        if (lockText is not null)
        {
            var stale = owner is null ? "unreadable" : RunLock.StaleReason(owner, File.GetLastWriteTimeUtc(lockPath));
            if (stale is null)
                return new RunStateRow(folder, shard, RunState.Running, Join($"on {owner}", checkpoint));
            if (!File.Exists(Path.Combine(dir, SummaryJson.FileName)))
                return new RunStateRow(folder, shard, RunState.Missing, Join($"stale lock of {owner?.ToString() ?? "an unknown process"} ({stale}); the next run takes it over", checkpoint));
        }
        var summaryPath = Path.Combine(dir, SummaryJson.FileName);
        if (!File.Exists(summaryPath))
            return new RunStateRow(folder, shard, RunState.Missing, Join(Directory.Exists(dir) ? "interrupted (no summary.json)" : "not started", checkpoint));
        RunSummary summary;
        try
        {
            summary = SummaryJson.Read(summaryPath);
        }
        catch (ResultsFormatException e)
        {
            return new RunStateRow(folder, shard, RunState.Missing, e.Message);
        }
        return summary.Status switch
        {
            RunStatus.Complete => new RunStateRow(folder, shard, RunState.Complete,
                string.Create(CultureInfo.InvariantCulture, $"test acc {summary.TestAccuracy:0.0000}, {summary.Steps} steps")),
            RunStatus.Diverged => new RunStateRow(folder, shard, RunState.Diverged, $"at step {summary.DivergedAtStep}"),
            RunStatus.Cancelled => new RunStateRow(folder, shard, RunState.Cancelled, Join(summary.Message ?? "cancelled", checkpoint)),
            _ => new RunStateRow(folder, shard, RunState.Failed, summary.Message ?? "failed"),
        };
    }

    static string Join(string first, string? second) => second is null ? first : $"{first}; {second}";

    /// <summary>The totals line: <c>8 planned: 5 complete, 1 running, …</c>.</summary>
    public static string Totals(IReadOnlyList<RunStateRow> rows) =>
        $"{rows.Count} planned: " + string.Join(", ", Enum.GetValues<RunState>().Select(s => $"{rows.Count(r => r.State == s)} {s.ToString().ToLowerInvariant()}"));
}
