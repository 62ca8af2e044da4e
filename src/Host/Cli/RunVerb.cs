using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NormLab.Core.Experiments;
using NormLab.Host.Running;

using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Host.Cli;

/// <summary>
/// <c>./normlab run [FILE] [--only NAME]… [--variant NAME]… [--seeds K] [--max-steps N] [--out DIR] [--resume] [--no-report] [--device cpu|cuda|auto] [--yes]</c>:
/// runs the experiments in a generic host of its own, whose console lifetime turns Ctrl+C / SIGTERM into cancellation
/// of the current run at its next step boundary.
/// </summary>
public sealed class RunVerb(ExperimentFiles files) : ICliVerb
{
    public Command Command
    {
        get
        {
            var file = new Argument<string?>("FILE") { Arity = ArgumentArity.ZeroOrOne, Description = $"the experiments file (default: {ExperimentFiles.DefaultName})" };
            var only = new System.CommandLine.Option<string[]>("--only") { Description = "run only these experiments (repeatable)", AllowMultipleArgumentsPerToken = false };
            var variant = new System.CommandLine.Option<string[]>("--variant") { Description = "run only these variants (repeatable)" };
            var seeds = new System.CommandLine.Option<int?>("--seeds") { Description = "run only the first K seeds of each experiment" };
            var maxSteps = new System.CommandLine.Option<int?>("--max-steps") { Description = "cap every run at N steps (smoke runs)" };
            var output = new System.CommandLine.Option<string?>("--out") { Description = "results folder (default: results/ in the repository root; results-NAME/ for a file NAME.yaml other than experiments.yaml)" };
            var resume = new System.CommandLine.Option<bool>("--resume") { Description = "skip runs whose summary.json says complete" };
            var device = new System.CommandLine.Option<string?>("--device") { Description = "train on cpu, cuda or auto (cuda when available, else cpu); overrides the file's device" };
            device.AcceptOnlyFromAmong([.. DeviceKinds.Names]);
            var yes = new System.CommandLine.Option<bool>("--yes") { Description = $"run a sweep of more than {Sweep.MaxRunsWithoutConfirmation} runs (without it, such a run stops before training)" };
            var shard = new System.CommandLine.Option<string?>("--shard") { Description = "train only shard K of N (K/N, 1 ≤ K ≤ N): a deterministic, cost-balanced part of the plan" };
            var jobs = new System.CommandLine.Option<int?>("--jobs") { Description = "train J runs at once, each in its own process, the cores split between them (runs whose file sets threads keep them)" };
            var part = new System.CommandLine.Option<string?>("--part") { Hidden = true, Description = "(given by --jobs to its children) this part i/J of the shard's runs" };
            var defaultThreads = new System.CommandLine.Option<int?>("--default-threads") { Hidden = true, Description = "(given by --jobs to its children) threads of runs whose file sets none" };
            var noReport = new System.CommandLine.Option<bool>("--no-report") { Description = "do not write figures and report.html at the end" };
            var command = new Command("run", "Run the experiments: every variant for every seed; results/, then the report.")
            {
                file, only, variant, seeds, maxSteps, output, resume, noReport, device, yes, shard, jobs, part, defaultThreads,
            };
            command.SetAction(async (parsed, cancel) =>
            {
                LanguageExt.Option<ShardSpec> shardSpec = None;
                if (parsed.GetValue(shard) is { } shardText)
                {
                    var p = Shards.Parse(shardText);
                    if (p.IsLeft)
                    {
                        await parsed.InvocationConfiguration.Error.WriteLineAsync(p.LeftToSeq().Head());
                        return ExitCodes.UserError;
                    }
                    shardSpec = p.RightToSeq().Head();
                }
                LanguageExt.Option<ShardSpec> partSpec = None;
                if (parsed.GetValue(part) is { } partText)
                {
                    var p = Shards.Parse(partText);
                    if (p.IsLeft)
                    {
                        await parsed.InvocationConfiguration.Error.WriteLineAsync(p.LeftToSeq().Head().Replace("--shard", "--part"));
                        return ExitCodes.UserError;
                    }
                    partSpec = p.RightToSeq().Head();
                }
                if (parsed.GetValue(jobs) is < 1 || parsed.GetValue(defaultThreads) is < 1)
                {
                    await parsed.InvocationConfiguration.Error.WriteLineAsync($"--jobs {parsed.GetValue(jobs)}: must be at least 1 (1 runs one run at a time)");
                    return ExitCodes.UserError;
                }
                var path = parsed.GetValue(file) ?? files.DefaultPath;
                var options = new RunOptions(
                    path,
                    new PlanFilter((parsed.GetValue(only) ?? []).ToSeq(), (parsed.GetValue(variant) ?? []).ToSeq(),
                        Optional(parsed.GetValue(seeds)), Optional(parsed.GetValue(maxSteps))),
                    parsed.GetValue(output) ?? files.DefaultResultsDirFor(path),
                    parsed.GetValue(resume),
                    !parsed.GetValue(noReport),
                    parsed.GetValue(device) is { } d ? DeviceKinds.Parse(d) : None,
                    parsed.GetValue(yes),
                    shardSpec,
                    parsed.GetValue(jobs) ?? 1,
                    partSpec,
                    Optional(parsed.GetValue(defaultThreads)));
                return await RunAsync(options, cancel);
            });
            return command;
        }
    }

    /// <summary>Builds the run's host (DI, logging, console lifetime), runs it to the end and returns its exit code.</summary>
    /// <param name="cancel">System.CommandLine's token, cancelled on SIGTERM / SIGINT: it stops the host the way its
    /// console lifetime would, so the current run checkpoints at its next step boundary and the verb exits 130.</param>
    public static async Task<int> RunAsync(RunOptions options, CancellationToken cancel = default)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        // The console shows the run (progress, tables, results) and warnings; -v adds the log lines (stderr: stdout
        // carries the progress and the tables). Every line also goes to normlab.log in the results and run folders.
        var logFiles = new LogFiles();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ConsoleLog(Console.Error));
        builder.Logging.AddProvider(logFiles);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(logFiles);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = CliApp.ShutdownTimeout);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ExitCodeHolder>();
        builder.Services.AddSingleton(sp => new DatasetProvider(
            sp.GetRequiredService<IConfiguration>()["NORMLAB_ROOT"] is { Length: > 0 } root ? root : null,
            sp.GetRequiredService<ILogger<DatasetProvider>>()));
        builder.Services.AddSingleton(sp => new ExperimentRunner(sp.GetRequiredService<DatasetProvider>(), sp.GetRequiredService<ILogger<ExperimentRunner>>(), Console.Out, logFiles));
        builder.Services.AddHostedService<ExperimentRunService>();
        using var host = builder.Build();
        // RunAsync disposes the host's services when it returns: keep the holder, not the provider.
        var exitCode = host.Services.GetRequiredService<ExitCodeHolder>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stop = cancel.Register(lifetime.StopApplication);
        await host.RunAsync();
        return exitCode.Value;
    }
}
