using System.Globalization;
using System.Runtime.InteropServices;
using NormLab.Torch.Native;

namespace NormLab.Torch;

/// <summary>One op name's share of a profiled stretch: calls, time inside it minus its callees (self), and with them (total).</summary>
public sealed record OpTime(string Name, long Calls, double SelfMicros, double TotalMicros);

/// <summary>
/// libtorch's own op timings for a stretch of code on this thread — the legacy autograd profiler behind PyTorch's
/// <c>torch.autograd.profiler.profile(use_kineto=False)</c>, so the two sides of <c>./normlab bench --profile</c> are
/// measured by the same instrument. One profiler at a time per process (libtorch's rule).
/// </summary>
public sealed unsafe class OpProfiler : IDisposable
{
    private bool running;

    private OpProfiler() => running = true;

    public static OpProfiler Start()
    {
        IntPtr err;
        LibTorch.nl_profiler_start(&err);
        NativeError.ThrowIfSet(err);
        return new OpProfiler();
    }

    /// <summary>Stops recording and returns the ops seen, by decreasing self time.</summary>
    public IReadOnlyList<OpTime> Stop()
    {
        if (!running) throw new InvalidOperationException("the profiler was already stopped");
        running = false;
        IntPtr err;
        var text = LibTorch.nl_profiler_stop(&err);
        NativeError.ThrowIfSet(err);
        try
        {
            return Parse(Marshal.PtrToStringUTF8(text) ?? "");
        }
        finally
        {
            LibTorch.nl_error_free(text);
        }
    }

    /// <summary>The shim's aggregate: one "name TAB calls TAB self_us TAB total_us" line per op name.</summary>
    internal static IReadOnlyList<OpTime> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(f => f.Length == 4)
            .Select(f => new OpTime(f[0], long.Parse(f[1], CultureInfo.InvariantCulture),
                double.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture)))
            .OrderByDescending(o => o.SelfMicros)
            .ToArray();

    public void Dispose()
    {
        if (running) Stop();
    }
}
