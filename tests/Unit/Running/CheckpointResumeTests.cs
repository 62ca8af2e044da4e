using System.Diagnostics;
using LanguageExt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NormLab.Core.Experiments;
using NormLab.Host.Results;
using NormLab.Host.Running;
using NormLab.Host.Yaml;
using NormLab.Tests.Unit.Data;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Running;

/// <summary>
/// Checkpoints end to end: a run stopped at some step k (cancellation in process, SIGTERM to a real process) and resumed
/// with --resume writes metrics.csv (every column but the wall clock), probes.csv and model.safetensors identical bit for
/// bit to an uninterrupted run — for SGD with momentum, Adam and RMSprop state, torch / window / keras BN bookkeeping and
/// dropout's generator; a corrupt newest checkpoint is detected and the previous one used, saying so.
/// </summary>
public sealed class CheckpointResumeTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "normlab-ckpt-" + Guid.NewGuid().ToString("N"));

    public CheckpointResumeTests() => ExperimentRunTests.WriteLearnableDataset(Path.Combine(root, "data"), train: 320, test: 80);

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private string Yaml(int steps, int checkpointEvery = 40) => $$$"""
        datasets:
          tiny:
            source: mnist
            dataDir: {{{Path.Combine(root, "data")}}}
            validation: {count: 64, from: end}
        experiments:
          - name: ck
            dataset: tiny
            model:
              inputShape: [1, 4, 4]
              layers:
                - flatten: {}
                - dense: {units: 16}
                - batch_norm: {convention: torch}
                - activation: {kind: relu, name: act}
                - dropout: {rate: 0.2}
                - dense: {units: 10}
                - activation: softmax
            optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
            batchSize: 16
            steps: {{{steps}}}
            evalEvery: 25
            checkpointEvery: {{{checkpointEvery}}}
            seeds: [3]
            threads: 1
            probes:
              - {type: percentiles, layer: act, every: 10}
              - {type: grad_norm, every: 10}
            variants:
              sgd-torch: {}
              adam-window:
                optimizer: {type: adam, lr: 0.01}
                override: {batch_norm_1: {convention: window, window: 3}}
              rmsprop-keras:
                optimizer: {type: rmsprop, lr: 0.001, centered: true}
                override: {batch_norm_1: {convention: keras, implementation: scratch}}
        """;

    /// <summary>Where the in-process runs are stopped: an evaluation step between the checkpoints at 40 and 80.</summary>
    private const long StopAt = 75;

    private const int Steps = 160;

    private (RunBatchOutcome Outcome, Seq<RunPlan> Plans) Run(string outDir, string yaml, PlanFilter filter, bool resume = false,
        CancellationToken cancel = default, IRunProgress? progress = null, ILogger? logger = null)
    {
        var plans = YamlDocuments.ReadPlans(yaml, filter).Match(r => r.Plans, p => throw new InvalidOperationException(string.Join("\n", p)));
        var runner = new ExperimentRunner(new DatasetProvider(root, NullLogger.Instance), logger ?? NullLogger.Instance, TextWriter.Null);
        var outcome = runner.Run(plans, YamlDocuments.WriteRunPlan, new RunRequest(outDir, resume, 1),
            progress ?? new LineProgress(TextWriter.Null, TimeSpan.FromHours(1)), cancel);
        return (outcome, plans);
    }

    /// <summary>Cancels at the progress tick of step <paramref name="step"/> (the trainer ticks at every evaluation step):
    /// the run stops there, between two periodic checkpoints.</summary>
    private sealed class CancelAt(CancellationTokenSource cts, long step) : IRunProgress
    {
        public IRunTicker Start(string label, long totalSteps) => new Ticker(cts, step);

        private sealed class Ticker(CancellationTokenSource cts, long step) : IRunTicker
        {
            public void Update(NormLab.Engine.Training.TrainingProgress p)
            {
                if (p.Step >= step) cts.Cancel();
            }

            public void Finish(string outcome) { }
        }
    }

    private static IEnumerable<string> MetricsWithoutTime(string dir) =>
        File.ReadAllLines(Path.Combine(dir, MetricsCsv.FileName)).Select(l => string.Join(",", l.Split(',')[..5]));

    internal static void AssertSameResults(string expectedDir, string actualDir)
    {
        Assert.Equal(MetricsWithoutTime(expectedDir), MetricsWithoutTime(actualDir));
        Assert.Equal(File.ReadAllBytes(Path.Combine(expectedDir, ProbesCsv.FileName)), File.ReadAllBytes(Path.Combine(actualDir, ProbesCsv.FileName)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(expectedDir, ModelWeights.FileName)), File.ReadAllBytes(Path.Combine(actualDir, ModelWeights.FileName)));
    }

    [Theory]
    [InlineData("sgd-torch")]
    [InlineData("adam-window")]
    [InlineData("rmsprop-keras")]
    public void A_run_stopped_at_step_k_and_resumed_equals_an_uninterrupted_run_bit_for_bit(string variant)
    {
        const int steps = Steps;
        var filter = new PlanFilter(Variants: Seq1(variant));
        var whole = Path.Combine(root, "whole");
        var (first, _) = Run(whole, Yaml(steps), filter);
        Assert.Equal(0, first.ExitCode);

        var stopped = Path.Combine(root, "stopped");
        using var cts = new CancellationTokenSource();
        var (cancelled, _) = Run(stopped, Yaml(steps), filter, cancel: cts.Token, progress: new CancelAt(cts, StopAt));
        Assert.Equal(130, cancelled.ExitCode);
        var summary = Assert.Single(cancelled.Summaries);
        Assert.Equal(RunStatus.Cancelled, summary.Status);
        Assert.Equal(StopAt, summary.Steps);
        var dir = RunResultReader.RunDir(stopped, "ck", variant, 3);
        Assert.Contains($"checkpoint at step {summary.Steps}", summary.Message);
        Assert.True(File.Exists(Path.Combine(dir, CheckpointFolder.Current, CheckpointFolder.ManifestName)));

        var log = new ListLogger();
        var (resumed, _) = Run(stopped, Yaml(steps), filter, resume: true, logger: log);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(RunStatus.Complete, Assert.Single(resumed.Summaries).Status);
        Assert.Contains(log.Messages, m => m.Contains($"resuming from its checkpoint at step {summary.Steps} of {steps}"));
        AssertSameResults(RunResultReader.RunDir(whole, "ck", variant, 3), dir);
        // A complete run keeps no checkpoint.
        Assert.False(Directory.Exists(Path.Combine(dir, CheckpointFolder.Current)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_corrupt_newest_checkpoint_is_detected_and_the_previous_one_used_and_the_result_is_the_same()
    {
        const int steps = Steps;
        var filter = new PlanFilter(Variants: Seq1("adam-window"));
        var whole = Path.Combine(root, "whole");
        Run(whole, Yaml(steps), filter);
        var stopped = Path.Combine(root, "stopped");
        using var cts = new CancellationTokenSource();
        var (cancelled, _) = Run(stopped, Yaml(steps), filter, cancel: cts.Token, progress: new CancelAt(cts, StopAt));
        var k = Assert.Single(cancelled.Summaries).Steps;
        var dir = RunResultReader.RunDir(stopped, "ck", "adam-window", 3);
        Assert.Equal(StopAt, k);
        Assert.True(Directory.Exists(Path.Combine(dir, CheckpointFolder.Previous)), "expected the periodic checkpoint of step 40 before it");
        var state = Path.Combine(dir, CheckpointFolder.Current, "state.safetensors");
        var bytes = File.ReadAllBytes(state);
        bytes[^3] ^= 0x5A;
        File.WriteAllBytes(state, bytes);
        // A half-written attempt of a killed process is no checkpoint at all.
        Directory.CreateDirectory(Path.Combine(dir, "checkpoint.tmp-999999"));

        var log = new ListLogger();
        var (resumed, _) = Run(stopped, Yaml(steps), filter, resume: true, logger: log);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains(log.Messages, m => m.Contains("checkpoint/: not used") && m.Contains("state.safetensors does not match its SHA-256"));
        Assert.Contains(log.Messages, m => m.Contains($"resuming from its checkpoint at step 40 of {steps}"));
        AssertSameResults(RunResultReader.RunDir(whole, "ck", "adam-window", 3), dir);
    }

    [Fact]
    public void A_checkpoint_of_another_configuration_is_not_continued()
    {
        var filter = new PlanFilter(Variants: Seq1("sgd-torch"));
        var stopped = Path.Combine(root, "stopped");
        using var cts = new CancellationTokenSource();
        Run(stopped, Yaml(Steps), filter, cancel: cts.Token, progress: new CancelAt(cts, StopAt));
        var log = new ListLogger();
        var (again, _) = Run(stopped, Yaml(Steps + 1), filter, resume: true, logger: log);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains(log.Messages, m => m.Contains("written for another configuration of this run"));
        Assert.Contains(log.Messages, m => m.Contains("no usable checkpoint, starting again from step 0"));
        Assert.Equal(Steps + 1, Assert.Single(again.Summaries).Steps);
    }

    [Fact]
    public void Sigterm_to_a_real_run_checkpoints_it_and_resume_ends_identical_to_an_uninterrupted_run()
    {
        const int steps = 3000;
        var file = Path.Combine(root, "ck.yaml");
        File.WriteAllText(file, Yaml(steps, checkpointEvery: 500));
        var whole = Path.Combine(root, "whole");
        var (first, _) = Run(whole, Yaml(steps, checkpointEvery: 500), new PlanFilter(Variants: Seq1("adam-window")));
        Assert.Equal(0, first.ExitCode);

        var stopped = Path.Combine(root, "stopped");
        var dir = RunResultReader.RunDir(stopped, "ck", "adam-window", 3);
        using (var p = HostProcess.Start("run", file, "--variant", "adam-window", "--out", stopped, "--no-report"))
        {
            // Wait for the first periodic checkpoint, then stop the process the way Slurm does.
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(dir, CheckpointFolder.Current, CheckpointFolder.ManifestName)) && !p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2))
                Thread.Sleep(20);
            Assert.False(p.HasExited, "the run ended before it could be stopped: " + HostProcess.Output(p));
            HostProcess.Signal(p, "TERM");
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)));
            Assert.True(p.ExitCode == 130, $"exit code {p.ExitCode}: {HostProcess.Output(p)}");
        }
        var summary = SummaryJson.Read(Path.Combine(dir, SummaryJson.FileName));
        Assert.Equal(RunStatus.Cancelled, summary.Status);
        Assert.InRange(summary.Steps, 500, steps - 1);

        using (var p = HostProcess.Start("run", file, "--variant", "adam-window", "--out", stopped, "--no-report", "--resume"))
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)));
            Assert.True(p.ExitCode == 0, $"exit code {p.ExitCode}: {HostProcess.Output(p)}");
        }
        AssertSameResults(RunResultReader.RunDir(whole, "ck", "adam-window", 3), dir);
    }
}

/// <summary>The normlab host as a child process (the dll beside the tests), with signals sent by the kill command.</summary>
internal static class HostProcess
{
    public static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "normlab.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var p = new Process { StartInfo = psi };
        // Drain both pipes so a full pipe never blocks the child; the text is kept for failure messages.
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        Outputs[p.Id] = output;
        return p;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, System.Text.StringBuilder> Outputs = new();

    /// <summary>What the process wrote to stdout and stderr so far.</summary>
    public static string Output(Process p)
    {
        var b = Outputs[p.Id];
        lock (b) return b.ToString();
    }

    public static void Signal(Process p, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }
}
