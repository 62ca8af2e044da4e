using System.Runtime.InteropServices;
using NormLab.Torch.Native;

namespace NormLab.Torch;

/// <summary>
/// The one SafeHandle over a native <c>at::Tensor*</c>. Dispose frees it deterministically; the finalizer is only a
/// safety net. It also keeps the live/peak counters that the leak tests and benchmarks read.
/// </summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long live;
    private static long peak;

    internal static long Live => Interlocked.Read(ref live);
    internal static long Peak => Interlocked.Read(ref peak);
    internal static void ResetPeak() => Interlocked.Exchange(ref peak, Interlocked.Read(ref live));

    internal TensorHandle(IntPtr native) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(native);
        var now = Interlocked.Increment(ref live);
        long seen;
        while (now > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen) { }
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        LibTorch.nl_tensor_free(handle);
        Interlocked.Decrement(ref live);
        return true;
    }
}
