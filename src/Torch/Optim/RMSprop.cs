using NormLab.Torch.Native;

namespace NormLab.Torch;

/// <summary>
/// torch.optim.RMSprop (PyTorch defaults lr=0.01, alpha=0.99, eps=1e-8): s ← α·s + (1−α)·g²;
/// centered: a ← α·a + (1−α)·g, s̃ = s − a²; p ← p − lr·g / (√s̃ + eps) (or via a momentum buffer).
/// Keras' RMSprop is the same update with rho=0.9, epsilon=1e-7, lr=0.001: state them when reproducing Keras.
/// </summary>
public sealed unsafe class RMSprop : Optimizer
{
    private readonly Tensor[] squareAvg;
    private readonly Tensor[] gradAvg;
    private readonly Tensor[] buffers;
    private readonly IntPtr[] squareAvgHandles;
    private readonly IntPtr[] gradAvgHandles;
    private readonly IntPtr[] bufferHandles;

    public RMSprop(IEnumerable<Tensor> parameters, double lr = 0.01, double alpha = 0.99, double eps = 1e-8, double weight_decay = 0,
        double momentum = 0, bool centered = false, bool maximize = false) : base(parameters)
    {
        if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "RMSprop lr must be >= 0");
        (this.lr, this.alpha, this.eps, this.weight_decay, this.momentum, this.centered, this.maximize) =
            (lr, alpha, eps, weight_decay, momentum, centered, maximize);
        var n = Parameters.Count;
        squareAvg = Enumerable.Range(0, n).Select(NewState).ToArray();
        gradAvg = centered ? Enumerable.Range(0, n).Select(NewState).ToArray() : [];
        buffers = momentum > 0 ? Enumerable.Range(0, n).Select(NewState).ToArray() : [];
        squareAvgHandles = Handles(squareAvg);
        gradAvgHandles = centered ? Handles(gradAvg) : new IntPtr[n];
        bufferHandles = momentum > 0 ? Handles(buffers) : new IntPtr[n];
    }

    public double lr { get; set; }
    public double alpha { get; }
    public double eps { get; }
    public double weight_decay { get; }
    public double momentum { get; }
    public bool centered { get; }
    public bool maximize { get; }

    public override void step()
    {
        RefreshHandles();
        IntPtr err;
        fixed (IntPtr* ps = ParameterHandles)
        fixed (IntPtr* sq = squareAvgHandles)
        fixed (IntPtr* ga = gradAvgHandles)
        fixed (IntPtr* bs = bufferHandles)
            LibTorch.nl_rmsprop_step(ps, ParameterHandles.Length, sq, ga, bs, lr, alpha, eps, weight_decay, momentum, centered ? 1 : 0, maximize ? 1 : 0, &err);
        GC.KeepAlive(Parameters);
        GC.KeepAlive(squareAvg);
        GC.KeepAlive(gradAvg);
        GC.KeepAlive(buffers);
        NativeError.ThrowIfSet(err);
    }
}
