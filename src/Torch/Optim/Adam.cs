using NormLab.Torch.Native;

namespace NormLab.Torch;

/// <summary>
/// torch.optim.Adam (PyTorch defaults lr=1e-3, betas=(0.9, 0.999), eps=1e-8): m ← β1·m + (1−β1)·g,
/// v ← β2·v + (1−β2)·g², p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps). Keras' Adam uses eps=1e-7.
/// </summary>
public sealed unsafe class Adam : Optimizer
{
    private readonly Tensor[] expAvg;
    private readonly Tensor[] expAvgSq;
    private readonly Tensor[] maxExpAvgSq;
    private readonly IntPtr[] expAvgHandles;
    private readonly IntPtr[] expAvgSqHandles;
    private readonly IntPtr[] maxExpAvgSqHandles;
    private readonly long[] steps;

    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false) : base(parameters)
    {
        if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "Adam lr must be >= 0");
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1) throw new ArgumentException($"Adam betas must be in [0, 1) (got {beta1}, {beta2})");
        (this.lr, this.beta1, this.beta2, this.eps, this.weight_decay, this.amsgrad, this.maximize) =
            (lr, beta1, beta2, eps, weight_decay, amsgrad, maximize);
        var n = Parameters.Count;
        expAvg = Enumerable.Range(0, n).Select(NewState).ToArray();
        expAvgSq = Enumerable.Range(0, n).Select(NewState).ToArray();
        maxExpAvgSq = amsgrad ? Enumerable.Range(0, n).Select(NewState).ToArray() : [];
        expAvgHandles = Handles(expAvg);
        expAvgSqHandles = Handles(expAvgSq);
        maxExpAvgSqHandles = amsgrad ? Handles(maxExpAvgSq) : new IntPtr[n];
        steps = new long[n];
    }

    public double lr { get; set; }
    public double beta1 { get; }
    public double beta2 { get; }
    public double eps { get; }
    public double weight_decay { get; }
    public bool amsgrad { get; }
    public bool maximize { get; }

    public override void step()
    {
        RefreshHandles();
        IntPtr err;
        fixed (IntPtr* ps = ParameterHandles)
        fixed (IntPtr* m = expAvgHandles)
        fixed (IntPtr* v = expAvgSqHandles)
        fixed (IntPtr* vmax = maxExpAvgSqHandles)
        fixed (long* st = steps)
            LibTorch.nl_adam_step(ps, ParameterHandles.Length, m, v, vmax, st, lr, beta1, beta2, eps, weight_decay, amsgrad ? 1 : 0, maximize ? 1 : 0, &err);
        GC.KeepAlive(Parameters);
        GC.KeepAlive(expAvg);
        GC.KeepAlive(expAvgSq);
        GC.KeepAlive(maxExpAvgSq);
        NativeError.ThrowIfSet(err);
    }
}
