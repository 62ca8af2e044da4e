using System.Buffers.Binary;
using LanguageExt;
using Microsoft.Extensions.Logging.Abstractions;
using NormLab.Core.Experiments;
using NormLab.Host.Results;
using NormLab.Host.Running;
using NormLab.Host.Yaml;
using NormLab.Tests.Unit.Data;

namespace NormLab.Tests.Unit.Running;

/// <summary>
/// The experiment host end to end on a generated dataset: YAML → plans → runs → files; reproducibility, --resume,
/// cancellation and divergence. Each test works in its own temporary folder.
/// </summary>
public sealed class ExperimentRunTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "normlab-run-" + Guid.NewGuid().ToString("N"));

    public ExperimentRunTests() => WriteLearnableDataset(Path.Combine(root, "data"), train: 320, test: 80);

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <summary>4×4 images where class k lights pixel k (and k+6 for k &lt; 10 wraps into 16 pixels), plus a little noise.</summary>
    internal static void WriteLearnableDataset(string dir, int train, int test)
    {
        Directory.CreateDirectory(dir);
        byte[] Images(int count, int seed)
        {
            var rng = new Random(seed);
            var bytes = new byte[16 + count * 16];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000803);
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)count);
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), 4);
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), 4);
            for (var i = 0; i < count; i++)
            {
                for (var p = 0; p < 16; p++) bytes[16 + i * 16 + p] = (byte)rng.Next(0, 60);
                bytes[16 + i * 16 + i % 10] = 255;
            }
            return bytes;
        }
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), Images(train, 1));
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), IdxFiles.Labels(IdxFiles.CyclicLabels(train)));
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), Images(test, 2));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), IdxFiles.Labels(IdxFiles.CyclicLabels(test)));
    }

    private string Yaml(string lrB = "0.5", int steps = 40, string extraProbe = "") => $$$"""
        datasets:
          tiny:
            source: mnist
            dataDir: {{{Path.Combine(root, "data")}}}
            validation: {count: 64, from: end}
        experiments:
          - name: tiny
            description: a generated 10-class problem
            dataset: tiny
            model:
              inputShape: [1, 4, 4]
              layers:
                - flatten: {}
                - dense: {units: 16}
                - batch_norm: {convention: torch}
                - activation: {kind: relu, name: act}
                - dense: {units: 10}
                - activation: softmax
            optimizer: {type: sgd, lr: 0.5}
            batchSize: 16
            steps: {{{steps}}}
            evalEvery: 10
            seeds: [1, 2]
            threads: 1
            probes:
              - {type: percentiles, layer: act, every: 10}
              {{{extraProbe}}}
            variants:
              a: {}
              b: {optimizer: {lr: {{{lrB}}}}}
        """;

    private (RunBatchOutcome Outcome, Seq<RunPlan> Plans) Run(string outDir, string yaml, bool resume = false, CancellationToken cancel = default,
        IRunProgress? progress = null)
    {
        var plans = YamlDocuments.ReadPlans(yaml, PlanFilter.All).Match(r => r.Plans, p => throw new InvalidOperationException(string.Join("\n", p)));
        var runner = new ExperimentRunner(new DatasetProvider(root, NullLogger.Instance), NullLogger.Instance, TextWriter.Null);
        var outcome = runner.Run(plans, YamlDocuments.WriteRunPlan, new RunRequest(outDir, resume, 1),
            progress ?? new LineProgress(TextWriter.Null, TimeSpan.FromHours(1)), cancel);
        return (outcome, plans);
    }

    [Fact]
    public void Every_run_writes_tensorboard_events_that_read_back_with_their_crcs()
    {
        var outDir = Path.Combine(root, "results");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (outcome, plans) = Run(outDir, Yaml());
        Assert.Equal(0, outcome.ExitCode);
        var plan = plans.Head;
        var run = RunResultReader.Read(RunResultReader.RunDir(outDir, plan.ExperimentName, plan.VariantName, plan.Seed));
        var tb = Path.Combine(RunResultReader.RunDir(outDir, plan.ExperimentName, plan.VariantName, plan.Seed), TensorBoardLog.Folder);
        var file = Assert.Single(Directory.GetFiles(tb, "events.out.tfevents.*"));

        var events = TfEvents.Read(file); // throws on a bad length or a bad CRC
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var values = events.SelectMany(e => e.Values.Select(v => (e.Step, e.WallTime, v))).ToList();
        Assert.All(values, v => Assert.InRange(v.WallTime, before - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5));

        // Every metrics.csv row is a loss and an accuracy scalar at its step, and every probe value a probe scalar.
        foreach (var m in run.Metrics)
        {
            var split = m.Split.ToString().ToLowerInvariant();
            Assert.Contains(values, v => v.Step == m.Step && v.v.Tag == $"loss/{split}" && v.v.Scalar == (float)m.Loss!.Value);
            Assert.Contains(values, v => v.Step == m.Step && v.v.Tag == $"accuracy/{split}" && v.v.Scalar == (float)m.Accuracy!.Value);
        }
        Assert.Equal(run.Probes.Count, values.Count(v => v.v.Tag.StartsWith("probe/percentiles/act/", StringComparison.Ordinal)));
        var p = run.Probes[0];
        Assert.Contains(values, v => v.Step == p.Step && v.v.Tag == $"probe/{p.Probe}/{p.Layer}/{p.Stat}" && v.v.Scalar == (float)p.Value);

        // At each evaluation (every 10 steps, val and test at the same step) one histogram per BN running statistic.
        var evaluations = run.Metrics.Where(m => m.Split != MetricsSplit.Train).Select(m => m.Step).Distinct().ToList();
        foreach (var name in new[] { "bn/batch_norm_1.running_mean", "bn/batch_norm_1.running_var" })
        {
            var histograms = values.Where(v => v.v.Tag == name).ToList();
            Assert.Equal(evaluations, histograms.Select(h => h.Step).ToList());
            Assert.All(histograms, h => Assert.Equal(16, h.v.Histogram!.Value.Num)); // one value per unit of the dense layer
        }
        var lastVar = values.Last(v => v.v.Tag == "bn/batch_norm_1.running_var").v.Histogram!.Value;
        Assert.True(lastVar.Min > 0 && lastVar.Max >= lastVar.Min, $"running var range {lastVar.Min}..{lastVar.Max}");
    }

    [Fact]
    public void The_event_reader_refuses_a_corrupt_record()
    {
        var outDir = Path.Combine(root, "results");
        var (_, plans) = Run(outDir, Yaml(steps: 10));
        var tb = Path.Combine(RunResultReader.RunDir(outDir, plans.Head.ExperimentName, plans.Head.VariantName, plans.Head.Seed), TensorBoardLog.Folder);
        var file = Directory.GetFiles(tb).Single();
        var bytes = File.ReadAllBytes(file);
        bytes[^6] ^= 0x40; // a bit inside the last record's data
        File.WriteAllBytes(file, bytes);
        var error = Assert.Throws<InvalidDataException>(() => TfEvents.Read(file));
        Assert.Contains("data CRC", error.Message);
        Assert.Equal(0xE3069283u, TfEvents.Crc32C("123456789"u8)); // the CRC-32C check value
    }

    [Fact]
    public void Every_run_writes_its_full_log_and_the_tables_fit_80_columns()
    {
        var outDir = Path.Combine(root, "results");
        var plans = YamlDocuments.ReadPlans(Yaml(), PlanFilter.All).Match(r => r.Plans, p => throw new InvalidOperationException(string.Join("\n", p)));
        var console = new StringWriter();
        RunBatchOutcome outcome;
        using (var logs = new LogFiles())
        {
            var logger = logs.CreateLogger("NormLab.Host.Running.ExperimentRunner");
            using (logs.OpenInvocation(outDir))
            {
                var runner = new ExperimentRunner(new DatasetProvider(root, logger), logger, console, logs);
                outcome = runner.Run(plans, YamlDocuments.WriteRunPlan, new RunRequest(outDir, false, 1),
                    new LineProgress(TextWriter.Null, TimeSpan.FromHours(1)), CancellationToken.None);
                runner.PrintTables(outcome, outDir);
            }
        }
        Assert.Equal(0, outcome.ExitCode);
        foreach (var plan in plans)
        {
            var dir = RunResultReader.RunDir(outDir, plan.ExperimentName, plan.VariantName, plan.Seed);
            var log = File.ReadAllText(Path.Combine(dir, LogFiles.FileName));
            var label = $"{plan.ExperimentName}/{plan.VariantName}/seed-{plan.Seed}";
            Assert.Contains($"info  run: {label}: start, 40 steps", log);
            Assert.Contains($"info  run: {label}: complete: test acc", log);
            // Only this run's lines: the next run's start is in its own file.
            Assert.Single(log.Split('\n'), l => l.Contains(": start, "));
        }
        var whole = File.ReadAllText(Path.Combine(outDir, LogFiles.FileName));
        Assert.Equal(4, whole.Split('\n').Count(l => l.Contains(": start, 40 steps")));
        Assert.Contains(" ms", whole.Split('\n').Single(l => l.Contains("info  NormLab.Host.Running.ExperimentRunner: mnist: using "))); // the dataset loader's line
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp-*", SearchOption.AllDirectories));

        var lines = console.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        // One line per variant row, with its accuracy, not a cell wrapped over three lines.
        Assert.Contains(lines, l => l.Contains("│ a ") && l.Contains(" ± ") && l.Contains("2 complete"));
        Assert.Contains(lines, l => l.Contains("│ b ") && l.Contains(" ± ") && l.Contains("2 complete"));
    }

    [Fact]
    public void A_run_writes_every_file_whole_and_the_loss_falls()
    {
        var outDir = Path.Combine(root, "results");
        var (outcome, plans) = Run(outDir, Yaml());
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(4, outcome.Summaries.Count);
        Assert.All(outcome.Summaries, s => Assert.Equal(RunStatus.Complete, s.Status));
        Assert.True(File.Exists(Path.Combine(outDir, "tiny", ExperimentJson.FileName)));
        foreach (var plan in plans)
        {
            var dir = RunResultReader.RunDir(outDir, plan.ExperimentName, plan.VariantName, plan.Seed);
            var run = RunResultReader.Read(dir);
            Assert.NotNull(run.Summary);
            Assert.Equal(40, run.Summary!.Steps);
            Assert.Equal("torch", run.Summary.BnConvention);
            Assert.Equal("cpu", run.Summary.Device);
            Assert.Equal(Versions.TorchSharp, run.Summary.TorchSharpVersion);
            Assert.Equal(TorchSharp.torch.__version__, run.Summary.LibtorchVersion);
            Assert.Contains("\ndevice: cpu\n", run.ConfigYaml);
            Assert.Equal(YamlDocuments.WriteRunPlan(plan), run.ConfigYaml);
            var train = run.Metrics.Where(m => m.Split == MetricsSplit.Train).ToList();
            Assert.Equal(4, train.Count);
            Assert.True(train[^1].Loss < train[0].Loss, $"{dir}: loss {train[0].Loss} → {train[^1].Loss}");
            Assert.Equal(4, run.Metrics.Count(m => m.Split == MetricsSplit.Val));
            Assert.Equal(12, run.Probes.Count);
        }
        // Atomic writes leave no temporary files behind.
        Assert.Empty(Directory.EnumerateFiles(outDir, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_same_seed_gives_identical_metrics()
    {
        var (_, plans) = Run(Path.Combine(root, "one"), Yaml());
        Run(Path.Combine(root, "two"), Yaml());
        foreach (var plan in plans)
        {
            // Every column but the wall-clock time.
            static IEnumerable<string> Rows(string dir) =>
                File.ReadAllLines(Path.Combine(dir, MetricsCsv.FileName)).Select(l => string.Join(",", l.Split(',')[..5]));
            var a = RunResultReader.RunDir(Path.Combine(root, "one"), plan.ExperimentName, plan.VariantName, plan.Seed);
            var b = RunResultReader.RunDir(Path.Combine(root, "two"), plan.ExperimentName, plan.VariantName, plan.Seed);
            Assert.Equal(Rows(a), Rows(b));
            Assert.Equal(File.ReadAllText(Path.Combine(a, ProbesCsv.FileName)), File.ReadAllText(Path.Combine(b, ProbesCsv.FileName)));
        }
    }

    [Fact]
    public void A_landscape_probe_writes_its_rows_and_leaves_every_metric_and_weight_as_without_it()
    {
        var (_, plans) = Run(Path.Combine(root, "plain"), Yaml());
        var (outcome, _) = Run(Path.Combine(root, "landscape"), Yaml(extraProbe: "- {type: landscape, every: 20, stepSizes: [0.1, 0.4]}"));
        Assert.Equal(0, outcome.ExitCode);
        foreach (var plan in plans)
        {
            var a = RunResultReader.RunDir(Path.Combine(root, "plain"), plan.ExperimentName, plan.VariantName, plan.Seed);
            var b = RunResultReader.RunDir(Path.Combine(root, "landscape"), plan.ExperimentName, plan.VariantName, plan.Seed);
            static IEnumerable<string> Rows(string dir) =>
                File.ReadAllLines(Path.Combine(dir, MetricsCsv.FileName)).Select(l => string.Join(",", l.Split(',')[..5]));
            Assert.Equal(Rows(a), Rows(b));
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, ModelWeights.FileName)), File.ReadAllBytes(Path.Combine(b, ModelWeights.FileName)));
            var probes = File.ReadAllLines(Path.Combine(b, ProbesCsv.FileName));
            // The percentile rows are those of the run without the landscape probe; the landscape adds 8 rows at steps 20 and 40.
            Assert.Equal(File.ReadAllLines(Path.Combine(a, ProbesCsv.FileName)), probes.Where(l => !l.Contains(",landscape,")));
            var landscape = probes.Where(l => l.Contains(",landscape,")).Select(l => l.Split(',')).ToList();
            Assert.Equal(16, landscape.Count);
            Assert.Equal(new[] { "loss", "loss@0.1", "loss@0.4", "loss_range", "grad_diff@0.1", "grad_diff@0.4", "grad_predictiveness", "beta_smoothness" },
                landscape.Where(f => f[0] == "20").Select(f => f[3]));
            Assert.All(landscape, f => Assert.Equal("all", f[2]));
            Assert.Contains("stepSizes: [0.1, 0.4]", File.ReadAllText(Path.Combine(b, RunResultReader.ConfigFileName)));
        }
    }

    [Fact]
    public void Resume_skips_complete_runs_and_leaves_their_files_alone()
    {
        var outDir = Path.Combine(root, "results");
        Run(outDir, Yaml());
        var summaries = Directory.GetFiles(outDir, SummaryJson.FileName, SearchOption.AllDirectories);
        var written = summaries.ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var (again, _) = Run(outDir, Yaml(), resume: true);
        Assert.Equal(4, again.Skipped);
        Assert.Equal(0, again.ExitCode);
        Assert.All(summaries, f => Assert.Equal(written[f], File.GetLastWriteTimeUtc(f)));
    }

    private string SweepYaml() => $$$"""
        datasets:
          tiny:
            source: mnist
            dataDir: {{{Path.Combine(root, "data")}}}
            validation: {count: 64, from: end}
        experiments:
          - name: sw
            dataset: tiny
            model:
              inputShape: [1, 4, 4]
              layers:
                - flatten: {}
                - dense: {units: 16}
                - batch_norm: {convention: torch}
                - activation: relu
                - dense: {units: 10}
                - activation: softmax
            optimizer: {type: sgd, lr: 0.5}
            batchSize: 16
            steps: 12
            seeds: [1, 2, 3]
            threads: 1
            baseline: a
            variants:
              a: {}
              b: {optimizer: {lr: 0.05}}
            sweep:
              batchSize: [16, 32]
        """;

    [Fact]
    public void A_sweep_runs_into_nested_folders_writes_statistics_against_the_baseline_and_resumes()
    {
        var outDir = Path.Combine(root, "results");
        var (outcome, plans) = Run(outDir, SweepYaml());
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(12, outcome.Summaries.Count);
        Assert.True(File.Exists(Path.Combine(outDir, "sw", "b", "batch=32", "seed-3", SummaryJson.FileName)));

        var manifest = ExperimentJson.Read(Path.Combine(outDir, "sw", ExperimentJson.FileName));
        Assert.Equal(new[] { "a/batch=16", "a/batch=32", "b/batch=16", "b/batch=32" }, manifest.Variants);
        Assert.Equal("a/batch=32", manifest.Baselines["b/batch=32"]);
        var stats = manifest.Statistics!.Variants.ToDictionary(v => v.Variant);
        // The file's numbers are the statistics of the runs' own test accuracies.
        foreach (var (variant, baseline) in new[] { ("b/batch=16", "a/batch=16"), ("b/batch=32", "a/batch=32") })
        {
            double[] Acc(string v) => outcome.Summaries.Where(s => s.Variant == v).Select(s => s.TestAccuracy!.Value).ToArray();
            var expected = NormLab.Core.SeedStatistics.Compare(Acc(variant).ToSeq(), Acc(baseline).ToSeq(), baseline).IfNone(() => throw new InvalidOperationException());
            var row = stats[variant];
            Assert.Equal(3, row.N);
            Assert.Equal(baseline, row.Baseline);
            Assert.Equal(expected.Difference, row.Difference);
            Assert.Equal(expected.Test.Map(t => t.PValue).ToNullable(), row.PValue);
            Assert.Equal(NormLab.Core.SeedStatistics.Summarize(Acc(variant).ToSeq()).Bind(x => x.Ci95).Map(i => i.Low).ToNullable(), row.Ci95Low);
        }
        Assert.Null(stats["a/batch=16"].Difference); // the baseline itself

        // The console table carries them too.
        var console = new StringWriter();
        new ExperimentRunner(new DatasetProvider(root, NullLogger.Instance), NullLogger.Instance, console).PrintTables(outcome, outDir);
        Assert.Contains("sw: test accuracy, 95% CI (Student t), Δ vs baseline (Welch)", console.ToString());
        Assert.Contains("b/batch=32", console.ToString());

        // The report's scan finds the nested run variants, and the page shows the same statistics; --resume skips every run.
        var report = NormLab.Host.Reports.ReportWriter.Write(outDir, NullLogger.Instance);
        var html = File.ReadAllText(report.ReportPath.IfNone(() => throw new InvalidOperationException("no report")));
        Assert.Contains("<th>p (Welch)</th>", html);
        var b32 = NormLab.Core.SeedStatistics.Compare(
            outcome.Summaries.Where(s => s.Variant == "b/batch=32").Select(s => s.TestAccuracy!.Value).ToSeq(),
            outcome.Summaries.Where(s => s.Variant == "a/batch=32").Select(s => s.TestAccuracy!.Value).ToSeq(), "a/batch=32");
        var line = new NormLab.Core.VariantStatistics("b/batch=32", Option<NormLab.Core.SampleSummary>.None, Prelude.Some("a/batch=32"), b32);
        Assert.Contains($"<td class=\"num\">{line.FormatDifference()}</td><td class=\"num\">{line.FormatPValue()}</td>", html);
        var tree = ResultsTree.Scan(outDir);
        Assert.Equal(new[] { "a/batch=16", "a/batch=32", "b/batch=16", "b/batch=32" }, tree.Experiments.Single().Variants.Select(v => v.Name));
        var (again, _) = Run(outDir, SweepYaml(), resume: true);
        Assert.Equal(12, again.Skipped);
        Assert.Equal(12, again.Statistics!["sw"].Sum(v => v.Summary.Map(x => x.N).IfNone(0)));
    }

    private sealed class CancelAfter(CancellationTokenSource cts, long step) : IRunProgress
    {
        public IRunTicker Start(string label, long totalSteps) => new Ticker(cts, step);

        private sealed class Ticker(CancellationTokenSource cts, long step) : IRunTicker
        {
            public void Update(NormLab.Engine.Training.TrainingProgress p) { if (p.Step >= step) cts.Cancel(); }
            public void Finish(string outcome) { }
        }
    }

    [Fact]
    public void Cancellation_keeps_what_finished_marks_the_interrupted_run_and_exits_130()
    {
        var outDir = Path.Combine(root, "results");
        using var cts = new CancellationTokenSource();
        var (outcome, _) = Run(outDir, Yaml(steps: 200_000), cancel: cts.Token, progress: new CancelAfter(cts, 5));
        Assert.Equal(130, outcome.ExitCode);
        var summary = Assert.Single(outcome.Summaries);
        Assert.Equal(RunStatus.Cancelled, summary.Status);
        Assert.InRange(summary.Steps, 5, 199_999);
        var dir = RunResultReader.RunDir(outDir, "tiny", "a", 1);
        Assert.Equal(RunStatus.Cancelled, RunResultReader.Read(dir).Summary!.Status);
        // The rest never started: --resume will run them.
        Assert.False(Directory.Exists(RunResultReader.RunDir(outDir, "tiny", "b", 1)));
    }

    [Fact]
    public void A_diverging_run_is_marked_with_its_step_and_the_others_go_on()
    {
        var outDir = Path.Combine(root, "results");
        var (outcome, _) = Run(outDir, Yaml(lrB: "1e30"));
        Assert.Equal(0, outcome.ExitCode);
        Assert.All(outcome.Summaries.Where(s => s.Variant == "a"), s => Assert.Equal(RunStatus.Complete, s.Status));
        Assert.All(outcome.Summaries.Where(s => s.Variant == "b"), s =>
        {
            Assert.Equal(RunStatus.Diverged, s.Status);
            Assert.NotNull(s.DivergedAtStep);
            Assert.Contains("non-finite", s.Message);
        });
    }
    [Fact]
    public async Task A_sample_shape_misfit_in_a_later_experiment_stops_the_file_before_any_run_trains()
    {
        // The first experiment fits the 4×4 data; the second expects 28×28. Before, the first trained and the second
        // failed inside libtorch ("mat1 and mat2 shapes cannot be multiplied").
        var file = Path.Combine(root, "misfit.yaml");
        var misfit = Yaml(steps: 5).Replace("seeds: [1, 2]", "seeds: [1]") + "\n" + $$$"""
              - name: big
                dataset: tiny
                model:
                  inputShape: [1, 28, 28]
                  layers: [{flatten: {}}, {dense: {units: 10}}, {activation: softmax}]
                optimizer: {type: sgd, lr: 0.1}
                batchSize: 16
                steps: 5
                seeds: [1]
                threads: 1
            """;
        File.WriteAllText(file, misfit);
        var outDir = Path.Combine(root, "results-misfit");
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = await NormLab.Host.Cli.RunVerb.RunAsync(new RunOptions(file, PlanFilter.All, outDir, false, false));
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.Equal(2, code);
        Assert.Contains("experiment big, variant base: the dataset's samples are [1, 4, 4] but model", error.ToString());
        Assert.Contains("expects inputShape [1, 28, 28]", error.ToString());
        Assert.Contains("no run started", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
        Assert.False(Directory.Exists(outDir), "nothing is written when the file is refused");
    }
}

