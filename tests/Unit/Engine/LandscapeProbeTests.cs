using NormLab.Core.Data;
using NormLab.Core.Networks;
using NormLab.Engine.Compilation;
using NormLab.Engine.Normalization;
using NormLab.Engine.Training;
using NormLab.Tests.Unit.Torch;
using TorchSharp;
using static TorchSharp.torch;
using static LanguageExt.Prelude;
using Tensor = TorchSharp.torch.Tensor;
using Flatten = NormLab.Core.Networks.Flatten;
using Dropout = NormLab.Core.Networks.Dropout;

namespace NormLab.Tests.Unit.Engine;

/// <summary>
/// The landscape probe (Santurkar et al. 2018, Fig. 4; <see cref="LandscapeProbe"/>): it does not disturb training (every
/// metric, parameter, buffer and the generator bit for bit as without it, through BN with renorm and a window ring, noise
/// and dropout), its rows are complete and consistent, and its numbers equal a hand computation on one dense layer.
/// </summary>
public sealed class LandscapeProbeTests
{
    private static readonly double[] StepSizes = [0.025, 0.05, 0.1, 0.2, 0.4];

    private sealed class Recorder : ITrainingObserver
    {
        public readonly List<MetricRow> Metrics = [];
        public readonly List<ProbeRow> Probes = [];
        public void OnMetric(MetricRow row) => Metrics.Add(row);
        public void OnProbe(ProbeRow row) => Probes.Add(row);
        public void OnProgress(TrainingProgress progress) { }
    }

    /// <summary>
    /// Every piece of state a training forward touches: torch BN with Batch Renormalization (its r, d read the running
    /// statistics and its schedule the batch counter), a scratch window BN (a ring outside the state_dict), noise redrawn
    /// every 2nd forward (a counter and a draw), dropout (the generator).
    /// </summary>
    private static Network Stateful() => new("stateful", Seq(1, 4, 4), Seq<Layer>(
        new Flatten(),
        new Dense(24),
        new BatchNorm(BnConvention.Torch, Renorm: new BatchRenorm(RMax: 2, DMax: 1, WarmupSteps: 4, RampSteps: 8)),
        new Noise(MeanStd: 0.3, ScaleStd: 0.3, Every: 2),
        new Activation(ActivationKind.Relu),
        new Dropout(0.3),
        new Dense(16),
        new BatchNorm(BnConvention.Window, Implementation: BnImplementation.Scratch, Window: 3),
        new Activation(ActivationKind.Tanh),
        new Dense(10),
        new Activation(ActivationKind.Softmax)));

    private sealed record Trained(List<MetricRow> Metrics, List<ProbeRow> Probes, List<(string Name, float[] Values)> Floats,
        List<(string Name, long[] Values)> Longs, long[] BatchCounts, byte[] Rng);

    private static Trained Train(Network network, IReadOnlyList<ProbeRequest> probes, long steps = 20, ulong seed = 5, int batch = 32,
        Func<CompiledNetwork, torch.optim.Optimizer>? optimizer = null)
    {
        using var net = Interpreter.CompileValid(network, seed);
        using var opt = optimizer?.Invoke(net) ?? torch.optim.Adam(net.TrainableParameters(), 0.01);
        var rec = new Recorder();
        var outcome = Trainer.Train(net, opt, TrainerTests.Splits(), new TrainingConfig(batch, steps, 5, seed, 1, probes), rec, CancellationToken.None);
        Assert.Equal(RunStatus.Complete, outcome.Status);
        // Parameters, buffers and window rings, as a checkpoint would hold them.
        var floats = new List<(string, float[])>();
        var longs = new List<(string, long[])>();
        foreach (var (name, t) in NormLab.Engine.Checkpoints.TrainingState.NetworkTensors(net))
            using (t)
            {
                if (t.dtype == ScalarType.Int64) longs.Add((name, t.data<long>().ToArray()));
                else floats.Add((name, t.data<float>().ToArray()));
            }
        using var rng = torch.get_rng_state();
        return new Trained(rec.Metrics, rec.Probes, floats, longs, net.BatchNormLayers.Select(b => b.num_batches_tracked).ToArray(), rng.bytes.ToArray());
    }

