using System.Diagnostics;

namespace NormLab.Engine.Training;

/// <summary>
/// Where a training step's time goes, summed over the steps of a run (Stopwatch ticks): <b>data</b> (gather the batch and
/// copy it into the batch tensors), <b>forward</b> (logits and loss), <b>backward</b> (zero_grad and backward),
/// <b>optimizer</b> (the optimizer step); <see cref="Total"/> is the whole step, so total minus the four is the rest
/// (reading loss and accuracy, the dispose scope). Filled by <see cref="Trainer.Train"/> only when
/// <see cref="TrainingConfig.Phases"/> is set; a run without it reads no clock inside the step.
/// Libtorch runs CPU ops synchronously, so a stopwatch around a call measures its kernels.
/// </summary>
public sealed class StepPhases
{
    public long Steps;
    public long Data;
    public long Forward;
    public long Backward;
    public long Optimizer;
    public long Total;

    /// <summary>Milliseconds per step of a tick sum.</summary>
    public double MsPerStep(long ticks) => Steps == 0 ? double.NaN : ticks * 1000.0 / Stopwatch.Frequency / Steps;

    /// <summary>The five figures as milliseconds per step: data, forward, backward, optimizer, total.</summary>
    public (double Data, double Forward, double Backward, double Optimizer, double Total) PerStepMs() =>
        (MsPerStep(Data), MsPerStep(Forward), MsPerStep(Backward), MsPerStep(Optimizer), MsPerStep(Total));
}
