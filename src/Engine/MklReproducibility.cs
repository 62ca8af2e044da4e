using System.Runtime.CompilerServices;

namespace NormLab.Engine;

/// <summary>
/// The same seed must give the same bits (DESIGN.md, determinism). libtorch's CPU build does its matrix products in
/// Intel MKL, and MKL's default dispatch picks kernels by the alignment of each buffer, so one product of the same
/// numbers can round differently from call to call (measured on an AMD EPYC here: one dense layer, batch 2, first
/// losses 0.29742053 vs 0.29742044 for one seed; property P14 caught it). MKL's "conditional numerical
/// reproducibility" switch <c>MKL_CBWR=AUTO</c> fixes the code path per machine, which makes results repeat run after
/// run on one machine with fixed threads (Intel's MKL developer guide, "Obtaining Numerically Reproducible Results").
/// MKL reads the variable from the C environment when it first runs, so it is set here with libc's <c>setenv</c>
/// (.NET's Environment.SetEnvironmentVariable does not reach the C environment on Linux) before any torch call,
/// and only when the user has not chosen a value. <c>./normlab</c> exports it as well, for its child processes.
/// </summary>
static class MklReproducibility
{
    internal const string Variable = "MKL_CBWR";

    // CA2255 warns that module initializers are for applications; this one must run before a library user's first
    // torch call, which only the library's own initializer can guarantee.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void BeforeAnyTorchCall()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null) return;
        _ = setenv(Variable, "AUTO", 0);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int setenv(string name, string value, int overwrite);
}
