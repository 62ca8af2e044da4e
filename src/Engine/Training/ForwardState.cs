using NormLab.Engine.Normalization;

namespace NormLab.Engine.Training;

/// <summary>
/// Everything a training forward pass changes apart from autograd's graph: every buffer of the network (BN and instance
/// norm running statistics, <c>num_batches_tracked</c>), the .NET-side state of NormLab's own modules
/// (<see cref="IStatefulModule"/>: BN's batch counter and window ring, the noise layer's counter and draw) and libtorch's
/// CPU generator (dropout and noise draw from it). <see cref="Capture"/> copies it; <see cref="Restore"/> puts it back, bit
/// for bit, as often as asked; <see cref="Dispose"/> frees the copies. Parameters and their gradients are not part of it:
/// whoever moves them (the landscape probe) keeps its own copies.
/// <para>On a CUDA device the CUDA generator is not captured (TorchSharp 0.107 can seed it but not read its state), so
/// there dropout and noise draws after a restore differ from an undisturbed run — as they would after a checkpoint.</para>
/// </summary>
public sealed class ForwardState : IDisposable
{
    private readonly (Tensor Live, Tensor Copy)[] buffers;
    private readonly ModuleState[] modules;
    private readonly Tensor rng;

    private ForwardState((Tensor, Tensor)[] buffers, ModuleState[] modules, Tensor rng) =>
        (this.buffers, this.modules, this.rng) = (buffers, modules, rng);

    public static ForwardState Capture(Module net)
    {
        (Tensor, Tensor)[] buffers;
        using (torch.no_grad())
            // The registered buffer objects themselves (restored in place, so every module keeps its references) and
            // clones that belong to this snapshot alone.
            buffers = net.buffers().Select(b => (b, b.clone().DetachFromDisposeScope())).ToArray();
        var modules = net.modules().OfType<IStatefulModule>().Select(m => m.CaptureState()).ToArray();
        return new ForwardState(buffers, modules, torch.get_rng_state().DetachFromDisposeScope());
    }

    public void Restore()
    {
        using (torch.no_grad())
            foreach (var (live, copy) in buffers) live.copy_(copy);
        foreach (var m in modules) m.Restore();
        torch.set_rng_state(rng);
    }

    public void Dispose()
    {
        foreach (var (_, copy) in buffers) copy.Dispose();
        foreach (var m in modules) m.Dispose();
        rng.Dispose();
    }
}
