namespace NormLab.Torch;

/// <summary>
/// Base of the optimizers: owns per-parameter state tensors (created once, detached from dispose scopes) and the
/// parameter handles passed to the fused native step (one native call per step, not several per parameter).
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<Tensor> state = [];
    private bool disposed;

    protected Optimizer(IEnumerable<Tensor> parameters)
    {
        Parameters = parameters.ToArray();
        if (Parameters.Count == 0) throw new ArgumentException("optimizer got an empty parameter list", nameof(parameters));
        ParameterHandles = new IntPtr[Parameters.Count];
    }

    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Refreshed before each native call (parameters are persistent, so this never allocates).</summary>
    protected IntPtr[] ParameterHandles { get; }

    protected void RefreshHandles()
    {
        for (var i = 0; i < Parameters.Count; i++) ParameterHandles[i] = Parameters[i].Handle;
    }

    /// <summary>A zero tensor shaped like parameter <paramref name="i"/>, owned by this optimizer.</summary>
    protected Tensor NewState(int i)
    {
        var p = Parameters[i];
        var t = torch.zeros(p.shape, p.dtype).DetachFromDisposeScope();
        state.Add(t);
        return t;
    }

    protected static IntPtr[] Handles(Tensor[] ts) => ts.Select(t => t.Handle).ToArray();

    /// <summary>Applies one update from the parameters' current gradients.</summary>
    public abstract void step();

    /// <summary>Clears gradients. <paramref name="setToNone"/> = true drops them (PyTorch 2.x default, cheaper);
    /// false zeroes them in place (PyTorch 1.13 default).</summary>
    public unsafe void zero_grad(bool setToNone = true)
    {
        RefreshHandles();
        IntPtr err;
        fixed (IntPtr* ps = ParameterHandles) Native.LibTorch.nl_zero_grads(ps, ParameterHandles.Length, setToNone ? 1 : 0, &err);
        GC.KeepAlive(Parameters);
        Native.NativeError.ThrowIfSet(err);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var t in state) t.Dispose();
        GC.SuppressFinalize(this);
    }
}
