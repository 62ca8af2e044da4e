using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NormLab.Host.Cli;

// normlab <verb> [args]: a generic host for configuration (environment, NORMLAB_ROOT), logging and DI; System.CommandLine
// for the verbs. The host's configuration does not see the command line — System.CommandLine owns it.
var builder = Host.CreateApplicationBuilder();
// Logs go to stderr: stdout carries what a verb prints (tables, OK lines), so it can be piped. Warnings and errors
// only, unless -v (ConsoleLog.Verbose, set by CliApp when it parses the command line).
builder.Logging.ClearProviders();
builder.Logging.AddProvider(new ConsoleLog(Console.Error));
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Services.AddSingleton<ExperimentFiles>();

// The verbs — adding one is a class implementing ICliVerb and one line here.
builder.Services.AddVerb<ValidateVerb>();
builder.Services.AddVerb<SummaryVerb>();
builder.Services.AddVerb<RunVerb>();
builder.Services.AddVerb<EvalVerb>();
builder.Services.AddVerb<ReportVerb>();
builder.Services.AddVerb<StatusVerb>();
builder.Services.AddVerb<SubmitVerb>();
builder.Services.AddVerb<BenchVerb>();

// The benchmark's NormLab-side child process (one per workload, so both sides' peak RSS are whole processes'): it
// speaks a line protocol on stdin/stdout and takes its arguments verbatim, so it bypasses the verb parser.
if (args is ["bench-worker", ..])
    return await NormLab.Host.Bench.BenchWorker.RunAsync(args[1..], Console.In, Console.Out, CancellationToken.None);
// The plain-TorchSharp side of the benchmark (the same protocol), the reference NormLab is held to on the same libtorch.
if (args is ["bench-torchsharp-worker", ..])
    return await NormLab.Host.Bench.TorchSharpWorker.RunAsync(args[1..], Console.In, Console.Out, CancellationToken.None);

// A fresh-process check that TorchSharp loads and trains (the Debian 12 patch worked): used by the smoke test.
if (args is ["torch-check"])
    return NormLab.Host.Cli.TorchCheck.Run(Console.Out);

using var host = builder.Build();
return await CliApp.RunAsync(host.Services.GetServices<ICliVerb>(), args, Console.Out, Console.Error);
