using LanguageExt;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NormLab.Core.Experiments;
using NormLab.Host.Results;
using Spectre.Console;

namespace NormLab.Host.Running;

/// <summary>What <c>./normlab run</c> was asked to do.</summary>
public sealed record RunRequest(string OutDir, bool Resume, int DefaultThreads);

/// <summary>How a whole invocation ended: what ran, what was kept, and the exit code that says so.</summary>
/// <see cref="Statistics"/>: per experiment, test accuracy per variant with its 95% CI and the comparison with its baseline.
/// <paramref name="Busy"/>: runs left alone because another live process holds their lock.
public sealed record RunBatchOutcome(IReadOnlyList<RunSummary> Summaries, int Skipped, bool Cancelled, IReadOnlyList<string> Errors,
    int Busy = 0, IReadOnlyDictionary<string, Seq<Core.VariantStatistics>>? Statistics = null)
{
    /// <summary>0 when every run finished (complete or diverged: a divergence is a result); 1 when a run failed or a
    /// dataset could not be loaded; 130 (the SIGINT convention) when cancelled.</summary>
    public int ExitCode => Cancelled ? 130 : Errors.Count > 0 || Summaries.Any(s => s.Status == RunStatus.Failed) ? 1 : 0;
}

/// <summary>
/// Runs the planned runs one after another (each run uses every core through libtorch's threads): loads datasets,
/// writes experiment.json per experiment, trains each run into results/&lt;experiment&gt;/&lt;variant&gt;/seed-&lt;n&gt;/,
/// skips complete runs when resuming, stops at a step boundary when cancelled, and prints a table per experiment.
/// </summary>
public sealed class ExperimentRunner(DatasetProvider datasets, ILogger logger, TextWriter output, LogFiles? logs = null)
{
    /// <param name="manifestPlans">The whole plan when <paramref name="plans"/> is one shard of it: every shard writes the
    /// same experiment.json files, so the report sees every variant and seed whichever shards have run.</param>
    public RunBatchOutcome Run(Seq<RunPlan> plans, Func<RunPlan, string> resolvedYaml, RunRequest request, IRunProgress progress, CancellationToken cancel,
        Seq<RunPlan>? manifestPlans = null)
    {
        Directory.CreateDirectory(request.OutDir);
        foreach (var experiment in (manifestPlans ?? plans).GroupBy(p => p.ExperimentName))
            WriteManifest(request.OutDir, experiment.ToList(), null);

        var summaries = new List<RunSummary>();
        var errors = new List<string>();
        var skipped = 0;
        var busy = 0;
        foreach (var plan in plans)
        {
            if (cancel.IsCancellationRequested) break;
            var runDir = RunResultReader.RunDir(request.OutDir, plan.ExperimentName, plan.VariantName, plan.Seed);
            // One process per run folder: the lock comes before anything reads or writes the folder.
            var taken = RunLock.TryAcquire(runDir, line => logger.LogWarning("{Run}: {Message}", Label(plan), line));
            if (taken.IsLeft)
            {
                busy++;
                logger.LogWarning("{Run}: running elsewhere ({Owner}), left alone", Label(plan), taken.LeftToSeq().Head().ToString());
                continue;
            }
            using var runLock = taken.RightToSeq().Head();
            if (request.Resume && RunResultReader.IsComplete(runDir))
            {
                skipped++;
                logger.LogInformation("{Run}: complete already, skipped (--resume)", Label(plan));
                summaries.Add(SummaryJson.Read(Path.Combine(runDir, SummaryJson.FileName)));
                continue;
            }
            var data = datasets.Get(plan.Dataset, cancel);
            if (data.IsLeft)
            {
                var message = data.LeftToSeq().Head().Message;
                errors.Add($"{Label(plan)}: {message}");
                logger.LogError("{Run}: {Message}", Label(plan), message);
                continue;
            }
            var splits = data.RightToSeq().Head();
            var job = new RunJob(plan.ExperimentName, plan.VariantName, plan.Seed, plan.Network, plan.Dataset, plan.Optimizer,
                plan.BatchSize, plan.Budget.TotalSteps(plan.Dataset, plan.BatchSize), plan.EvalEvery.IfNone(0), plan.Probes,
                plan.Threads.IfNone(request.DefaultThreads), resolvedYaml(plan), plan.Device,
                plan.PreciseBn.Map(p => p.Batches).IfNone(0), plan.CheckpointEvery.IfNone(0), plan.Sampler.Map(s => s.ClassesPerBatch).IfNone(0));
            // The run's own normlab.log: its log lines and progress, closed (renamed into place) before its summary.json.
            var runLog = logs?.OpenRun(runDir);
            var ticker = progress.Start(job.Label, job.TotalSteps);
            if (logs is not null) ticker = logs.Tee(ticker, job.Label, job.TotalSteps, TimeSpan.FromSeconds(10));
            var summary = RunExecutor.Execute(job, splits, runDir, ticker, cancel, runLog, request.Resume,
                line => logger.LogInformation("{Message}", line));
            summaries.Add(summary);
            if (summary.Status == RunStatus.Cancelled) break;
        }
        // The statistics need the runs: experiment.json is written again with them, over what finished — with a shard,
        // over the whole plan, the other shards' complete runs read from their folders.
        var statistics = new Dictionary<string, Seq<Core.VariantStatistics>>();
        var here = summaries.Select(s => (s.Experiment, s.Variant, s.Seed)).ToHashSet();
        foreach (var experiment in (manifestPlans ?? plans).GroupBy(p => p.ExperimentName))
        {
            var runs = experiment.ToList();
            var elsewhere = runs.Where(p => !here.Contains((p.ExperimentName, p.VariantName, (long)p.Seed)))
                .Select(p => RunResultReader.RunDir(request.OutDir, p.ExperimentName, p.VariantName, p.Seed))
                .Where(RunResultReader.IsComplete)
                .Select(dir => SummaryJson.Read(Path.Combine(dir, SummaryJson.FileName)));
            statistics[experiment.Key] = Statistics(runs, summaries.Where(s => s.Experiment == experiment.Key).Concat(elsewhere));
            WriteManifest(request.OutDir, runs, statistics[experiment.Key]);
        }
        return new RunBatchOutcome(summaries, skipped, cancel.IsCancellationRequested, errors, busy, statistics);
    }