    private static void AssertSameTraining(Trained a, Trained b)
    {
        // Every column but the wall-clock time, bit for bit (doubles compare exactly).
        Assert.Equal(a.Metrics.Select(m => (m.Step, m.Epoch, m.Split, m.Loss, m.Accuracy)), b.Metrics.Select(m => (m.Step, m.Epoch, m.Split, m.Loss, m.Accuracy)));
        Assert.Equal(a.Floats.Select(f => f.Name), b.Floats.Select(f => f.Name));
        for (var i = 0; i < a.Floats.Count; i++) Assert.True(a.Floats[i].Values.SequenceEqual(b.Floats[i].Values), $"{a.Floats[i].Name} differs");
        Assert.Equal(a.Longs, b.Longs, (x, y) => x.Name == y.Name && x.Values.SequenceEqual(y.Values));
        Assert.Equal(a.BatchCounts, b.BatchCounts);
        Assert.Equal(a.Rng, b.Rng);
    }

    [Fact]
    public void Training_with_a_landscape_probe_is_bit_identical_to_training_without_it()
    {
        var without = Train(Stateful(), []);
        // Probe steps 3, 6, …: odd and even, so the noise counter is caught both right before and right after a redraw.
        var with = Train(Stateful(), [ProbeRequest.Landscape(3, StepSizes)]);
        Assert.Equal(6 * (1 + 5 + 1 + 5 + 2), with.Probes.Count);
        AssertSameTraining(without, with);
        // The probe moved the weights for real: the losses along the gradient differ from the step's.
        Assert.Contains(with.Probes, p => p.Stat == "loss@0.4" && p.Value != with.Probes.Single(q => q.Step == p.Step && q.Stat == "loss").Value);
        // Another probe on the same steps (percentiles read the step's own forward) sees the same values either way.
        var pct = new ProbeRequest(ProbeKind.Percentiles, 4, "activation_1", 3, [15, 50, 85]);
        var a = Train(Stateful(), [pct]);
        var b = Train(Stateful(), [ProbeRequest.Landscape(3, StepSizes), pct]);
        AssertSameTraining(a, b);
        Assert.Equal(a.Probes, b.Probes.Where(p => p.Probe == "percentiles"));
    }

    [Fact]
    public void Training_with_a_probe_on_every_step_and_sgd_momentum_is_bit_identical_too()
    {
        static Trained Run(IReadOnlyList<ProbeRequest> probes) =>
            Train(Stateful(), probes, steps: 12, seed: 9, batch: 24, optimizer: net => torch.optim.SGD(net.TrainableParameters(), 0.05, momentum: 0.9));
        var without = Run([]);
        var with = Run([ProbeRequest.Landscape(1, [0.5, 2.0])]);
        Assert.Equal(12, with.Probes.Count(p => p.Stat == "loss"));
        AssertSameTraining(without, with);
    }

