using NormLab.Torch.Native;

namespace NormLab.Torch;

// Shape and indexing operations.
public sealed unsafe partial class Tensor
{
    private Tensor WithShape(delegate*<IntPtr, long*, int, IntPtr*, IntPtr> f, long[] shape)
    {
        IntPtr err;
        IntPtr r;
        fixed (long* s = shape) r = f(Handle, s, shape.Length, &err);
        return Fresh(r, err);
    }

    public Tensor reshape(params long[] shape) => WithShape(&LibTorch.nl_reshape, shape);
    public Tensor view(params long[] shape) => WithShape(&LibTorch.nl_view, shape);
    public Tensor permute(params long[] dims) => WithShape(&LibTorch.nl_permute, dims);
    public Tensor expand(params long[] shape) => WithShape(&LibTorch.nl_expand, shape);

    public Tensor flatten(long startDim = 0, long endDim = -1)
    {
        IntPtr err;
        var r = LibTorch.nl_flatten(Handle, startDim, endDim, &err);
        return Fresh(r, err);
    }

    public Tensor transpose(long dim0, long dim1)
    {
        IntPtr err;
        var r = LibTorch.nl_transpose(Handle, dim0, dim1, &err);
        return Fresh(r, err);
    }

    public Tensor t() => transpose(0, 1);

    public Tensor contiguous()
    {
        IntPtr err;
        var r = LibTorch.nl_contiguous(Handle, &err);
        return Fresh(r, err);
    }

    public Tensor unsqueeze(long dim)
    {
        IntPtr err;
        var r = LibTorch.nl_unsqueeze(Handle, dim, &err);
        return Fresh(r, err);
    }

    public Tensor squeeze(long dim)
    {
        IntPtr err;
        var r = LibTorch.nl_squeeze(Handle, dim, &err);
        return Fresh(r, err);
    }

    public Tensor narrow(long dim, long start, long length)
    {
        IntPtr err;
        var r = LibTorch.nl_narrow(Handle, dim, start, length, &err);
        return Fresh(r, err);
    }

    public Tensor index_select(long dim, Tensor index)
    {
        IntPtr err;
        var r = LibTorch.nl_index_select(Handle, dim, index.Handle, &err);
        return Fresh(r, err, index);
    }

    public Tensor to_type(ScalarType type)
    {
        IntPtr err;
        var r = LibTorch.nl_tensor_to_dtype(Handle, (int)type, &err);
        return Fresh(r, err);
    }

    public Tensor clone()
    {
        IntPtr err;
        var r = LibTorch.nl_tensor_clone(Handle, &err);
        return Fresh(r, err);
    }

    /// <summary>A second handle to the same storage (no copy); disposing one leaves the other valid.</summary>
    public Tensor alias()
    {
        IntPtr err;
        var r = LibTorch.nl_tensor_alias(Handle, &err);
        return Fresh(r, err);
    }
}
