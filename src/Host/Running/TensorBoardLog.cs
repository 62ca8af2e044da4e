using NormLab.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Host.Running;

/// <summary>
/// A run's TensorBoard event file in <c>tb/</c> of its folder, through TorchSharp's own
/// <c>torch.utils.tensorboard.SummaryWriter</c> (TFRecord framing, masked CRC32C; each event appended and flushed as it
/// comes, so a killed run keeps what it logged). Scalars <c>loss/&lt;split&gt;</c> and <c>accuracy/&lt;split&gt;</c>
/// (train, val, test), <c>probe/&lt;probe&gt;/&lt;layer&gt;/&lt;stat&gt;</c> for every probe value, and at every
/// evaluation one histogram per BN running statistic (<c>bn/&lt;layer&gt;.running_mean</c>, <c>…running_var</c>).
/// <c>tensorboard --logdir results</c> then shows every run of every study, named by its folder.
/// </summary>
public sealed class TensorBoardLog(string runDir, nn.Module network) : ITrainingObserver
{
    public const string Folder = "tb";

    private readonly TorchSharp.Modules.SummaryWriter _writer = torch.utils.tensorboard.SummaryWriter(Path.Combine(runDir, Folder));
    private long _histogramsAt = -1;

    public void OnMetric(MetricRow row)
    {
        var step = Step(row.Step);
        _writer.add_scalar($"loss/{row.Split}", (float)row.Loss, step, WallTime());
        _writer.add_scalar($"accuracy/{row.Split}", (float)row.Accuracy, step, WallTime());
        // An evaluation (val or test row): the BN layers' running statistics as they stand, once per step.
        if (row.Split != "train" && _histogramsAt != row.Step)
        {
            _histogramsAt = row.Step;
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            foreach (var (name, buffer) in network.named_buffers())
                if (name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal))
                    _writer.add_histogram($"bn/{name}", buffer.detach().cpu().to(ScalarType.Float64), step, walltime: WallTime());
        }
    }

    public void OnProbe(ProbeRow row) =>
        _writer.add_scalar($"probe/{row.Probe}/{row.Layer}/{row.Stat}", (float)row.Value, Step(row.Step), WallTime());

    public void OnProgress(TrainingProgress progress) { }

    /// <summary>TensorBoard's wall time is seconds since 1970 (TorchSharp takes whole seconds; its default is not that).</summary>
    private static long WallTime() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static int Step(long step) => (int)Math.Min(step, int.MaxValue);
}