    [Fact]
    public void Rows_hold_every_step_size_and_their_summaries()
    {
        var grad = new ProbeRequest(ProbeKind.GradNorm, -1, "all", 4, []);
        // η = 0 (refused in a YAML file, fine here): the extra forward repeats the step's own, masks and noise included.
        var sizes = new[] { 0.0, 0.025, 0.1, 0.4, 1.0 };
        var run = Train(Stateful(), [ProbeRequest.Landscape(4, sizes), grad], steps: 16);
        var steps = run.Probes.Where(p => p.Probe == "landscape").Select(p => p.Step).Distinct().ToArray();
        Assert.Equal(new long[] { 4, 8, 12, 16 }, steps);
        foreach (var step in steps)
        {
            var rows = run.Probes.Where(p => p.Probe == "landscape" && p.Step == step).ToList();
            Assert.All(rows, r => Assert.Equal("all", r.Layer));
            Assert.Equal(new[] { "loss", "loss@0", "loss@0.025", "loss@0.1", "loss@0.4", "loss@1", "loss_range",
                "grad_diff@0", "grad_diff@0.025", "grad_diff@0.1", "grad_diff@0.4", "grad_diff@1", "grad_predictiveness", "beta_smoothness" },
                rows.Select(r => r.Stat));
            var v = rows.ToDictionary(r => r.Stat, r => r.Value);
            Assert.All(v.Values, x => Assert.True(double.IsFinite(x), $"step {step}: {string.Join(", ", v)}"));
            // The same objective as the step: at η = 0 the loss and the gradient come back exactly.
            Assert.Equal(v["loss"], v["loss@0"]);
            Assert.Equal(0.0, v["grad_diff@0"]);
            var losses = sizes.Select(s => v["loss@" + NormLab.Core.Format.Number(s)]).ToArray();
            var diffs = sizes.Select(s => v["grad_diff@" + NormLab.Core.Format.Number(s)]).ToArray();
            Assert.Equal(losses.Max() - losses.Min(), v["loss_range"]);
            Assert.Equal(diffs.Max(), v["grad_predictiveness"]);
            Assert.True(diffs.Skip(1).All(d => d > 0), $"step {step}: the gradient did not change along it");
            // β-smoothness: the largest d(η) / (η·‖g‖) over the η that move, ‖g‖ from the grad_norm probe of the same step.
            var gNorm = run.Probes.Single(p => p.Probe == "grad_norm" && p.Step == step).Value;
            var beta = sizes.Skip(1).Select((s, k) => diffs[k + 1] / (s * gNorm)).Max();
            TorchAssert.Close(beta, v["beta_smoothness"], relTol: 1e-5);
        }
    }

    [Fact]
    public void The_summaries_of_a_step_are_max_minus_min_max_and_max_ratio()
    {
        var rows = LandscapeProbe.Rows(7, 2.0, [0.1, 0.2], [1.5, 2.5], [0.3, 0.5], gNorm: 2.0).ToDictionary(r => r.Stat, r => r.Value);
        Assert.Equal(1.0, rows["loss_range"]);
        Assert.Equal(0.5, rows["grad_predictiveness"]);
        Assert.Equal(Math.Max(0.3 / (0.1 * 2.0), 0.5 / (0.2 * 2.0)), rows["beta_smoothness"]);
        // At a stationary point (g = 0) nothing moves: no ratio to take.
        Assert.True(double.IsNaN(LandscapeProbe.Rows(7, 2.0, [0.1], [2.0], [0.0], gNorm: 0).Single(r => r.Stat == "beta_smoothness").Value));
        // A loss that blew up at a large η makes the range non-finite, not silently smaller.
        Assert.True(double.IsNaN(LandscapeProbe.Rows(7, 2.0, [0.1, 0.2], [1.0, double.NaN], [0.1, 0.2], 1).Single(r => r.Stat == "loss_range").Value));
    }

