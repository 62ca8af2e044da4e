using System.Diagnostics;
using LanguageExt;
using Microsoft.Extensions.Logging.Abstractions;
using NormLab.Core.Experiments;
using NormLab.Host.Cli;
using NormLab.Host.Reports;
using NormLab.Host.Results;
using NormLab.Host.Running;
using NormLab.Host.Yaml;
using NormLab.Tests.Unit.Data;

namespace NormLab.Tests.Unit.Running;

/// <summary>
/// Shards, locks and status on a shared results folder: N shards give exactly the results of one process; a run whose
/// folder another live process holds is left alone; a stale lock is taken over and said; status names every state; the
/// report reads a folder several shards wrote; bad input is one line and exit 2.
/// </summary>
public sealed class ShardRunTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "normlab-shard-" + Guid.NewGuid().ToString("N"));

    public ShardRunTests() => ExperimentRunTests.WriteLearnableDataset(Path.Combine(root, "data"), train: 320, test: 80);

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private string Yaml() => $$$"""
        datasets:
          tiny:
            source: mnist
            dataDir: {{{Path.Combine(root, "data")}}}
            validation: {count: 64, from: end}
        experiments:
          - name: sh
            dataset: tiny
            model:
              inputShape: [1, 4, 4]
              layers:
                - flatten: {}
                - dense: {units: 16}
                - batch_norm: {}
                - activation: {kind: relu, name: act}
                - dense: {units: 10}
            optimizer: {type: sgd, lr: 0.1}
            batchSize: 16
            steps: 30
            evalEvery: 10
            seeds: [1, 2]
            threads: 1
            probes:
              - {type: percentiles, layer: act, every: 10}
            variants:
              small: {}
              wide: {override: {dense_1: {units: 48}}, steps: 50}
        """;

    private Seq<RunPlan> Plans() =>
        YamlDocuments.ReadPlans(Yaml(), PlanFilter.All).Match(r => r.Plans, p => throw new InvalidOperationException(string.Join("\n", p)));

    private RunBatchOutcome Run(string outDir, Seq<RunPlan> plans, Seq<RunPlan> all, bool resume = false, ListLogger? log = null) =>
        new ExperimentRunner(new DatasetProvider(root, NullLogger.Instance), (Microsoft.Extensions.Logging.ILogger?)log ?? NullLogger.Instance, TextWriter.Null)
            .Run(plans, YamlDocuments.WriteRunPlan, new RunRequest(outDir, resume, 1), new LineProgress(TextWriter.Null, TimeSpan.FromHours(1)), default, all);

    [Fact]
    public void Two_shards_on_one_folder_give_exactly_the_results_of_one_process_and_one_report()
    {
        var plans = Plans();
        var one = Path.Combine(root, "one");
        Assert.Equal(0, Run(one, plans, plans).ExitCode);
        var shared = Path.Combine(root, "shared");
        var first = Shards.Select(plans, new ShardSpec(1, 2));
        var second = Shards.Select(plans, new ShardSpec(2, 2));
        Assert.Equal(plans.Count, first.Count + second.Count);
        Assert.Empty(first.Map(p => p.RelativeFolder).Intersect(second.Map(p => p.RelativeFolder)));
        Assert.False(first.IsEmpty || second.IsEmpty);
        Assert.Equal(0, Run(shared, second, plans).ExitCode);
        Assert.Equal(0, Run(shared, first, plans).ExitCode);
        foreach (var plan in plans)
            CheckpointResumeTests.AssertSameResults(Path.Combine(one, plan.RelativeFolder), Path.Combine(shared, plan.RelativeFolder));
        // No lock outlives its run.
        Assert.Empty(Directory.EnumerateFiles(shared, RunLock.FileName + "*", SearchOption.AllDirectories));
        var report = ReportWriter.Write(shared);
        Assert.True(report.Error.IsNone, report.Error.IfNone(""));
        var html = File.ReadAllText(report.ReportPath.IfNone(""));
        Assert.Contains("small", html);
        Assert.Contains("wide", html);
    }

    [Fact]
    public void A_run_held_by_a_live_process_is_left_alone_and_status_says_where_it_runs()
    {
        var plans = Plans();
        var outDir = Path.Combine(root, "results");
        using var other = Process.Start("sleep", "60")!;
        try
        {
            var held = plans[0];
            var dir = Path.Combine(outDir, held.RelativeFolder);
            Directory.CreateDirectory(dir);
            var owner = new LockOwner(Environment.MachineName, other.Id, other.StartTime.ToUniversalTime(), DateTime.UtcNow);
            File.WriteAllText(Path.Combine(dir, RunLock.FileName), System.Text.Json.JsonSerializer.Serialize(owner,
                new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase }));
            PlanFile.Write(outDir, PlanFile.Of(Path.Combine(root, "x.yaml"), plans, 1));
            var outcome = Run(outDir, plans, plans);
            Assert.Equal(1, outcome.Busy);
            Assert.Equal(plans.Count - 1, outcome.Summaries.Count);
            Assert.False(File.Exists(Path.Combine(dir, SummaryJson.FileName)));

            var output = new StringWriter();
            Assert.Equal(0, StatusVerb.Run(outDir, output, TextWriter.Null));
            var text = output.ToString();
            Assert.Contains($"{held.RelativeFolder}  running    on {Environment.MachineName} pid {other.Id} since", text);
            Assert.Contains($"{plans.Count} planned: {plans.Count - 1} complete, 1 running, 0 failed, 0 cancelled, 0 diverged, 0 missing", text);
        }
        finally
        {
            other.Kill();
            other.WaitForExit();
        }
    }

    [Fact]
    public void A_stale_lock_of_a_dead_process_is_taken_over_and_said_and_status_shows_it_before()
    {
        var plans = Plans();
        var outDir = Path.Combine(root, "results");
        using var dead = Process.Start("true")!;
        dead.WaitForExit();
        var dir = Path.Combine(outDir, plans[0].RelativeFolder);
        Directory.CreateDirectory(dir);
        var owner = new LockOwner(Environment.MachineName, dead.Id, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(-1));
        File.WriteAllText(Path.Combine(dir, RunLock.FileName), System.Text.Json.JsonSerializer.Serialize(owner,
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase }));
        PlanFile.Write(outDir, PlanFile.Of(Path.Combine(root, "x.yaml"), plans, 2));
        var before = new StringWriter();
        StatusVerb.Run(outDir, before, TextWriter.Null);
        Assert.Contains($"missing    stale lock of {Environment.MachineName} pid {dead.Id}", before.ToString());
        Assert.Contains($"{plans.Count} planned: 0 complete, 0 running, 0 failed, 0 cancelled, 0 diverged, {plans.Count} missing", before.ToString());

        var log = new ListLogger();
        var outcome = Run(outDir, plans, plans, log: log);
        Assert.Equal(0, outcome.Busy);
        Assert.All(outcome.Summaries, s => Assert.Equal(RunStatus.Complete, s.Status));
        Assert.Contains(log.Messages, m => m.Contains($"took over the stale lock of {Environment.MachineName} pid {dead.Id}") && m.Contains("is not running on this host"));
        Assert.False(File.Exists(Path.Combine(dir, RunLock.FileName)));
    }

    [Fact]
    public void A_lock_from_another_host_is_stale_only_once_its_heartbeat_is_old()
    {
        var owner = new LockOwner("some-other-node", 4242, DateTime.UtcNow, DateTime.UtcNow);
        Assert.Null(RunLock.StaleReason(owner, DateTime.UtcNow.AddSeconds(-40)));
        Assert.Contains("not touched for", RunLock.StaleReason(owner, DateTime.UtcNow - RunLock.StaleAfter - TimeSpan.FromMinutes(1)));
    }

    private static (int Code, string Error) RunVerb(RunOptions options)
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            return (NormLab.Host.Cli.RunVerb.RunAsync(options).GetAwaiter().GetResult(), error.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    [Fact]
    public void Jobs_2_trains_two_runs_at_once_in_child_processes_and_gives_the_results_of_one_process()
    {
        var plans = Plans();
        var one = Path.Combine(root, "one");
        Run(one, plans, plans);
        var file = Path.Combine(root, "jobs.yaml");
        File.WriteAllText(file, Yaml());
        var outDir = Path.Combine(root, "jobs");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int code;
        string error;
        try
        {
            (code, error) = RunVerb(new RunOptions(file, PlanFilter.All, outDir, false, false, Jobs: 2));
        }
        finally
        {
            Console.SetOut(previous);
        }
        Assert.True(code == 0, error);
        Assert.Contains("[job 1/2] ", output + error);
        Assert.Contains("[job 2/2] ", output + error);
        Assert.Contains($"{plans.Count} planned: {plans.Count} complete", output.ToString());
        foreach (var plan in plans)
            CheckpointResumeTests.AssertSameResults(Path.Combine(one, plan.RelativeFolder), Path.Combine(outDir, plan.RelativeFolder));
    }

    [Fact]
    public void A_results_folder_of_another_file_is_refused_with_exit_2_and_nothing_written()
    {
        var outDir = Path.Combine(root, "results");
        var a = Path.Combine(root, "a.yaml");
        var b = Path.Combine(root, "b.yaml");
        File.WriteAllText(a, Yaml());
        File.WriteAllText(b, Yaml());
        Directory.CreateDirectory(outDir);
        PlanFile.Write(outDir, PlanFile.Of(a, Plans(), 1));
        var (code, error) = RunVerb(new RunOptions(b, PlanFilter.All, outDir, false, false, Shard: new ShardSpec(1, 2)));
        Assert.Equal(2, code);
        Assert.Contains($"this results folder holds the runs of {a}, not {b}", error);
        Assert.Contains("--out DIR", error);
        Assert.Single(Directory.EnumerateFileSystemEntries(outDir));
    }

    [Fact]
    public void A_results_folder_that_cannot_be_written_is_refused_with_exit_2()
    {
        var file = Path.Combine(root, "a.yaml");
        File.WriteAllText(file, Yaml());
        // /proc refuses new folders even to root (the tests may run as root, for whom permissions do not bite).
        var (code, error) = RunVerb(new RunOptions(file, PlanFilter.All, "/proc/normlab-results", false, false));
        Assert.Equal(2, code);
        Assert.Contains("/proc/normlab-results: cannot write the results folder", error);
        Assert.DoesNotContain("   at ", error);
    }
}
