using System.CommandLine;
using NormLab.Host.Bench;

namespace NormLab.Host.Cli;

/// <summary>
/// <c>./normlab bench [--quick] [--reps N] [--only WORKLOAD]… [--threads N] [--profile] [--out DIR]</c>: NormLab against a
/// plain TorchSharp loop (the same libtorch) and PyTorch 1.13, workload by workload, rotating sides; medians, ratios, peak
/// RSS, GFLOP/s; bench/results.md (with --profile, every side's ms per step by phase: data, forward, backward, optimizer).
/// </summary>
public sealed class BenchVerb : ICliVerb
{
    public Command Command
    {
        get
        {
            var quick = new System.CommandLine.Option<bool>("--quick") { Description = "fewer steps and repetitions (about two minutes on a quiet machine)" };
            var reps = new System.CommandLine.Option<int?>("--reps") { Description = "timed repetitions per side (default 5, quick 2)" };
            var only = new System.CommandLine.Option<string[]>("--only") { Description = "run only these workloads (name or number, repeatable)" };
            var threads = new System.CommandLine.Option<int?>("--threads") { Description = "intra-op threads on both sides (default: every core)" };
            var profile = new System.CommandLine.Option<bool>("--profile") { Description = "also time the phases of a training step (data, forward, backward, optimizer) on every side" };
            var output = new System.CommandLine.Option<string?>("--out") { Description = "where results.md goes (default bench/)" };
            var command = new Command("bench", "Time NormLab against plain TorchSharp and PyTorch on the same workloads; print ratios; write bench/results.md.")
            {
                quick, reps, only, threads, profile, output,
            };
            command.SetAction((parsed, cancel) => BenchCommand.RunAsync(new BenchOptions
            {
                Quick = parsed.GetValue(quick),
                Reps = parsed.GetValue(reps),
                Only = parsed.GetValue(only) ?? [],
                Threads = parsed.GetValue(threads),
                Profile = parsed.GetValue(profile),
                OutDir = parsed.GetValue(output),
            }, parsed.InvocationConfiguration.Output, cancel));
            return command;
        }
    }
}
