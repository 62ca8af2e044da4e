using System.Runtime.InteropServices;
using NormLab.Torch.Native;

namespace NormLab.Torch;

/// <summary>
/// Tensor factories and process-wide settings, named as in PyTorch/TorchSharp (<c>torch.zeros</c>, <c>torch.manual_seed</c>).
/// </summary>
public static unsafe partial class torch
{
    private static Tensor Make(delegate*<long*, int, int, int, IntPtr*, IntPtr> f, long[] shape, ScalarType dtype, bool requiresGrad)
    {
        IntPtr err;
        IntPtr r;
        fixed (long* s = shape) r = f(s, shape.Length, (int)dtype, requiresGrad ? 1 : 0, &err);
        return new Tensor(NativeError.Check(r, err));
    }

    public static Tensor empty(long[] shape, ScalarType dtype = ScalarType.Float32, bool requiresGrad = false) => Make(&LibTorch.nl_empty, shape, dtype, requiresGrad);
    public static Tensor zeros(long[] shape, ScalarType dtype = ScalarType.Float32, bool requiresGrad = false) => Make(&LibTorch.nl_zeros, shape, dtype, requiresGrad);
    public static Tensor ones(long[] shape, ScalarType dtype = ScalarType.Float32, bool requiresGrad = false) => Make(&LibTorch.nl_ones, shape, dtype, requiresGrad);
    /// <summary>Standard normal samples from libtorch's global CPU generator (seed it with <see cref="manual_seed"/>).</summary>
    public static Tensor randn(long[] shape, ScalarType dtype = ScalarType.Float32, bool requiresGrad = false) => Make(&LibTorch.nl_randn, shape, dtype, requiresGrad);
    public static Tensor rand(long[] shape, ScalarType dtype = ScalarType.Float32, bool requiresGrad = false) => Make(&LibTorch.nl_rand, shape, dtype, requiresGrad);

    public static Tensor zeros(params long[] shape) => zeros(shape, ScalarType.Float32);
    public static Tensor ones(params long[] shape) => ones(shape, ScalarType.Float32);
    public static Tensor randn(params long[] shape) => randn(shape, ScalarType.Float32);
    public static Tensor rand(params long[] shape) => rand(shape, ScalarType.Float32);

    public static Tensor full(long[] shape, double value, ScalarType dtype = ScalarType.Float32, bool requiresGrad = false)
    {
        IntPtr err;
        IntPtr r;
        fixed (long* s = shape) r = LibTorch.nl_full(s, shape.Length, value, (int)dtype, requiresGrad ? 1 : 0, &err);
        return new Tensor(NativeError.Check(r, err));
    }

    public static Tensor arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64)
    {
        IntPtr err;
        var r = LibTorch.nl_arange(start, end, step, (int)dtype, &err);
        return new Tensor(NativeError.Check(r, err));
    }

    public static Tensor randperm(long n)
    {
        IntPtr err;
        var r = LibTorch.nl_randperm(n, &err);
        return new Tensor(NativeError.Check(r, err));
    }

    public static Tensor scalar_tensor(double value, ScalarType dtype = ScalarType.Float32)
    {
        IntPtr err;
        var r = LibTorch.nl_scalar_tensor(value, (int)dtype, &err);
        return new Tensor(NativeError.Check(r, err));
    }

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (default: 1-d).</summary>
    public static Tensor tensor<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        if (shape.Length == 0) shape = [data.Length];
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} values but {data.Length} were given", nameof(shape));
        IntPtr err;
        IntPtr r;
        fixed (T* p = data)
        fixed (long* s = shape)
            r = LibTorch.nl_tensor_from_data(p, s, shape.Length, (int)ScalarTypeExtensions.Of<T>(), &err);
        return new Tensor(NativeError.Check(r, err));
    }

    public static Tensor tensor<T>(T[] data, params long[] shape) where T : unmanaged => tensor((ReadOnlySpan<T>)data, shape);

    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(&LibTorch.nl_cat, tensors, dim);
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(&LibTorch.nl_stack, tensors, dim);

    private static Tensor Join(delegate*<IntPtr*, int, long, IntPtr*, IntPtr> f, IReadOnlyList<Tensor> tensors, long dim)
    {
        var handles = stackalloc IntPtr[tensors.Count];
        for (var i = 0; i < tensors.Count; i++) handles[i] = tensors[i].Handle;
        IntPtr err;
        var r = f(handles, tensors.Count, dim, &err);
        GC.KeepAlive(tensors);
        return new Tensor(NativeError.Check(r, err));
    }

    public static Tensor where(Tensor condition, Tensor a, Tensor b) => a.where(condition, b);

    // ---- process-wide settings ----

    /// <summary>Seeds libtorch's global CPU generator (randn, rand, dropout, init).</summary>
    public static void manual_seed(ulong seed)
    {
        IntPtr err;
        LibTorch.nl_manual_seed(seed, &err);
        NativeError.ThrowIfSet(err);
    }

    /// <summary>Intra-op threads for libtorch (OpenMP). Also keeps OpenBLAS at one thread: measured here, OpenBLAS's
    /// own pool fighting libtorch's made LeNet ~3x slower.</summary>
    public static void set_num_threads(int threads)
    {
        IntPtr err;
        LibTorch.nl_set_num_threads(threads, &err);
        NativeError.ThrowIfSet(err);
        openblas_limited = LibTorch.nl_openblas_set_num_threads(1) != 0;
    }

    /// <summary>Whether <see cref="set_num_threads"/> found OpenBLAS and pinned it to one thread (false under another BLAS).</summary>
    public static bool openblas_limited { get; private set; }

    public static int get_num_threads() => LibTorch.nl_get_num_threads();

    /// <summary>The shim's and libtorch's version, e.g. "normlab-native 1 (libtorch 1.13.0)".</summary>
    public static string version => Marshal.PtrToStringUTF8(LibTorch.nl_version()) ?? "?";

    public static bool is_grad_enabled() => LibTorch.nl_grad_enabled() != 0;

    /// <summary>Disables gradient recording until disposed, then restores the previous mode (not simply "on").</summary>
    public static GradModeScope no_grad() => new(false);

    public static GradModeScope enable_grad() => new(true);

    /// <summary>Opens a <see cref="DisposeScope"/>: every tensor created until it is disposed is disposed with it.</summary>
    public static DisposeScope NewDisposeScope() => new();
}

/// <summary>Sets gradient mode for a block and restores the mode that was active before (PyTorch's torch.no_grad()).</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly int previous;

    internal GradModeScope(bool enabled)
    {
        previous = LibTorch.nl_grad_enabled();
        LibTorch.nl_set_grad_enabled(enabled ? 1 : 0);
    }

    public void Dispose() => LibTorch.nl_set_grad_enabled(previous);
}