    /// <summary>Test accuracy per variant over its complete runs, in plan order, each against its baseline.</summary>
    public static Seq<Core.VariantStatistics> Statistics(IReadOnlyList<RunPlan> plans, IEnumerable<RunSummary> summaries)
    {
        var done = summaries.Where(s => s.Status == RunStatus.Complete && s.TestAccuracy.HasValue).ToList();
        var variants = plans.Select(p => p.VariantName).Distinct()
            .Select(v => (v, done.Where(s => s.Variant == v).Select(s => s.TestAccuracy!.Value).ToSeq().Strict()))
            .ToSeq().Strict();
        var baselines = plans.GroupBy(p => p.VariantName).ToDictionary(g => g.Key, g => g.First().Baseline);
        return Core.VariantStatistics.Of(variants, v => baselines.TryGetValue(v, out var b) ? b : Option<string>.None);
    }

    /// <summary>
    /// Loads the datasets of the runs that will run (not those --resume skips) before any live display starts, so the
    /// loaders' log lines do not cut through the progress bars, and checks each run's sample shape against its model's
    /// inputShape — before any run trains, so a misfit in the last experiment of a file does not surface hours in. The
    /// loaded data is cached for <see cref="Run"/>. Returns one problem per misfitting experiment and variant (a dataset
    /// that cannot be loaded is reported by <see cref="Run"/>, which goes on with the other runs).
    /// </summary>
    public Seq<string> PrepareDatasets(Seq<RunPlan> plans, RunRequest request, CancellationToken cancel)
    {
        var problems = new List<string>();
        foreach (var plan in plans)
        {
            if (cancel.IsCancellationRequested) break;
            var runDir = RunResultReader.RunDir(request.OutDir, plan.ExperimentName, plan.VariantName, plan.Seed);
            if (request.Resume && RunResultReader.IsComplete(runDir)) continue;
            foreach (var splits in datasets.Get(plan.Dataset, cancel).RightToSeq())
                foreach (var misfit in DataFit.SampleShapeProblem(plan.Network, splits.Train.SampleShape.ToSeq()))
                    problems.Add($"experiment {plan.ExperimentName}, variant {plan.VariantName}: {misfit}");
        }
        return problems.Distinct().ToSeq();
    }

    private static string Label(RunPlan p) => $"{p.ExperimentName}/{p.VariantName}/seed-{p.Seed}";

    private static void WriteManifest(string outDir, IReadOnlyList<RunPlan> runs, Seq<Core.VariantStatistics>? statistics)
    {
        var first = runs[0];
        var dir = Path.Combine(outDir, first.ExperimentName);
        Directory.CreateDirectory(dir);
        var manifest = new ExperimentManifest
        {
            Name = first.ExperimentName,
            Description = first.Description,
            Dataset = first.DatasetName,
            Kind = runs.Any(r => r.Probes.Any(p => p is ProbeSpec.Percentiles)) ? "ioffe-figure-1" : "training",
            Variants = runs.Select(r => r.VariantName).Distinct().ToList(),
            Seeds = runs.Select(r => (long)r.Seed).Distinct().ToList(),
            Reported = runs.GroupBy(r => r.VariantName)
                .SelectMany(g => g.First().Reported.Map(r => (g.Key, r)))
                .ToDictionary(p => p.Key, p => new Results.ReportedResult
                {
                    TestAccuracy = p.r.TestAccuracy.ToNullable(),
                    WallSeconds = p.r.WallSeconds.ToNullable(),
                }),
            Baselines = runs.GroupBy(r => r.VariantName).SelectMany(g => g.First().Baseline.Map(b => (g.Key, b)))
                .ToDictionary(p => p.Key, p => p.b),
            Statistics = statistics is { } st ? new StatisticsJson { Variants = st.Map(VariantStatisticsJson.Of).ToList() } : null,
            Study = first.Study.Map(StudyJson.Of).MatchUnsafe(s => s, () => null),
        };
        ExperimentJson.Write(Path.Combine(dir, ExperimentJson.FileName), manifest);
    }

