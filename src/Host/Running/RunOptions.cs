using LanguageExt;
using NormLab.Core.Experiments;

namespace NormLab.Host.Running;

/// <summary>The options of <c>./normlab run [FILE] [--only NAME]… [--variant NAME]… [--seeds K] [--max-steps N] [--out DIR] [--resume] [--no-report] [--device cpu|cuda|auto] [--yes] [--shard K/N]</c>;
/// <paramref name="Device"/> overrides every experiment's <c>device</c>;
/// <paramref name="Yes"/> confirms a sweep of more than <see cref="Sweep.MaxRunsWithoutConfirmation"/> runs.
/// <paramref name="Shard"/>: train only that shard of the plan (<c>--shard K/N</c>); <paramref name="Jobs"/>: train that many
/// runs at once, each in a child process of its own (<c>--jobs J</c>); <paramref name="Part"/> and
/// <paramref name="DefaultThreads"/>: what the parent of <c>--jobs</c> gives each child (its part of the shard, and the
/// threads of runs whose file sets none: the machine's cores split between the jobs).</summary>
public sealed record RunOptions(string File, PlanFilter Filter, string OutDir, bool Resume, bool Report, Option<DeviceKind> Device = default,
    bool Yes = false, Option<ShardSpec> Shard = default, int Jobs = 1, Option<ShardSpec> Part = default, Option<int> DefaultThreads = default);

/// <summary>The exit code a finished host hands back to Main (a BackgroundService cannot return one).</summary>
public sealed class ExitCodeHolder
{
    public int Value { get; set; }
}
