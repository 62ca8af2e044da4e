using LanguageExt;
using NormLab.Core.Experiments;

namespace NormLab.Host.Running;

/// <summary>The options of <c>./normlab run [FILE] [--only NAME]… [--variant NAME]… [--seeds K] [--max-steps N] [--out DIR] [--resume] [--no-report] [--device cpu|cuda|auto]</c>;
/// <paramref name="Device"/> overrides every experiment's <c>device</c>;
/// <paramref name="Yes"/> confirms a sweep of more than <see cref="Sweep.MaxRunsWithoutConfirmation"/> runs.</summary>
public sealed record RunOptions(string File, PlanFilter Filter, string OutDir, bool Resume, bool Report, Option<DeviceKind> Device = default,
    bool Yes = false);

/// <summary>The exit code a finished host hands back to Main (a BackgroundService cannot return one).</summary>
public sealed class ExitCodeHolder
{
    public int Value { get; set; }
}
