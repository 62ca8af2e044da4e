using NormLab.Torch.Native;

namespace NormLab.Torch;

/// <summary>
/// torch.optim.SGD: d = g + wd·p; with momentum, buf ← m·buf + (1−dampening)·d (buf = d on the first step);
/// nesterov: d ← d + m·buf, else d ← buf; p ← p − lr·d. Keras' SGD default lr is 0.01: state it when reproducing Keras.
/// </summary>
public sealed unsafe class SGD : Optimizer
{
    private readonly Tensor[] buffers;
    private readonly IntPtr[] bufferHandles;
    private readonly byte[] hasBuffer;

    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0,
        bool nesterov = false, bool maximize = false) : base(parameters)
    {
        if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "SGD lr must be >= 0");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("SGD: nesterov momentum requires a momentum and zero dampening (as in PyTorch)");
        (this.lr, this.momentum, this.dampening, this.weight_decay, this.nesterov, this.maximize) =
            (lr, momentum, dampening, weight_decay, nesterov, maximize);
        buffers = momentum != 0 ? Enumerable.Range(0, Parameters.Count).Select(NewState).ToArray() : [];
        bufferHandles = momentum != 0 ? Handles(buffers) : new IntPtr[Parameters.Count];
        hasBuffer = new byte[Parameters.Count];
    }

    public double lr { get; set; }
    public double momentum { get; }
    public double dampening { get; }
    public double weight_decay { get; }
    public bool nesterov { get; }
    public bool maximize { get; }

    public override void step()
    {
        RefreshHandles();
        IntPtr err;
        fixed (IntPtr* ps = ParameterHandles)
        fixed (IntPtr* bs = bufferHandles)
        fixed (byte* has = hasBuffer)
            LibTorch.nl_sgd_step(ps, ParameterHandles.Length, bs, has, lr, momentum, dampening, weight_decay, nesterov ? 1 : 0, maximize ? 1 : 0, &err);
        GC.KeepAlive(Parameters);
        GC.KeepAlive(buffers);
        NativeError.ThrowIfSet(err);
    }
}