    /// <summary>One table per experiment — variant, test accuracy mean ± std, best validation accuracy, wall time,
    /// images/s, run statuses — and, with two seeds or more, its statistics table — n, the 95% CI and, against the baseline,
    /// the difference with its 95% CI and Welch's p-value — then where the results are. Called after the live display has
    /// ended. Short headers and no-wrap number columns keep a row on one line of an 80-column terminal (the width Spectre
    /// assumes off a terminal).</summary>
    public void PrintTables(RunBatchOutcome outcome, string outDir)
    {
        foreach (var experiment in outcome.Summaries.GroupBy(s => s.Experiment))
        {
            var table = new Table().Title(Markup.Escape(experiment.Key)).Border(TableBorder.Rounded);
            table.AddColumn(new TableColumn("variant"));
            foreach (var header in new[] { "test acc (± std)", "best val", "wall s", "img/s" })
                table.AddColumn(new TableColumn(header).RightAligned().NoWrap());
            table.AddColumn(new TableColumn("runs"));
            foreach (var variant in experiment.GroupBy(s => s.Variant))
            {
                var done = variant.Where(s => s.Status == RunStatus.Complete).ToList();
                var acc = Core.MeanStd.Of(done.Where(s => s.TestAccuracy.HasValue).Select(s => s.TestAccuracy!.Value).ToSeq());
                string F(IEnumerable<double> xs, string fmt) => xs.Any() ? xs.Average().ToString(fmt, CultureInfo.InvariantCulture) : "–";
                var statuses = string.Join(", ", variant.GroupBy(s => s.Status).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
                table.AddRow(Markup.Escape(variant.Key), done.Count > 0 ? acc.ToString() : "–",
                    F(done.Where(s => s.BestValAccuracy.HasValue).Select(s => s.BestValAccuracy!.Value), "0.0000"),
                    F(done.Select(s => s.WallSeconds), "0.0"),
                    F(done.Where(s => s.ImagesPerSecond.HasValue).Select(s => s.ImagesPerSecond!.Value), "0"),
                    Markup.Escape(statuses));
            }
            // Colour only on a terminal: a log file or CI output gets the plain table.
            var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
                ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            });
            console.Write(table);
            var stats = outcome.Statistics is { } all && all.TryGetValue(experiment.Key, out var st) ? st : LanguageExt.Seq<Core.VariantStatistics>.Empty;
            if (stats.Exists(v => v.Summary.Exists(x => x.N >= 2))) console.Write(StatisticsTable(experiment.Key, stats));
        }
        output.WriteLine($"results: {Path.GetFullPath(outDir)}");
        if (outcome.Skipped > 0) output.WriteLine($"{outcome.Skipped} run(s) were complete already and skipped (--resume)");
        foreach (var e in outcome.Errors) output.WriteLine($"error: {e}");
    }

    /// <summary>Test accuracy per variant: n, 95% CI (Student t); with a baseline, Δ [95% CI] and Welch's p.</summary>
    private static Table StatisticsTable(string experiment, LanguageExt.Seq<Core.VariantStatistics> stats)
    {
        var compared = stats.Exists(s => s.Baseline.IsSome);
        var table = new Table().Title(Markup.Escape($"{experiment}: test accuracy, 95% CI (Student t)"
            + (compared ? ", Δ vs baseline (Welch)" : ""))).Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("variant"));
        var headers = compared ? new[] { "n", "95% CI", "Δ [95% CI]", "p" } : new[] { "n", "95% CI" };
        foreach (var header in headers) table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned().NoWrap());
        foreach (var v in stats)
        {
            var cells = new List<string>
            {
                Markup.Escape(v.Variant),
                v.Summary.Map(s => s.N.ToString(CultureInfo.InvariantCulture)).IfNone("0"),
                Markup.Escape(Core.VariantStatistics.FormatInterval(v.Summary.Bind(s => s.Ci95))),
            };
            if (compared)
            {
                cells.Add(Markup.Escape(v.FormatDifference()));
                cells.Add(Markup.Escape(v.FormatPValue()));
            }
            table.AddRow(cells.ToArray());
        }
        return table;
    }
}
