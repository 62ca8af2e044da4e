namespace NormLab.Engine.Training;

/// <summary>
/// Where the training loop stands at a step boundary: everything besides tensors that the rest of the run depends on, so a
/// run restored to it continues exactly as if it had never stopped. <paramref name="Epoch"/> and <paramref name="Batch"/>
/// name the next batch to train (the epoch's order is recomputed from the seed: <c>Shuffle.EpochOrder(seed, epoch)</c>);
/// the window sums are those of the train row that has not been written yet; <paramref name="ElapsedSeconds"/> is the
/// run's clock (metrics.csv's <c>time</c> goes on from it) and <paramref name="TrainSeconds"/> its training time so far.
/// </summary>
public sealed record TrainerPosition(
    long Step,
    int Epoch,
    int Batch,
    long Seen,
    double WindowLoss,
    long WindowCorrect,
    long WindowSamples,
    double? LastTrainAccuracy,
    double? BestValAccuracy,
    double? TestAccuracy,
    double? TestLoss,
    double ElapsedSeconds,
    double TrainSeconds);

/// <summary>
/// Writes checkpoints for the trainer. The trainer decides <i>when</i> (every <see cref="Every"/> steps — 0: at the end
/// of every epoch —, whenever <see cref="MaxInterval"/> of training has passed since the last one, and when cancelled);
/// the implementation captures the network, optimizer and RNG state itself and writes them with the position.
/// </summary>
public interface ICheckpointer
{
    long Every { get; }

    TimeSpan MaxInterval { get; }

    void Save(TrainerPosition position);
}

/// <summary>A run continued from a checkpoint: its position and the CPU generator's state (torch.get_rng_state()) then.</summary>
public sealed record TrainerResume(TrainerPosition Position, byte[] RngState);
