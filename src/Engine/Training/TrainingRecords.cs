namespace NormLab.Engine.Training;

/// <summary>One row of metrics.csv: <paramref name="Split"/> is train, val or test; train rows average the steps since the last row.</summary>
public sealed record MetricRow(long Step, double Epoch, string Split, double Loss, double Accuracy, double Time);

/// <summary>One row of probes.csv.</summary>
public sealed record ProbeRow(long Step, string Probe, string Layer, string Stat, double Value);

/// <summary>A progress tick for live displays (not persisted).</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, double Epoch, double Loss, double Accuracy, double ImagesPerSecond, double ElapsedSeconds);

/// <summary>Receives a run's results as they are produced; the host writes them to disk and to the screen.</summary>
public interface ITrainingObserver
{
    void OnMetric(MetricRow row);
    void OnProbe(ProbeRow row);
    void OnProgress(TrainingProgress progress);
}

public enum RunStatus
{
    Complete,
    Diverged,
    Cancelled,
}

/// <summary>How a run ended and its headline numbers.</summary>
public sealed record TrainingOutcome(
    RunStatus Status,
    long Steps,
    double Epochs,
    long? DivergedAtStep,
    double? TestAccuracy,
    double? TestLoss,
    double? BestValAccuracy,
    double? FinalTrainAccuracy,
    double WallSeconds,
    double TrainSeconds,
    double ImagesPerSecond,
    PreciseBnOutcome? PreciseBn = null);
