namespace NormLab.Torch;

/// <summary>
/// A layer with parameters, buffers and children (micrograd's "call and parameters" interface, PyTorch's names).
/// Parameters and buffers are persistent state: they are detached from dispose scopes when registered and freed when
/// the module is disposed. <see cref="train"/>/<see cref="eval"/> reach every descendant — TorchSharp once had a bug
/// where eval did not propagate, so BN at batch size 1 failed in eval.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Tensor)> parameterList = [];
    private readonly List<(string Name, Tensor Tensor)> bufferList = [];
    private readonly List<(string Name, Module Module)> children = [];
    private bool disposed;

    protected Module(string name) => Name = name;

    /// <summary>The layer's name (the network record's name, or a generated one such as <c>dense_2</c>).</summary>
    public string Name { get; }

    /// <summary>True in training mode (the default, as in PyTorch).</summary>
    public bool training { get; private set; } = true;

    public abstract Tensor forward(Tensor input);

    public Tensor call(Tensor input) => forward(input);

    protected Tensor RegisterParameter(string name, Tensor value)
    {
        value.DetachFromDisposeScope();
        value.requires_grad = true;
        parameterList.Add((name, value));
        return value;
    }

    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        value.DetachFromDisposeScope();
        bufferList.Add((name, value));
        return value;
    }

    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        children.Add((name, module));
        return module;
    }

    public IEnumerable<(string Name, Module Module)> named_children() => children;

    public IEnumerable<(string Name, Tensor Parameter)> named_parameters(string prefix = "")
    {
        foreach (var (n, p) in parameterList) yield return (prefix + n, p);
        foreach (var (n, c) in children)
            foreach (var item in c.named_parameters(prefix + n + "."))
                yield return item;
    }

    public IEnumerable<(string Name, Tensor Buffer)> named_buffers(string prefix = "")
    {
        foreach (var (n, b) in bufferList) yield return (prefix + n, b);
        foreach (var (n, c) in children)
            foreach (var item in c.named_buffers(prefix + n + "."))
                yield return item;
    }

    public IEnumerable<Tensor> parameters() => named_parameters().Select(p => p.Parameter);

    public IEnumerable<Tensor> buffers() => named_buffers().Select(b => b.Buffer);

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public Module train(bool mode = true)
    {
        training = mode;
        foreach (var (_, c) in children) c.train(mode);
        return this;
    }

    public Module eval() => train(false);

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var (_, p) in parameterList) p.Dispose();
        foreach (var (_, b) in bufferList) b.Dispose();
        foreach (var (_, c) in children) c.Dispose();
        DisposeState();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees state a subclass keeps outside parameters and buffers.</summary>
    protected virtual void DisposeState() { }
}
