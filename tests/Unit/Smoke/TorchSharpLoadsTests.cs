using System.Diagnostics;
using NormLab.Build;
using Xunit;

namespace NormLab.Tests.Unit.Smoke;

/// <summary>
/// The first thing that must work on a freshly set-up machine: TorchSharp's glue library, as the build left it in the
/// output folder, loads in a fresh process (no state from this one) and trains a step on libtorch 2.10 — plus the
/// Debian 12 compatibility step's own rules (build/LibStdCxxCompat.cs).
/// </summary>
public sealed class TorchSharpLoadsTests
{
    private static string Glue => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static ISet<string> SystemVersions() =>
        LibStdCxxCompat.DefinedVersions(File.ReadAllBytes(LibStdCxxCompat.SystemLibStdCxx()
            ?? throw new InvalidOperationException("no system libstdc++.so.6")));

    [Fact]
    public async Task A_fresh_process_loads_TorchSharp_and_trains_one_step()
    {
        var host = Path.Combine(AppContext.BaseDirectory, "normlab.dll");
        var psi = new ProcessStartInfo("dotnet", [host, "torch-check"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        var stderr = await stderrTask;
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {stdout}\n{stderr}");
        Assert.Contains("libtorch 2.10", stdout);
        Assert.Contains("trained one step", stdout);
    }

    [Fact]
    public void The_built_copy_needs_no_further_patch()
    {
        var provided = SystemVersions();
        Assert.Contains("GLIBCXX_3.4.19", provided);
        var result = LibStdCxxCompat.Apply(File.ReadAllBytes(Glue), provided);
        // The build patched the copy already (or it needed nothing): a second pass changes nothing.
        Assert.Null(result.Patched);
        if (!provided.Contains("GLIBCXX_3.4.32")) Assert.Contains("GLIBCXX_3.4.32", result.Missing);
    }

    [Fact]
    public void A_system_libstdcxx_with_every_version_leaves_the_library_alone()
    {
        var everything = new System.Collections.Generic.HashSet<string>(SystemVersions(), StringComparer.Ordinal) { "GLIBCXX_3.4.32" };
        var result = LibStdCxxCompat.Apply(File.ReadAllBytes(Glue), everything);
        Assert.Null(result.Patched);
        Assert.Empty(result.Missing);
    }

    [Fact]
    public void The_library_as_shipped_gets_exactly_one_flag_bit_and_a_second_pass_changes_nothing()
    {
        var provided = new System.Collections.Generic.HashSet<string>(SystemVersions().Where(v => v != "GLIBCXX_3.4.32"), StringComparer.Ordinal);
        var patched = File.ReadAllBytes(Glue);
        var shipped = ShippedLibrary();
        Assert.Equal(shipped.Length, patched.Length);
        var first = LibStdCxxCompat.Apply(shipped, provided);
        Assert.NotNull(first.Patched);
        Assert.Equal(1, shipped.Zip(first.Patched!, (a, b) => a != b ? 1 : 0).Sum());
        Assert.Equal(["GLIBCXX_3.4.32"], first.Missing);
        Assert.Null(LibStdCxxCompat.Apply(first.Patched!, provided).Patched);
    }

    [Fact]
    public void A_file_that_is_not_ELF_is_refused()
    {
        var text = System.Text.Encoding.ASCII.GetBytes(new string('x', 100));
        Assert.Throws<InvalidDataException>(() => LibStdCxxCompat.Apply(text, new System.Collections.Generic.HashSet<string>()));
    }

    /// <summary>libLibTorchSharp.so as NuGet ships it (the build patches only its copy in the output folder).</summary>
    private static byte[] ShippedLibrary() =>
        File.ReadAllBytes(Path.Combine(NuGetRoot(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so"));

    private static string NuGetRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
