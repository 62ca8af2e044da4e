using System.Diagnostics;
using LanguageExt;
using Microsoft.Extensions.Logging.Abstractions;
using NormLab.Core.Experiments;
using NormLab.Host.Cli;
using NormLab.Host.Results;
using NormLab.Host.Running;
using NormLab.Host.Yaml;
using NormLab.Tests.Unit.Running;
using Xunit.Abstractions;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;

namespace NormLab.Tests.Unit.Slurm;

/// <summary>
/// A test on a real one-node Slurm cluster. Skipped, with the reason, only where the daemons cannot run at all (Slurm or
/// munge not installed — <c>./normlab setup --test</c> installs them — or not root, which they need here); a cluster that
/// is installed but fails to start fails the test with its logs.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        var missing = new[] { "munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol" }
            .Where(c => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, c))))
            .ToList();
        if (missing.Count > 0)
            Skip = $"Slurm cannot start here: {string.Join(", ", missing)} not installed (./normlab setup --test installs slurmctld slurmd slurm-client munge)";
        else if (Environment.UserName != "root")
            Skip = "Slurm cannot start here: scripts/slurm-cluster.sh runs the daemons as root and this user is not root";
    }
}

/// <summary>The cluster of scripts/slurm-cluster.sh in a temporary folder, started once for the class and stopped after.</summary>
public sealed class SlurmCluster : IDisposable
{
    public SlurmCluster()
    {
        Dir = Path.Combine(Path.GetTempPath(), "normlab-slurm-" + Guid.NewGuid().ToString("N")[..8]);
        var (code, output) = Script("start");
        if (code != 0) throw new InvalidOperationException($"scripts/slurm-cluster.sh start {Dir} exited {code}: {output}");
        Conf = Path.Combine(Dir, "slurm.conf");
    }

    public string Dir { get; }

    public string Conf { get; }

    (int, string) Script(string action)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(RepoRoot(), "scripts", "slurm-cluster.sh"), action, Dir])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    /// <summary>A Slurm client command against this cluster; its stdout, or an exception with its stderr.</summary>
    public string Client(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["SLURM_CONF"] = Conf;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(" ", args)}: {err.Result}");
        return output;
    }

    /// <summary>Waits until none of the jobs is in the queue any more (finished, whatever the outcome).</summary>
    public void WaitGone(TimeSpan timeout, params string[] jobIds)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Client("squeue", "-h", "-j", string.Join(",", jobIds), "-o", "%i %T").Trim().Length == 0) return;
            Thread.Sleep(500);
        }
        throw new TimeoutException($"jobs {string.Join(",", jobIds)} still queued after {timeout}: {Client("squeue", "-h")}");
    }

    /// <summary>
    /// Waits for <paramref name="done"/> across a requeue. Slurm makes a requeued task eligible again about two minutes
    /// later; moving that to now raced with the node's cleanup of the first attempt ("Job credential revoked"), so the
    /// test waits it out.
    /// </summary>
    public void CompleteAfterRequeue(string task, Func<bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"{task}: not done within {timeout}");
            Thread.Sleep(500);
        }
    }

    public void Dispose() => Script("stop");
}

/// <summary>
/// NormLab through a real Slurm: an array job of two shards equals a local run; a task stopped with
/// <c>scancel --signal=TERM</c> checkpoints, requeues itself and ends identical to an uninterrupted run; a task whose
/// process is SIGKILLed (its node "dies") leaves a stale lock that the next attempt takes over.
/// </summary>
[Collection("slurm")]
public sealed class SlurmClusterTests : IClassFixture<SlurmCluster>, IDisposable
{
    readonly SlurmCluster cluster;
    readonly ITestOutputHelper log;
    readonly string root = Path.Combine(Path.GetTempPath(), "normlab-slurmrun-" + Guid.NewGuid().ToString("N")[..8]);

