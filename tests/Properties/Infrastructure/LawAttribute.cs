using System.Globalization;

namespace NormLab.Tests.Properties.Infrastructure;

/// <summary>
/// FsCheck.Xunit's <c>[Property]</c> with NormLab's seed: every run tries the same cases (the seed is
/// <see cref="PropertyRunner.Seed"/>, so <c>NORMLAB_PROPERTY_SEED</c> explores others), quiet on success. A failing
/// law fails its test with FsCheck's report: the original and the shrunk counterexample and the seed pair
/// <c>(seed,gamma)</c> the run started from — <c>NORMLAB_PROPERTY_SEED=&lt;seed&gt;</c> replays it.
/// Use it for a law that runs against one implementation; a law that is also run against mutants stays a
/// <see cref="PropertyDef{T}"/> value checked by <see cref="PropertyRunner"/>.
/// </summary>
public sealed class LawAttribute : FsCheck.Xunit.PropertyAttribute
{
    /// <summary>FsCheck's default stream increment (any odd number works; fixed so a seed alone names a run).</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public LawAttribute()
    {
        Replay = ReplayString(PropertyRunner.Seed);
        QuietOnSuccess = true;
    }

    public static string ReplayString(ulong seed) =>
        string.Create(CultureInfo.InvariantCulture, $"({seed},{Gamma})");
}
