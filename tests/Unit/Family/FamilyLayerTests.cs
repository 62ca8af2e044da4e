using NormLab.Core.Data;
using NormLab.Core.Networks;
using NormLab.Engine.Compilation;
using NormLab.Engine.Normalization;
using NormLab.Engine.Training;
using NormLab.Host.Yaml;
using NormLab.Tests.Unit.Engine;
using TorchSharp;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;
using static TorchSharp.torch;
using Flatten = NormLab.Core.Networks.Flatten;
using Tensor = TorchSharp.torch.Tensor;

namespace NormLab.Tests.Unit.Family;

/// <summary>The new layer kinds and BN options end to end: YAML, summary, compiled modules, the facts the properties do not state.</summary>
public class FamilyLayerTests
{
    [Fact]
    public void Every_field_of_the_new_kinds_survives_a_yaml_round_trip()
    {
        var network = new Network("family", Seq(4, 8, 8), Seq<Layer>(
            new GroupNorm(2, 1e-4, false, "gn") { Trainable = false },
            new InstanceNorm(1e-3, true, true, "in"),
            new BatchNorm(BnConvention.Keras, VirtualBatchSize: 4, Renorm: new BatchRenorm(2.5, 0.5, 100, 200), Name: "bn"),
            new Noise(0.2, 0.3, 5, "noise"),
            new Flatten(),
            new Dense(10) { Trainable = false }));
        Assert.Equal(network, Ok(YamlDocuments.ReadNetwork(YamlDocuments.WriteNetwork(network))));
    }

    [Fact]
    public void Summary_names_groups_ghost_renorm_noise_and_frozen_layers_and_counts_frozen_parameters_as_non_trainable()
    {
        var network = new Network("family", Seq(4, 8, 8), Seq<Layer>(
            new GroupNorm(2) { Trainable = false },
            new InstanceNorm(Affine: true, TrackRunningStats: true),
            new BatchNorm(VirtualBatchSize: 4, Renorm: new BatchRenorm()),
            new Noise(),
            new Flatten(),
            new Dense(10)));
        var shape = NetworkValidation.ValidateShape(network).Match(s => s, f => throw new InvalidOperationException(string.Join("; ", f)));
        var text = Summary.Render(shape);
        Assert.Contains("group_norm_1 (GroupNorm: 2 groups, frozen)", text);
        Assert.Contains("instance_norm_1 (InstanceNorm: tracked)", text);
        Assert.Contains("batch_norm_1 (BatchNorm: torch, ghost 4, renorm r≤3 d≤5)", text);
        Assert.Contains("noise_1 (Noise: mean±0.1 scale±0.1 every 1)", text);
        // γ/β of the frozen group norm (8) are non-trainable, like the running statistics (instance norm 8, BN 8).
        Assert.Equal(8 + 8 + 2570, shape.TrainableParams);
        Assert.Equal(8 + 8 + 8, shape.NonTrainableParams);
        using var net = Interpreter.CompileValid(network, 1);
        Assert.Equal(shape.TrainableParams, net.TrainableParameters().Sum(p => p.numel()));
        Assert.Equal(8, net.parameters().Where(p => !p.requires_grad).Sum(p => p.numel()));
    }

    [Fact]
    public void Ghost_bn_counts_one_update_per_chunk()
    {
        using var bn = new BatchNormLayer(new BatchNorm(VirtualBatchSize: 2), 3, 1, "bn");
        using var x = torch.randn(8, 3);
        bn.forward(x).Dispose();
        Assert.Equal(4, bn.num_batches_tracked);
        bn.eval();
        bn.forward(x).Dispose();
        Assert.Equal(4, bn.num_batches_tracked);
    }

    [Fact]
    public void Renorm_follows_warmup_then_a_linear_ramp_and_then_corrects_towards_the_running_statistics()
    {
        var r = new BatchRenorm(3, 5, WarmupSteps: 10, RampSteps: 20);
        Assert.Equal((1.0, 0.0), r.LimitsAt(0));
        Assert.Equal((1.0, 0.0), r.LimitsAt(9));
        Assert.Equal((1.0, 0.0), r.LimitsAt(10));
        Assert.Equal((2.0, 2.5), r.LimitsAt(20));
        Assert.Equal((3.0, 5.0), r.LimitsAt(30));
        Assert.Equal((3.0, 5.0), r.LimitsAt(1000));
        // After warm-up, with running statistics far from the batch's, renorm's output is not BN's (r, d ≠ 1, 0):
        // the first batch's d is clip((μ_B − 0)/1, ±dMax), so a batch with mean 2 comes out shifted by ≈ +2.
        using var renorm = new BatchNormLayer(new BatchNorm(Renorm: new BatchRenorm(3, 5)), 1, 1, "rn");
        using var plain = new BatchNormLayer(new BatchNorm(), 1, 1, "bn");
        using var x = torch.tensor(new float[] { 1, 2, 3 }, [3, 1]);
        using var yr = renorm.forward(x);
        using var yb = plain.forward(x);
        using var shift = (yr - yb).mean();
        // σ_B = √(2/3 + ε), σ = √(1 + ε): r = σ_B/σ; d = 2/σ; y = x̂·r + d.
        var rr = Math.Sqrt((2.0 / 3 + 1e-5) / (1 + 1e-5));
        using var expected = yb * rr + 2 / Math.Sqrt(1 + 1e-5);
        Assert.True(torch.allclose(yr, expected, 1e-5, 1e-5), $"renorm output {string.Join(", ", yr.data<float>().ToArray())}");
    }

