using LanguageExt;
using NormLab.Engine.Training;
using NormLab.Host.Results;

namespace NormLab.Host.Running;

/// <summary>
/// Streams one run's metrics and probes into its folder. The CSV writers keep rows in memory and replace the file
/// atomically every few seconds and at the end, so a reader (or a crash) never meets a half-written line.
/// </summary>
public sealed class RunResultsWriter : ITrainingObserver, IDisposable
{
    private readonly MetricsCsvWriter metrics;
    private readonly ProbesCsvWriter probes;
    private readonly Action<TrainingProgress>? progress;
    private readonly ITrainingObserver? alongside;

    /// <param name="alongside">Sees every row too (the run's TensorBoard log).</param>
    /// <param name="resumeFrom">The metrics.csv and probes.csv texts of a checkpoint: the files continue from them.</param>
    public RunResultsWriter(string runDir, Action<TrainingProgress>? progress = null, ITrainingObserver? alongside = null,
        (string Metrics, string Probes)? resumeFrom = null)
    {
        this.alongside = alongside;
        Directory.CreateDirectory(runDir);
        metrics = new MetricsCsvWriter(Path.Combine(runDir, MetricsCsv.FileName), TimeSpan.FromSeconds(5), resumeFrom?.Metrics);
        probes = new ProbesCsvWriter(Path.Combine(runDir, ProbesCsv.FileName), TimeSpan.FromSeconds(5), resumeFrom?.Probes);
        this.progress = progress;
    }

    /// <summary>Both files' whole text as it stands: what a checkpoint keeps of them.</summary>
    public (string Metrics, string Probes) Texts => (metrics.Text, probes.Text);

    public void OnMetric(MetricRow row)
    {
        alongside?.OnMetric(row);
        metrics.Append(row.Step, row.Epoch, row.Split switch
        {
            "train" => MetricsSplit.Train,
            "val" => MetricsSplit.Val,
            _ => MetricsSplit.Test,
        }, row.Loss, row.Accuracy, row.Time);
    }

    public void OnProbe(Engine.Training.ProbeRow row)
    {
        alongside?.OnProbe(row);
        probes.Append(row.Step, row.Probe, row.Layer, row.Stat, row.Value);
    }

    public void OnProgress(TrainingProgress p) => progress?.Invoke(p);

    public void Dispose()
    {
        metrics.Dispose();
        probes.Dispose();
    }
}
