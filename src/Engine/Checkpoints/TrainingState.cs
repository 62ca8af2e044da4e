using NormLab.Engine.Compilation;
using TorchSharp.Modules;

namespace NormLab.Engine.Checkpoints;

/// <summary>
/// The tensor state of a run that a checkpoint must hold beyond the training position: the network's state_dict
/// (parameters and BN buffers under PyTorch's names), each window BN's ring (<c>&lt;layer&gt;.window_means</c>, …, not in
/// the state_dict), the optimizer's state (TorchSharp's own format: <see cref="OptimizerHelper.save_state_dict(BinaryWriter)"/>)
/// and the CPU generator's state (dropout draws from it). Captured and restored here, in the engine, so the host only
/// moves bytes.
/// </summary>
public static class TrainingState
{
    public const string WindowSeparator = ".";

    /// <summary>The network's state_dict followed by every window ring, as named tensors (CPU copies, caller disposes).</summary>
    public static List<KeyValuePair<string, Tensor>> NetworkTensors(CompiledNetwork net)
    {
        var result = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, t) in net.state_dict())
        {
            // detach() and cpu() give wrappers of their own: free them now, not when a finalizer gets to them.
            using var detached = t.detach();
            using var cpu = detached.cpu();
            result.Add(new(name, cpu.clone()));
        }
        for (var i = 0; i < net.Layers.Count; i++)
        {
            if (net.Layers[i] is not Normalization.BatchNormLayer bn) continue;
            foreach (var (key, value) in bn.WindowState())
                result.Add(new(net.LayerName(i) + WindowSeparator + key, value.DetachFromDisposeScope()));
        }
        return result;
    }

    /// <summary>
    /// Copies named tensors into the network (state_dict keys and window rings); every key the network needs must be
    /// there with its shape and dtype, and nothing else. Throws <see cref="ArgumentException"/> naming what does not fit.
    /// </summary>
    public static void RestoreNetwork(CompiledNetwork net, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var target = net.state_dict();
        var expected = new System.Collections.Generic.HashSet<string>(target.Keys);
        for (var i = 0; i < net.Layers.Count; i++)
            if (net.Layers[i] is Normalization.BatchNormLayer bn)
                foreach (var (key, _) in bn.WindowState()) expected.Add(net.LayerName(i) + WindowSeparator + key);
        var missing = expected.Where(k => !tensors.ContainsKey(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !expected.Contains(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ArgumentException($"does not fit network {net.Network.Name}: " +
                string.Join("; ", new[] { missing.Count > 0 ? "missing " + string.Join(", ", missing) : null, unexpected.Count > 0 ? "unexpected " + string.Join(", ", unexpected) : null }.Where(x => x is not null)));
        foreach (var (name, t) in target)
        {
            var v = tensors[name];
            if (!v.shape.SequenceEqual(t.shape) || v.dtype != t.dtype)
                throw new ArgumentException($"{name} is {v.dtype} [{string.Join(", ", v.shape)}], the network needs {t.dtype} [{string.Join(", ", t.shape)}]");
        }
        using (torch.no_grad())
            foreach (var (name, t) in target) t.copy_(tensors[name]);
        for (var i = 0; i < net.Layers.Count; i++)
            if (net.Layers[i] is Normalization.BatchNormLayer bn)
            {
                var prefix = net.LayerName(i) + WindowSeparator;
                bn.RestoreWindowState(key => tensors[prefix + key]);
            }
        foreach (var bn in net.BatchNormLayers) bn.SyncAfterLoad();
    }

    /// <summary>The optimizer's state in TorchSharp's format (optimizer type name, options per group, state per parameter).</summary>
    public static byte[] OptimizerBytes(Optimizer optimizer)
    {
        var helper = optimizer as OptimizerHelper ?? throw new NotSupportedException($"optimizer {optimizer.GetType().Name} cannot save its state");
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) helper.save_state_dict(writer);
        return buffer.ToArray();
    }

    /// <summary>Loads what <see cref="OptimizerBytes"/> wrote; throws when the bytes are of another optimizer or shape.</summary>
    public static void RestoreOptimizer(Optimizer optimizer, byte[] bytes)
    {
        var helper = optimizer as OptimizerHelper ?? throw new NotSupportedException($"optimizer {optimizer.GetType().Name} cannot load a state");
        using var reader = new BinaryReader(new MemoryStream(bytes));
        helper.load_state_dict(reader);
        if (reader.BaseStream.Position != bytes.Length)
            throw new InvalidDataException($"optimizer state has {bytes.Length - reader.BaseStream.Position} bytes left over");
    }

    /// <summary>The CPU generator's state (torch.get_rng_state()).</summary>
    public static byte[] RngState()
    {
        using var state = torch.get_rng_state();
        return state.bytes.ToArray();
    }

    public static void RestoreRng(byte[] state)
    {
        using var t = torch.empty(state.Length, dtype: ScalarType.Byte);
        t.bytes = state;
        torch.set_rng_state(t);
    }
}