    [Fact]
    public void Noise_with_a_spread_changes_training_outputs_redraws_every_n_steps_and_is_reproducible_from_the_seed()
    {
        float[] Run(ulong seed)
        {
            torch.manual_seed((long)seed);
            using var noise = new NoiseLayer(new Noise(0.5, 0.5, 2), 2, 1, "noise");
            using var x = torch.ones(3, 2);
            var outs = Enumerable.Range(0, 3).Select(_ => { using var y = noise.forward(x); return y.data<float>().ToArray(); }).ToList();
            Assert.Equal(outs[0], outs[1]);          // every: 2 — the same draw for two forwards
            Assert.NotEqual(outs[1], outs[2]);       // then a fresh one
            Assert.NotEqual(Enumerable.Repeat(1f, 6), outs[0]);
            return outs.SelectMany(o => o).ToArray();
        }
        Assert.Equal(Run(5), Run(5));
    }

    [Fact]
    public void Instance_norm_with_running_statistics_matches_pytorch_semantics()
    {
        using var layer = new InstanceNormLayer(new InstanceNorm(TrackRunningStats: true), 2, "in");
        var values = Enumerable.Range(0, 2 * 2 * 3).Select(i => (float)(i * i % 7)).ToArray();
        using var x = torch.tensor(values, [2, 2, 3, 1]);
        layer.forward(x).Dispose();
        // PyTorch: running ← 0.9·running + 0.1·mean over the batch of the per-instance mean / unbiased variance.
        double[] Inst(int n, int c) => Enumerable.Range(0, 3).Select(k => (double)values[(n * 2 + c) * 3 + k]).ToArray();
        for (var c = 0; c < 2; c++)
        {
            var means = Enumerable.Range(0, 2).Select(n => Inst(n, c).Average()).ToArray();
            var vars = Enumerable.Range(0, 2).Select(n => { var v = Inst(n, c); var m = v.Average(); return v.Sum(a => (a - m) * (a - m)) / 2; }).ToArray();
            Assert.Equal(0.1 * means.Average(), layer.running_mean!.data<float>()[c], 5);
            Assert.Equal(0.9 + 0.1 * vars.Average(), layer.running_var!.data<float>()[c], 5);
        }
        layer.eval();
        using var y = layer.forward(x);
        using var expected = (x - layer.running_mean!.view(1, 2, 1, 1)) / (layer.running_var!.view(1, 2, 1, 1) + 1e-5).sqrt();
        Assert.True(torch.allclose(y, expected, 1e-5, 1e-6));
    }

    [Fact]
    public void Precise_bn_evaluates_with_population_statistics_and_puts_the_training_statistics_back()
    {
        var network = new Network("tiny", Seq(1, 4, 4), Seq<Layer>(new Flatten(), new Dense(16), new BatchNorm(BnConvention.Keras),
            new Activation(ActivationKind.Relu), new Dense(10)));
        using var net = Interpreter.CompileValid(network, 3);
        using var opt = torch.optim.SGD(net.parameters(), 0.1);
        var data = TrainerTests.Splits();
        var config = new TrainingConfig(32, 40, 0, 3, 1, [], PreciseBnBatches: 8);
        var outcome = Trainer.Train(net, opt, data, config, new NullObserver(), CancellationToken.None);
        Assert.NotNull(outcome.PreciseBn);
        Assert.Equal(8, outcome.PreciseBn!.Batches);
        Assert.NotNull(outcome.PreciseBn.TestAccuracy);
        // The training statistics are back: evaluating again gives the run's own test accuracy to the bit.
        using var evaluator = new Evaluator([1, 4, 4], 1000);
        Assert.Equal(outcome.TestAccuracy, evaluator.Evaluate(net, data.Test).Map(r => (double?)r.Accuracy).IfNone((double?)null));
        // And the precise statistics are the population's of the layer's input over those 8 batches (all 256 images).
        var before = net.BatchNormLayers.Single().Statistics.Map(s => s.RunningMean).IfNone([]);
        PreciseBn.Estimate(net, data.Train, 32, 8, 3, 2, CPU);
        var precise = net.BatchNormLayers.Single().Statistics.Map(s => s.RunningMean).IfNone([]);
        Assert.NotEqual(before, precise);
        using var all = torch.tensor(data.Train.Pixels.Select(p => (float)(p / 255.0)).ToArray(), [256, 16]);
        using (torch.no_grad())
        {
            net.eval();
            using var hidden = ((TorchSharp.Modules.Linear)net.Layers[1]).forward(all);
            using var mean = hidden.mean([0]);
            Assert.True(torch.allclose(mean, torch.tensor(precise), 1e-4, 1e-5), $"precise mean {string.Join(", ", precise)} vs {string.Join(", ", mean.data<float>().ToArray())}");
        }
    }

    private sealed class NullObserver : ITrainingObserver
    {
        public void OnMetric(MetricRow row) { }
        public void OnProbe(ProbeRow row) { }
        public void OnProgress(TrainingProgress progress) { }
    }
}