    public SlurmClusterTests(SlurmCluster cluster, ITestOutputHelper log)
    {
        this.cluster = cluster;
        this.log = log;
        ExperimentRunTests.WriteLearnableDataset(Path.Combine(root, "data"), train: 320, test: 80);
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    string Yaml(int steps, int checkpointEvery, string variants) => $$$"""
        datasets:
          tiny:
            source: mnist
            dataDir: {{{Path.Combine(root, "data")}}}
            validation: {count: 64, from: end}
        experiments:
          - name: sl
            dataset: tiny
            model:
              inputShape: [1, 4, 4]
              layers:
                - flatten: {}
                - dense: {units: 16}
                - batch_norm: {}
                - activation: {kind: relu, name: act}
                - dropout: {rate: 0.1}
                - dense: {units: 10}
            optimizer: {type: adam, lr: 0.01}
            batchSize: 16
            steps: {{{steps}}}
            evalEvery: 25
            checkpointEvery: {{{checkpointEvery}}}
            seeds: [1, 2]
            threads: 1
            probes:
              - {type: percentiles, layer: act, every: 25}
            variants:
        {{{variants}}}
        """;

    Seq<RunPlan> LocalRun(string yaml, string outDir)
    {
        var plans = YamlDocuments.ReadPlans(yaml, PlanFilter.All).Match(r => r.Plans, p => throw new InvalidOperationException(string.Join("\n", p)));
        var outcome = new ExperimentRunner(new DatasetProvider(root, NullLogger.Instance), NullLogger.Instance, TextWriter.Null)
            .Run(plans, YamlDocuments.WriteRunPlan, new RunRequest(outDir, false, 1), new LineProgress(TextWriter.Null, TimeSpan.FromHours(1)), default);
        Assert.Equal(0, outcome.ExitCode);
        return plans;
    }

    (string Array, string Report) Submit(string file, string outDir, int shards)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var previous = Environment.GetEnvironmentVariable("SLURM_CONF");
        Environment.SetEnvironmentVariable("SLURM_CONF", cluster.Conf);
        int code;
        try
        {
            code = SubmitVerb.Run(file, true, shards, null, null, 1, outDir, false, RepoRoot(), output, error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SLURM_CONF", previous);
        }
        log.WriteLine(output.ToString() + error);
        Assert.Equal(0, code);
        var ids = System.Text.RegularExpressions.Regex.Match(output.ToString(), @"array job (\d+) .* report job (\d+)");
        Assert.True(ids.Success, output.ToString());
        return (ids.Groups[1].Value, ids.Groups[2].Value);
    }

    string JobOutputs(string outDir) => string.Join("\n", Directory.GetFiles(Path.Combine(outDir, "slurm"), "*.out").Order().Select(File.ReadAllText));

    void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"{what}: not within {timeout}");
            Thread.Sleep(100);
        }
    }

    [SlurmFact]
    public void Four_runs_as_two_shards_complete_and_equal_a_local_run_and_the_report_job_renders_them()
    {
        var yaml = Yaml(50, 1000, "      a: {}\n      b: {optimizer: {lr: 0.02}}");
        var file = Path.Combine(root, "four.yaml");
        File.WriteAllText(file, yaml);
        var plans = LocalRun(yaml, Path.Combine(root, "local"));
        Assert.Equal(4, plans.Count);
        var shared = Path.Combine(root, "cluster");
        var (array, report) = Submit(file, shared, 2);
        cluster.WaitGone(TimeSpan.FromMinutes(8), array, report);
        var outputs = JobOutputs(shared);
        log.WriteLine(outputs);
        foreach (var plan in plans)
            CheckpointResumeTests.AssertSameResults(Path.Combine(root, "local", plan.RelativeFolder), Path.Combine(shared, plan.RelativeFolder));
        Assert.True(File.Exists(Path.Combine(shared, "report.html")), outputs);
        Assert.Contains("4 planned: 4 complete", outputs);
    }

    [SlurmFact]
    public void A_task_stopped_with_scancel_TERM_checkpoints_requeues_itself_and_ends_identical_to_an_uninterrupted_run()
    {
        var yaml = Yaml(1500, 300, "      long: {}").Replace("seeds: [1, 2]", "seeds: [1]");
        var file = Path.Combine(root, "long.yaml");
        File.WriteAllText(file, yaml);
        var plan = Assert.Single(LocalRun(yaml, Path.Combine(root, "local")));
        var shared = Path.Combine(root, "cluster");
        var (array, report) = Submit(file, shared, 1);
        var dir = Path.Combine(shared, plan.RelativeFolder);
        WaitFor(() => File.Exists(Path.Combine(dir, CheckpointFolder.Current, CheckpointFolder.ManifestName)), TimeSpan.FromMinutes(5), "the first checkpoint");
        cluster.Client("scancel", "--signal=TERM", $"{array}_1");
        // The task's script requeues it (exit 130 after the checkpoint); the run is done when its summary says complete.
        cluster.CompleteAfterRequeue($"{array}_1", () => RunResultReader.IsComplete(dir), TimeSpan.FromMinutes(6));
        cluster.WaitGone(TimeSpan.FromMinutes(8), array, report);
        var outputs = JobOutputs(shared);
        log.WriteLine(outputs);
        // The console shows warnings only (the log lines go to normlab.log): the resume is in the run's own log.
        Assert.Contains("resuming from its checkpoint at step", File.ReadAllText(Path.Combine(dir, LogFiles.FileName)));
        CheckpointResumeTests.AssertSameResults(Path.Combine(root, "local", plan.RelativeFolder), dir);
        Assert.Equal(RunStatus.Complete, SummaryJson.Read(Path.Combine(dir, SummaryJson.FileName)).Status);
    }

    [SlurmFact]
    public void A_task_whose_process_is_killed_leaves_a_stale_lock_that_the_next_attempt_takes_over()
    {
        var yaml = Yaml(1500, 300, "      long: {}").Replace("seeds: [1, 2]", "seeds: [1]");
        var file = Path.Combine(root, "long.yaml");
        File.WriteAllText(file, yaml);
        var plan = Assert.Single(LocalRun(yaml, Path.Combine(root, "local")));
        var shared = Path.Combine(root, "cluster");
        var (array, report) = Submit(file, shared, 1);
        var dir = Path.Combine(shared, plan.RelativeFolder);
        WaitFor(() => File.Exists(Path.Combine(dir, CheckpointFolder.Current, CheckpointFolder.ManifestName)), TimeSpan.FromMinutes(5), "the first checkpoint");
        var (owner, _) = RunLock.Read(Path.Combine(dir, RunLock.FileName));
        Assert.NotNull(owner);
        // The node "dies": the run's process goes without a chance to clean up; its lock stays behind.
        using (var kill = Process.Start("kill", ["-KILL", owner!.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) kill.WaitForExit();
        WaitFor(() => cluster.Client("squeue", "-h", "-j", $"{array}_1", "-t", "RUNNING").Trim().Length == 0, TimeSpan.FromMinutes(2), "the killed task to end");
        Assert.True(File.Exists(Path.Combine(dir, RunLock.FileName)), "the killed process left its lock");
        // Slurm requeues a task of a failed node; here the test does it.
        cluster.Client("scontrol", "requeue", $"{array}_1");
        cluster.CompleteAfterRequeue($"{array}_1", () => RunResultReader.IsComplete(dir), TimeSpan.FromMinutes(8));
        cluster.WaitGone(TimeSpan.FromMinutes(8), array, report);
        var outputs = JobOutputs(shared);
        log.WriteLine(outputs);
        Assert.Contains($"took over the stale lock of {owner.Host} pid {owner.Pid}", outputs);
        // The console shows warnings only (the log lines go to normlab.log): the resume is in the run's own log.
        Assert.Contains("resuming from its checkpoint at step", File.ReadAllText(Path.Combine(dir, LogFiles.FileName)));
        CheckpointResumeTests.AssertSameResults(Path.Combine(root, "local", plan.RelativeFolder), dir);
    }
}
