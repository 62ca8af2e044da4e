using NormLab.Core.Experiments;
using NormLab.Engine.Compilation;
using NormLab.Host.Running;
using NormLab.Tests.Properties.Infrastructure;

namespace NormLab.Tests.Properties.Family;

/// <summary>Trains a network a few steps with <c>trainOnly</c> and returns every parameter (by state_dict name) before and after.</summary>
public delegate (Dictionary<string, float[]> Before, Dictionary<string, float[]> After) FreezeTrainer(
    Network network, LanguageExt.Seq<string> trainOnly, OptimizerSpec optimizer, TrainOnlyCase data);

public enum FreezeMutation
{
    None,
    /// <summary>Frozen parameters stay in the optimizer and get their gradient zeroed after backward (weight decay and
    /// momentum still move them).</summary>
    ZeroGradInsteadOfExclusion,
    /// <summary>Only weights are frozen; biases keep training.</summary>
    FreezesWeightsNotBiases,
}

/// <summary>One trainOnly scenario: a small conv + BN + dense network, the kinds that train, an optimizer, a data seed.</summary>
public sealed record TrainOnlyCase(int InChannels, int Filters, string[] TrainOnly, OptimizerSpec Optimizer, int Steps, int DataSeed)
{
    public Network Network => new("freeze", LanguageExt.Prelude.Seq(InChannels, 5, 5), LanguageExt.Prelude.Seq<Layer>(
        new Conv2D(Filters, 3), new NormLab.Core.Networks.BatchNorm(), new Activation(ActivationKind.Relu), new Flatten(),
        new Dense(4), new NormLab.Core.Networks.BatchNorm(BnConvention.Keras), new Dense(3)));

    public (Tensor X, Tensor Y) Batch()
    {
        var g = new torch.Generator((ulong)DataSeed);
        return (torch.randn([6, InChannels, 5, 5], generator: g), torch.randint(0, 3, [6], generator: g));
    }

    public override string ToString() => $"{{in {InChannels} filters {Filters} trainOnly [{string.Join(", ", TrainOnly)}] {Optimizer} steps {Steps} data seed {DataSeed}}}";

    public static Arbitrary<TrainOnlyCase> Cases() => Arb.From(
        from inCh in Gen.Choose(1, 2)
        from filters in Gen.Choose(2, 3)
        from only in Gen.Elements(new[] { "batch_norm" }, new[] { "batch_norm", "dense" }, new[] { "dense" }, new[] { "conv2d" }, new[] { "conv2d", "batch_norm" })
        from wd in Gen.Elements(0.0, 0.01)
        from opt in Gen.Elements<OptimizerSpec>(new OptimizerSpec.Sgd(0.1, WeightDecay: wd), new OptimizerSpec.Sgd(0.1, Momentum: 0.9, WeightDecay: wd),
            new OptimizerSpec.Adam(0.01, WeightDecay: wd))
        from steps in Gen.Choose(1, 3)
        from seed in Gen.Choose(0, 100000)
        select new TrainOnlyCase(inCh, filters, only, opt, steps, seed));
}

public static class Freezers
{
    static Dictionary<string, float[]> Snapshot(CompiledNetwork net) =>
        net.named_parameters().ToDictionary(p => p.name, p => { using var c = p.parameter.detach().cpu(); return c.data<float>().ToArray(); });

    static void Steps(CompiledNetwork net, torch.optim.Optimizer opt, TrainOnlyCase data, Action? afterBackward = null)
    {
        var (x, y) = data.Batch();
        net.train();
        for (var s = 0; s < data.Steps; s++)
        {
            using var scope = torch.NewDisposeScope();
            opt.zero_grad();
            nn.functional.cross_entropy(net.ForwardLogits(x), y).backward();
            afterBackward?.Invoke();
            opt.step();
        }
    }

    /// <summary>NormLab's path: <see cref="ExperimentValidation.Freeze"/> (as validation plans it), the interpreter's
    /// requires_grad, and the optimizer over <see cref="CompiledNetwork.TrainableParameters"/> (as RunExecutor builds it).</summary>
    public static readonly FreezeTrainer Real = (network, trainOnly, optimizer, data) =>
    {
        using var net = Interpreter.CompileValid(ExperimentValidation.Freeze(network, trainOnly), 7);
        var before = Snapshot(net);
        using var opt = OptimizerFactory.Create(optimizer, net.TrainableParameters());
        Steps(net, opt, data);
        return (before, Snapshot(net));
    };

    public static FreezeTrainer Mutant(FreezeMutation m) => (network, trainOnly, optimizer, data) =>
    {
        if (m == FreezeMutation.None) return Real(network, trainOnly, optimizer, data);
        using var net = Interpreter.CompileValid(network, 7);
        var names = LayerNames.All(network);
        bool Frozen(string parameter) => !trainOnly.Contains(network.Layers[names.ToList().IndexOf(parameter.Split('.')[0])].KindName);
        var before = Snapshot(net);
        var frozen = net.named_parameters().Where(p => Frozen(p.name)).ToList();
        if (m == FreezeMutation.FreezesWeightsNotBiases)
            foreach (var p in frozen.Where(p => p.name.EndsWith(".weight"))) p.parameter.requires_grad_(false);
        using var opt = OptimizerFactory.Create(optimizer, net.TrainableParameters());
        Steps(net, opt, data, m == FreezeMutation.ZeroGradInsteadOfExclusion
            ? () => { foreach (var p in frozen) p.parameter.grad?.zero_(); }
            : null);
        return (before, Snapshot(net));
    };

    /// <summary>
    /// TO1 (Frankle, Schwab &amp; Morcos 2020): with <c>trainOnly</c>, every parameter of a layer of another kind is bit-for-bit
    /// what initialisation made it, after any optimizer (weight decay and momentum included); and the listed kinds do train
    /// (some value of each of their parameters moves), so the law is not met by training nothing.
    /// </summary>
    public static PropertyDef<TrainOnlyCase> TO1_TrainOnlyLeavesOtherParametersBitIdentical(FreezeTrainer train, int maxTest = 30) => new(
        "TO1 trainOnly leaves every other parameter bit-identical (and the listed kinds train)",
        TrainOnlyCase.Cases(),
        c =>
        {
            using var scope = torch.NewDisposeScope();
            var network = c.Network;
            var (before, after) = train(network, LanguageExt.Prelude.toSeq(c.TrainOnly), c.Optimizer, c);
            var names = LayerNames.All(network);
            foreach (var (name, values) in before)
            {
                var kind = network.Layers[names.ToList().IndexOf(name.Split('.')[0])].KindName;
                var now = after[name];
                if (c.TrainOnly.Contains(kind))
                {
                    if (values.SequenceEqual(now)) throw new PropertyViolation($"{name} ({kind}, listed in trainOnly) did not train");
                    continue;
                }
                for (var i = 0; i < values.Length; i++)
                    if (BitConverter.SingleToInt32Bits(values[i]) != BitConverter.SingleToInt32Bits(now[i]))
                        throw new PropertyViolation($"{name} ({kind}, not in trainOnly) changed at [{i}]: {values[i]:R} → {now[i]:R}");
            }
        },
        maxTest);
}
