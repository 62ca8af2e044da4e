using System.Globalization;
using System.Text;
using NormLab.Torch.Native;

namespace NormLab.Torch;

/// <summary>
/// A libtorch tensor. Every operation returns a fresh tensor that owns its own native handle; dispose it (or let a
/// <see cref="DisposeScope"/> do so). Method names follow PyTorch/TorchSharp (<c>x.sum()</c>, <c>x.reshape(...)</c>)
/// so that code moves to TorchSharp mechanically.
/// </summary>
public sealed unsafe partial class Tensor : IDisposable
{
    private readonly TensorHandle handle;

    internal Tensor(IntPtr native)
    {
        handle = new TensorHandle(native);
        DisposeScope.Register(this);
    }

    /// <summary>The scope that will dispose this tensor, if any.</summary>
    internal DisposeScope? Scope { get; set; }

    /// <summary>Live native tensors in the process (handles not yet freed) — read by leak tests and benchmarks.</summary>
    public static long LiveCount => TensorHandle.Live;

    /// <summary>The highest <see cref="LiveCount"/> since the last <see cref="ResetPeakCount"/>.</summary>
    public static long PeakCount => TensorHandle.Peak;

    public static void ResetPeakCount() => TensorHandle.ResetPeak();

    internal IntPtr Handle
    {
        get
        {
            if (handle.IsClosed)
                throw new ObjectDisposedException(nameof(Tensor), "this tensor was disposed (explicitly or by its DisposeScope); keep it alive with MoveToOuter or DetachFromDisposeScope");
            return handle.DangerousGetHandle();
        }
    }

    public bool IsDisposed => handle.IsClosed;

    /// <summary>Wraps a handle the shim returned, or throws the shim's error. Uses <c>this</c> (and <paramref name="keep"/>)
    /// after the call so neither can be finalized while native code still reads it.</summary>
    internal Tensor Fresh(IntPtr result, IntPtr err, object? keep = null)
    {
        GC.KeepAlive(this);
        GC.KeepAlive(keep);
        return new Tensor(NativeError.Check(result, err));
    }

    internal void Done(IntPtr err, object? keep = null)
    {
        GC.KeepAlive(this);
        GC.KeepAlive(keep);
        NativeError.ThrowIfSet(err);
    }

    /// <summary>Removes this tensor from its dispose scope: the caller now owns it (parameters, optimizer state).</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope = null;
        return this;
    }

    /// <summary>Moves this tensor to the scope enclosing its current one (PyTorch has no scopes; TorchSharp's name).</summary>
    public Tensor MoveToOuterDisposeScope() => Scope?.MoveToOuter(this) ?? this;

    public void Dispose()
    {
        handle.Dispose();
        GC.SuppressFinalize(this);
    }

    // ---- inspection ----

    public int dim() { var n = LibTorch.nl_tensor_ndim(Handle); GC.KeepAlive(this); return n; }

    public long[] shape
    {
        get
        {
            var h = Handle;
            var shp = new long[LibTorch.nl_tensor_ndim(h)];
            fixed (long* p = shp) LibTorch.nl_tensor_shape(h, p);
            GC.KeepAlive(this);
            return shp;
        }
    }

    public long size(int dim)
    {
        var s = shape;
        return s[dim < 0 ? dim + s.Length : dim];
    }

    public ScalarType dtype { get { var t = (ScalarType)LibTorch.nl_tensor_dtype(Handle); GC.KeepAlive(this); return t; } }

    public long numel() { var n = LibTorch.nl_tensor_numel(Handle); GC.KeepAlive(this); return n; }

    // ---- data in and out ----

    /// <summary>Copies the values out, row-major. <typeparamref name="T"/> must match <see cref="dtype"/>.</summary>
    public T[] data<T>() where T : unmanaged
    {
        CheckElementType<T>();
        var result = new T[numel()];
        CopyTo<T>(result);
        return result;
    }

    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        CheckElementType<T>();
        IntPtr err;
        fixed (T* p = destination)
            LibTorch.nl_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T), &err);
        Done(err);
    }

    /// <summary>Overwrites this (contiguous) tensor's values in place — used to refill one batch tensor per step.</summary>
    public void CopyFrom<T>(ReadOnlySpan<T> source) where T : unmanaged
    {
        CheckElementType<T>();
        IntPtr err;
        fixed (T* p = source)
            LibTorch.nl_tensor_copy_from(Handle, p, (long)source.Length * sizeof(T), &err);
        Done(err);
    }

    /// <summary>The value of a one-element tensor, as double (PyTorch's <c>.item()</c>).</summary>
    public double item()
    {
        IntPtr err;
        var v = LibTorch.nl_tensor_item(Handle, &err);
        Done(err);
        return v;
    }

    public float ToSingle() => (float)item();
    public double ToDouble() => item();
    public long ToInt64() => (long)item();

    private void CheckElementType<T>() where T : unmanaged
    {
        var want = ScalarTypeExtensions.Of<T>();
        if (want != dtype)
            throw new TorchException($"element type {typeof(T).Name} does not match the tensor's dtype {dtype}; convert with to_type(ScalarType.{want}) first");
    }

    /// <summary>Shape, dtype and values (up to 1,000 of them), so a failing test or a debugger shows what is inside.</summary>
    public override string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        var shp = shape;
        var sb = new StringBuilder();
        sb.Append("Tensor(shape=[").Append(string.Join(", ", shp)).Append("], dtype=").Append(dtype).Append(')');
        var n = numel();
        if (n == 0) return sb.ToString();
        using var asDouble = dtype == ScalarType.Float64 ? null : to_type(ScalarType.Float64).DetachFromDisposeScope();
        var values = (asDouble ?? this).data<double>();
        sb.Append(' ');
        if (n > 1000)
        {
            sb.Append('[').Append(string.Join(", ", values.Take(6).Select(Format))).Append(", … ").Append(n - 6).Append(" more]");
            return sb.ToString();
        }
        var index = 0;
        AppendNested(sb, shp, 0, values, ref index);
        return sb.ToString();
    }

    private static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static void AppendNested(StringBuilder sb, long[] shp, int d, double[] values, ref int index)
    {
        if (d == shp.Length) { sb.Append(Format(values[index++])); return; }
        sb.Append('[');
        for (var i = 0; i < shp[d]; i++)
        {
            if (i > 0) sb.Append(", ");
            AppendNested(sb, shp, d + 1, values, ref index);
        }
        sb.Append(']');
    }
}
