using System.Runtime.InteropServices;
using Xunit;

namespace NormLab.Tests.Unit.Smoke;

/// <summary>
/// The first thing that must work on a freshly set-up machine: the native shim built by CMake is copied beside the
/// test assembly, loads (which pulls in libtorch and its BLAS), and reports the libtorch it was compiled against.
/// Declared here rather than through src/Torch so that this test fails only for the reason it names.
/// </summary>
public sealed class NativeShimLoadsTests
{
    [DllImport("normlab_native")]
    private static extern IntPtr nl_version();

    [Fact]
    public void Shim_loads_and_reports_the_libtorch_it_was_built_against()
    {
        var version = Marshal.PtrToStringUTF8(nl_version());

        Assert.NotNull(version);
        Assert.StartsWith("normlab-native ", version);
        // Debian 12's libtorch-dev is 1.13.1 (README: what setup installs).
        Assert.Contains("libtorch 1.13", version);
    }
}