/// <summary>The run verb's host: user mistakes end with exit 2 and a message naming the place, not a stack trace.</summary>
public sealed class RunVerbTests
{
    private static (int Code, string Error) Run(RunOptions options)
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
    public void A_missing_file_exits_2_naming_it()
    {
        var (code, error) = Run(new RunOptions("/nonexistent/experiments.yaml", PlanFilter.All, Path.GetTempPath(), false, false));
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/experiments.yaml: file not found", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void A_sweep_of_more_than_100_runs_without_yes_exits_2_and_writes_nothing()
    {
        var file = Path.GetTempFileName();
        var outDir = Path.Combine(Path.GetTempPath(), "normlab-yes-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(file, """
                experiments:
                  - name: big
                    dataset: mnist
                    model: ioffe_mlp_bn
                    optimizer: {type: sgd, lr: 0.1}
                    steps: 1
                    seeds: [1, 2, 3]
                    sweep:
                      batchSize: [8, 16, 24, 32, 40, 48, 56]
                      optimizer.lr: [0.001, 0.003, 0.01, 0.03, 0.1]
                """);
            var (code, error) = Run(new RunOptions(file, PlanFilter.All, outDir, false, false));
            Assert.Equal(2, code);
            Assert.Contains("experiments[0].sweep (line 9, col 7): plans 105 runs, more than 100 — pass --yes", error);
            Assert.Contains("not run — nothing was written", error);
            Assert.False(Directory.Exists(outDir));
        }
        finally
        {
            File.Delete(file);
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public void An_invalid_file_exits_2_with_every_problem_and_its_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                experiments:
                  - name: bad
                    dataset: mnist
                    model: lenet5
                    optimizer: {type: sgd, lr: -1}
                    batchSize: 0
                    epochs: 1
                """);
            var (code, error) = Run(new RunOptions(file, PlanFilter.All, Path.GetTempPath(), false, false));
            Assert.Equal(2, code);
            Assert.Contains("experiments[0].optimizer.lr (line 5", error);
            Assert.Contains("experiments[0].batchSize (line 6", error);
            Assert.Contains("not run — fix the errors above", error);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
