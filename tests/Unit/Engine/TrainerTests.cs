using NormLab.Tests.Unit.Torch;
using NormLab.Core.Data;
using NormLab.Core.Networks;
using NormLab.Engine.Compilation;
using NormLab.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;
using Flatten = NormLab.Core.Networks.Flatten;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Engine;

public class TrainerTests
{
    /// <summary>
    /// A generated 10-class problem on 1×4×4 images: class k lights pixel k (plus noise), so it is learnable fast. Pixels are bytes
    /// like a real dataset's: noise 0..76 (x/255 ≈ 0..0.3), the lit pixel 178 higher (≈ 0.7..1).
    /// </summary>
    internal static DatasetArrays Blobs(int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 16];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var k = rng.Next(10);
            labels[i] = (byte)k;
            for (var p = 0; p < 16; p++) pixels[i * 16 + p] = (byte)rng.Next(77);
            pixels[i * 16 + k] += 178;
        }
        return new DatasetArrays(pixels, labels, count, [1, 4, 4], PixelTable.Scale01);
    }

    internal static DatasetSplits Splits() => new(Blobs(256, 1), Blobs(64, 2), Blobs(100, 3));

    internal static Network Mlp(bool bn) => new("tiny", Seq(1, 4, 4), bn
        ? Seq<Layer>(new Flatten(), new Dense(16), new BatchNorm(), new Activation(ActivationKind.Relu, Name: "act"), new Dense(10), new Activation(ActivationKind.Softmax))
        : Seq<Layer>(new Flatten(), new Dense(16), new Activation(ActivationKind.Relu, Name: "act"), new Dense(10), new Activation(ActivationKind.Softmax)));

    private sealed class Recorder : ITrainingObserver
    {
        public readonly List<MetricRow> Metrics = [];
        public readonly List<ProbeRow> Probes = [];
        public int ProgressTicks;
        public Action<TrainingProgress>? OnTick;
        public void OnMetric(MetricRow row) => Metrics.Add(row);
        public void OnProbe(ProbeRow row) => Probes.Add(row);
        public void OnProgress(TrainingProgress progress) { ProgressTicks++; OnTick?.Invoke(progress); }
    }

    private static (TrainingOutcome, Recorder) Run(bool bn, long steps, double lr = 0.1, ulong seed = 1,
        IReadOnlyList<ProbeRequest>? probes = null, CancellationToken cancel = default, Action<TrainingProgress>? tick = null)
    {
        using var net = Interpreter.CompileValid(Mlp(bn), seed);
        using var opt = torch.optim.SGD(net.parameters(), lr);
        var rec = new Recorder { OnTick = tick };
        var config = new TrainingConfig(32, steps, 8, seed, 1, probes ?? []);
        return (Trainer.Train(net, opt, Splits(), config, rec, cancel), rec);
    }

    [Fact]
    public void Loss_falls_and_test_accuracy_rises_on_a_learnable_problem()
    {
        var (outcome, rec) = Run(bn: true, steps: 64);
        Assert.Equal(RunStatus.Complete, outcome.Status);
        Assert.Equal(64, outcome.Steps);
        var train = rec.Metrics.Where(m => m.Split == "train").ToList();
        Assert.True(train[^1].Loss < train[0].Loss * 0.5, $"loss {train[0].Loss} -> {train[^1].Loss}");
        Assert.True(outcome.TestAccuracy > 0.9, $"test accuracy {outcome.TestAccuracy}");
        Assert.Equal(8, rec.Metrics.Count(m => m.Split == "test"));
        Assert.Equal(8, rec.Metrics.Count(m => m.Split == "val"));
        Assert.Equal(64 * 32 / 256.0, outcome.Epochs, 9);
    }

    [Fact]
    public void The_same_seed_reproduces_every_metric_exactly_and_another_seed_does_not()
    {
        var (_, a) = Run(bn: true, steps: 24, seed: 7);
        var (_, b) = Run(bn: true, steps: 24, seed: 7);
        var (_, c) = Run(bn: true, steps: 24, seed: 8);
        static IEnumerable<(string, double, double)> Key(Recorder r) => r.Metrics.Select(m => (m.Split, m.Loss, m.Accuracy));
        Assert.Equal(Key(a), Key(b));
        Assert.NotEqual(Key(a), Key(c));
    }

    [Fact]
    public void A_non_finite_loss_stops_the_run_as_diverged_with_its_step()
    {
        var (outcome, _) = Run(bn: false, steps: 64, lr: 1e30);
        Assert.Equal(RunStatus.Diverged, outcome.Status);
        Assert.NotNull(outcome.DivergedAtStep);
        Assert.True(outcome.Steps < 64);
    }

    [Fact]
    public void Cancellation_stops_at_a_step_boundary_and_keeps_what_was_done()
    {
        using var cts = new CancellationTokenSource();
        var (outcome, rec) = Run(bn: true, steps: 100_000, cancel: cts.Token, tick: p => { if (p.Step >= 20) cts.Cancel(); });
        Assert.Equal(RunStatus.Cancelled, outcome.Status);
        Assert.InRange(outcome.Steps, 20, 5_000);
        Assert.Contains(rec.Metrics, m => m.Split == "train");
    }

    [Fact]
    public void Probes_report_percentiles_batch_stats_and_grad_norms_on_their_steps()
    {
        var probes = new List<ProbeRequest>
        {
            new(ProbeKind.Percentiles, 2, "batch_norm_1", 4, [15, 50, 85]),
            new(ProbeKind.BatchStats, 2, "batch_norm_1", 8, []),
            new(ProbeKind.GradNorm, -1, "all", 8, []),
        };
        var (_, rec) = Run(bn: true, steps: 16, probes: probes);
        var pct = rec.Probes.Where(p => p.Probe == "percentiles").ToList();
        Assert.Equal(new long[] { 4, 4, 4, 8, 8, 8, 12, 12, 12, 16, 16, 16 }, pct.Select(p => p.Step));
        Assert.Equal(["p15", "p50", "p85"], pct.Take(3).Select(p => p.Stat));
        Assert.True(pct[0].Value < pct[1].Value && pct[1].Value < pct[2].Value);
        // BN output in training: per-channel batch mean ≈ 0 and variance ≈ 1 (γ, β have moved only a little).
        var stats = rec.Probes.Where(p => p.Probe == "batch_stats" && p.Step == 8).ToDictionary(p => p.Stat, p => p.Value);
        Assert.InRange(stats["mean_abs_mean"], 0, 0.2);
        Assert.InRange(stats["mean_of_vars"], 0.6, 1.4);
        var norms = rec.Probes.Where(p => p.Probe == "grad_norm").ToList();
        Assert.Equal(2, norms.Count);
        Assert.All(norms, n => Assert.True(n.Value > 0 && double.IsFinite(n.Value)));
    }

    [Fact]
    public void Training_leaves_no_native_tensors_behind()
    {
        // Earlier tests may leave tensors to the finalizer: settle them first, so the baseline counts only live ones.
        static void Settle() { GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); }
        Settle();
        var before = LiveTensors.Count;
        Run(bn: true, steps: 40, probes: [new(ProbeKind.Percentiles, 2, "bn", 5, [50])]);
        // No Settle here: everything the run created must have been disposed deterministically, not by finalizers.
        Assert.Equal(before, LiveTensors.Count);
    }
}
