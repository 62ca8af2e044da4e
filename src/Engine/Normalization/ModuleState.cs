namespace NormLab.Engine.Normalization;

/// <summary>
/// A NormLab module whose forward pass changes state that lives on the .NET side, outside its parameters and buffers:
/// BN's batch counter (<c>num_batches_tracked</c> mirrored for the cumulative momentum and the renorm schedule) and the
/// window convention's ring, the noise layer's draw counter and current draw. Parameters and buffers are libtorch
/// tensors anyone can copy; this is the part only the module knows. <see cref="Training.ForwardState"/> captures it
/// together with the buffers and the generator, so a probe can run extra training forwards and leave no trace.
/// </summary>
internal interface IStatefulModule
{
    /// <summary>Copies the module's .NET-side state as it is now (tensors cloned, detached from any dispose scope).</summary>
    ModuleState CaptureState();
}

/// <summary>
/// What <see cref="IStatefulModule.CaptureState"/> copied: <see cref="Restore"/> puts it back into the module, as often as
/// asked (the copies stay untouched); <see cref="Dispose"/> frees the copies.
/// </summary>
internal sealed class ModuleState(Action restore, params Tensor[] owned) : IDisposable
{
    /// <summary>A module with nothing to capture (e.g. a BN layer without running statistics).</summary>
    public static ModuleState None => new(() => { });

    public void Restore() => restore();

    public void Dispose()
    {
        foreach (var t in owned) t.Dispose();
    }
}
