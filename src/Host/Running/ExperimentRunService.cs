using LanguageExt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NormLab.Core.Experiments;
using NormLab.Host.Reports;
using NormLab.Host.Results;
using NormLab.Host.Yaml;
using Spectre.Console;

namespace NormLab.Host.Running;

/// <summary>
/// The finite job behind <c>./normlab run</c>, in the .NET worker-sample shape: a sealed BackgroundService that reads
/// and validates the experiments file, runs the plan with cancellation passed all the way down (Ctrl+C / SIGTERM stop the
/// current run at the next step boundary), writes the report, records the exit code and then ends the host itself.
/// A failure stops the host with a non-zero code instead of being swallowed.
/// </summary>
public sealed class ExperimentRunService(
    RunOptions options,
    ExperimentRunner runner,
    ExitCodeHolder exitCode,
    IHostApplicationLifetime lifetime,
    LogFiles logFiles,
    ILogger<ExperimentRunService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave the host's start-up path at once: training is long and synchronous.
        await Task.Yield();
        try
        {
            exitCode.Value = await Task.Run(() => Execute(stoppingToken), CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "the run stopped on an unexpected error");
            exitCode.Value = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private int Execute(CancellationToken cancel)
    {
        if (!File.Exists(options.File))
        {
            Console.Error.WriteLine($"{options.File}: file not found — pass the experiments file (default experiments.yaml in the repository root)");
            return 2;
        }
        var parsed = YamlDocuments.ReadPlans(File.ReadAllText(options.File), options.Filter);
        if (parsed.IsLeft)
        {
            foreach (var p in parsed.LeftToSeq().Head()) Console.Error.WriteLine(p.ToString());
            Console.Error.WriteLine($"{options.File}: not run — fix the errors above (./normlab validate {options.File} lists them too)");
            return 2;
        }
        var (file, planned) = parsed.RightToSeq().Head();
        if (!options.Yes && Core.Experiments.Sweeps.Unconfirmed(file.File, planned) is { IsEmpty: false } unconfirmed)
        {
            foreach (var p in file.Locate(unconfirmed)) Console.Error.WriteLine(p.ToString());
            Console.Error.WriteLine($"{options.File}: not run — nothing was written");
            return 2;
        }
        var devices = DeviceResolution.Apply(planned, options.Device, DeviceResolution.CudaAvailable());
        if (devices.IsLeft)
        {
            foreach (var line in devices.LeftToSeq().Head()) Console.Error.WriteLine(line);
            Console.Error.WriteLine($"{options.File}: not run — no run started");
            return 2;
        }
        var allPlans = devices.RightToSeq().Head();
        if (ResultsFolder.Problem(options.OutDir) is { } unwritable)
        {
            Console.Error.WriteLine(unwritable);
            return 2;
        }
        if (PlanFile.OtherFile(options.OutDir, options.File) is { } other)
        {
            Console.Error.WriteLine(other);
            return 2;
        }
        var shards = options.Shard.Match(s => s.Count, () => 1);
        var plans = options.Shard.Match(s => Shards.Select(allPlans, s), () => allPlans);
        options.Shard.IfSome(s => logger.LogInformation("shard {Shard}: {Runs} of the {All} planned runs", s.ToString(), plans.Count, allPlans.Count));
        if (options.Jobs > 1)
        {
            // Each child checks its own runs' data before training (exit 2, nothing trained) and the parent passes that on.
            PlanFile.Write(options.OutDir, PlanFile.Of(options.File, allPlans, shards));
            return LocalJobs.Run(options, plans.Count, Console.Out, Console.Error, logger, cancel);
        }
        plans = options.Part.Match(p => Shards.Select(plans, p), () => plans);
        logger.LogInformation("{Runs} runs planned from {File}; results in {Out}", plans.Count, options.File, Path.GetFullPath(options.OutDir));
        var request = new RunRequest(options.OutDir, options.Resume, options.DefaultThreads.IfNone(Environment.ProcessorCount));
        var misfits = runner.PrepareDatasets(plans, request, cancel);
        if (!misfits.IsEmpty)
        {
            foreach (var misfit in misfits) Console.Error.WriteLine(misfit);
            Console.Error.WriteLine($"{options.File}: not run — fix the errors above; no run started");
            return 2;
        }
        // Everything is checked: from here the results folder is written, its normlab.log first (with the lines so far).
        Directory.CreateDirectory(options.OutDir);
        using var invocationLog = logFiles.OpenInvocation(options.OutDir);
        PlanFile.Write(options.OutDir, PlanFile.Of(options.File, allPlans, shards));
        RunBatchOutcome outcome;
        if (Console.IsOutputRedirected)
        {
            outcome = runner.Run(plans, YamlDocuments.WriteRunPlan, request, new LineProgress(Console.Out, TimeSpan.FromSeconds(10)), cancel, allPlans);
        }
        else
        {
            outcome = null!;
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx => outcome = runner.Run(plans, YamlDocuments.WriteRunPlan, request, new BarProgress(ctx), cancel, allPlans));
        }
        runner.PrintTables(outcome, options.OutDir);
        if (outcome.Cancelled)
        {
            Console.Error.WriteLine($"cancelled: {outcome.Summaries.Count(s => s.Status != Results.RunStatus.Cancelled)} finished run(s) kept, " +
                $"the interrupted run is marked cancelled in its summary.json; ./normlab run --resume continues with the rest");
            return outcome.ExitCode;
        }
        if (options.Report)
        {
            var report = ReportWriter.Write(options.OutDir, logger);
            report.ReportPath.IfSome(path => Console.WriteLine($"report: {path}"));
            report.Error.IfSome(error => Console.Error.WriteLine($"report: not written: {error}"));
        }
        return outcome.ExitCode;
    }
}
