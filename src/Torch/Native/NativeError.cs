using System.Runtime.InteropServices;

namespace NormLab.Torch.Native;

/// <summary>
/// Turns the shim's error values into .NET exceptions. The shim stores a malloc'd first line of libtorch's message in
/// <c>*err</c> and returns null/0; we copy it, free it, and throw <see cref="TorchException"/>. The native side never
/// throws across the boundary, so the process never aborts inside libtorch (DESIGN.md, "The binding").
/// </summary>
internal static class NativeError
{
    internal static void ThrowIfSet(IntPtr err)
    {
        if (err != IntPtr.Zero) Throw(err);
    }

    internal static IntPtr Check(IntPtr result, IntPtr err)
    {
        if (err != IntPtr.Zero) Throw(err);
        return result;
    }

    private static void Throw(IntPtr err)
    {
        var message = Marshal.PtrToStringUTF8(err) ?? "unknown native error";
        LibTorch.nl_error_free(err);
        throw new TorchException(message);
    }
}