    [Fact]
    public void One_dense_layer_matches_a_hand_computation_of_the_loss_and_gradient_along_the_gradient()
    {
        // 12 images of 1×2×3 and a batch of 12: the one training step sees all of them (in a shuffled order, which the
        // mean over the batch does not see beyond float rounding).
        const int n = 12, features = 6, classes = 4;
        var rng = new Random(3);
        var pixels = Enumerable.Range(0, n * features).Select(_ => (byte)rng.Next(256)).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % classes)).ToArray();
        var train = new DatasetArrays(pixels, labels, n, [1, 2, 3], PixelTable.Scale01);
        var empty = DatasetArrays.Empty([1, 2, 3]);
        var network = new Network("one", Seq(1, 2, 3), Seq<Layer>(new Flatten(), new Dense(classes, UseBias: false, Init: new Normal(0, 0.5)),
            new Activation(ActivationKind.Softmax)));
        var sizes = new[] { 0.1, 0.5, 2.0, 8.0 };
        using var net = Interpreter.CompileValid(network, 11);
        double[] w0;
        using (var w = net.TrainableParameters().Single().to_type(ScalarType.Float64)) w0 = w.data<double>().ToArray();
        using var opt = torch.optim.SGD(net.TrainableParameters(), 0.1);
        var rec = new Recorder();
        Trainer.Train(net, opt, new DatasetSplits(train, empty, empty), new TrainingConfig(n, 1, 1, 11, 1, [ProbeRequest.Landscape(1, sizes)]), rec, CancellationToken.None);
        var probe = rec.Probes.ToDictionary(p => p.Stat, p => p.Value);

        // By hand, in float64 and without autograd: L(W) = mean_i −log softmax(W x_i)[y_i], ∇L = (softmax(X Wᵀ) − Y)ᵀ X / n.
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(pixels.Select(b => (double)(float)(b / 255.0)).ToArray(), [n, features], ScalarType.Float64);
        var y = torch.nn.functional.one_hot(torch.tensor(labels.Select(l => (long)l).ToArray()), classes).to_type(ScalarType.Float64);
        (double Loss, Tensor Grad) At(Tensor weight)
        {
            var logits = x.matmul(weight.t());
            var logp = logits - logits.logsumexp(1, keepdim: true);
            var loss = -(logp * y).sum().item<double>() / n;
            return (loss, (logp.exp() - y).t().matmul(x) / n);
        }
        var wInit = torch.tensor(w0, [classes, features], ScalarType.Float64);
        var (l0, g) = At(wInit);
        var gNorm = g.norm().item<double>();
        TorchAssert.Close(l0, probe["loss"], relTol: 1e-6, absTol: 1e-6);
        var diffs = new List<double>();
        foreach (var eta in sizes)
        {
            var (l, g2) = At(wInit - eta * g);
            var d = (g2 - g).norm().item<double>();
            diffs.Add(d);
            var key = NormLab.Core.Format.Number(eta);
            TorchAssert.Close(l, probe["loss@" + key], relTol: 1e-6, absTol: 1e-6, what: "loss@" + key);
            TorchAssert.Close(d, probe["grad_diff@" + key], relTol: 1e-6, absTol: 1e-6, what: "grad_diff@" + key);
        }
        TorchAssert.Close(diffs.Max(), probe["grad_predictiveness"], relTol: 1e-6, absTol: 1e-6);
        TorchAssert.Close(sizes.Select((eta, k) => diffs[k] / (eta * gNorm)).Max(), probe["beta_smoothness"], relTol: 1e-6, absTol: 1e-6);
    }

    [Fact]
    public void A_forward_state_restores_buffers_counters_rings_draws_and_the_generator()
    {
        using var net = Interpreter.CompileValid(Stateful(), 2);
        net.train();
        using var x = BnTestKit.Input(1, [16, 1, 4, 4]);
        // A few forwards first: a full window ring, a noise draw, counters away from 0.
        for (var i = 0; i < 3; i++) using (var scope = torch.NewDisposeScope()) net.forward(x);
        Tensor Out() { using var _ = torch.no_grad(); return net.forward(x).DetachFromDisposeScope(); }
        using var state = ForwardState.Capture(net);
        using var first = Out();
        using var second = Out();
        var counts = net.BatchNormLayers.Select(b => b.num_batches_tracked).ToArray();
        state.Restore();
        using var again = Out();
        using var againSecond = Out();
        // Dropout's mask and the noise redraw of the second forward repeat exactly; without the restore they would not.
        Assert.Equal(first.data<float>().ToArray(), again.data<float>().ToArray());
        Assert.Equal(second.data<float>().ToArray(), againSecond.data<float>().ToArray());
        Assert.NotEqual(first.data<float>().ToArray(), second.data<float>().ToArray());
        Assert.Equal(counts, net.BatchNormLayers.Select(b => b.num_batches_tracked).ToArray());
    }

    [Fact]
    public void A_landscape_probe_leaves_no_native_tensors_behind()
    {
        static void Settle() { GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); }
        Settle();
        var before = LiveTensors.Count;
        Train(Stateful(), [ProbeRequest.Landscape(2, StepSizes)], steps: 10, optimizer: net => torch.optim.SGD(net.TrainableParameters(), 0.05));
        // Everything the probe made — copies of θ, g, buffers, rings, draws, the generator — is freed deterministically.
        Assert.Equal(before, LiveTensors.Count);
    }
}
