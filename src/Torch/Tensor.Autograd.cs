using NormLab.Torch.Native;

namespace NormLab.Torch;

// Autograd: leaves that require grad, backward, gradients.
public sealed unsafe partial class Tensor
{
    public bool requires_grad
    {
        get { var v = LibTorch.nl_requires_grad(Handle) != 0; GC.KeepAlive(this); return v; }
        set
        {
            IntPtr err;
            LibTorch.nl_set_requires_grad(Handle, value ? 1 : 0, &err);
            Done(err);
        }
    }

    public Tensor requires_grad_(bool value = true)
    {
        requires_grad = value;
        return this;
    }

    public bool is_leaf { get { var v = LibTorch.nl_is_leaf(Handle) != 0; GC.KeepAlive(this); return v; } }

    /// <summary>Accumulates gradients into the leaves (PyTorch's <c>backward()</c>); a scalar needs no <paramref name="gradient"/>.</summary>
    public void backward(Tensor? gradient = null, bool retainGraph = false)
    {
        IntPtr err;
        LibTorch.nl_backward(Handle, gradient is null ? IntPtr.Zero : gradient.Handle, retainGraph ? 1 : 0, &err);
        Done(err, gradient);
    }

    /// <summary>The accumulated gradient, or null when there is none (PyTorch's <c>.grad is None</c>). Reading gives a
    /// new handle each time, owned by the caller (or the current dispose scope); assigning null clears it.</summary>
    public Tensor? grad
    {
        get
        {
            IntPtr err;
            var r = LibTorch.nl_grad(Handle, &err);
            GC.KeepAlive(this);
            NativeError.ThrowIfSet(err);
            return r == IntPtr.Zero ? null : new Tensor(r);
        }
        set
        {
            IntPtr err;
            LibTorch.nl_set_grad(Handle, value is null ? IntPtr.Zero : value.Handle, &err);
            Done(err, value);
        }
    }

    public Tensor detach()
    {
        IntPtr err;
        var r = LibTorch.nl_detach(Handle, &err);
        return Fresh(r, err);
    }
}
