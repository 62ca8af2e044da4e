using LanguageExt;
using NormLab.Core.Data;
using NormLab.Core.Experiments;
using NormLab.Host.Yaml;
using NormLab.Tests.Properties.Infrastructure;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Properties.CoreLaws;

/// <summary>
/// 11. YAML round-trip: a record is its configuration, so writing a generated valid network, experiment file or run
/// plan as YAML and reading it back gives an equal record (structural equality of records, Seq and Map).
/// </summary>
public static class YamlRoundTripProperties
{
    /// <summary>Optional fields a generated network leaves at their defaults, set at random: names, initialisers, BN settings.</summary>
    static Gen<Network> Decorated(GeneratedNetwork g) =>
        from names in Gen.ListOf(Gen.Elements(false, true), g.Network.Layers.Count)
        from inits in Gen.ListOf(Gen.Elements<Initializer?>(null, new HeNormal(), new HeUniform(), new GlorotUniform(),
            new Normal(0.1, 0.02), new Uniform(-0.2, 0.3), new Zeros(), new Ones(), new TorchDefault()), g.Network.Layers.Count)
        from eps in Gen.Elements<double?>(null, 1e-3, 1e-8)
        from momentum in Gen.Elements<double?>(null, 0.5, 0.9)
        select g.Network with
        {
            Layers = g.Network.Layers.Select((l, i) => Decorate(l, i, names[i], inits[i], eps, momentum)).ToSeq().Strict(),
        };

    static Layer Decorate(Layer l, int i, bool named, Initializer? init, double? eps, double? momentum)
    {
        var name = named ? $"layer{i}" : null;
        return l switch
        {
            Conv2D c => c with { Init = init, Name = name },
            Dense d => d with { Init = init, UseBias = init is not Zeros, Name = name },
            NormLab.Core.Networks.BatchNorm b => b with
            {
                Epsilon = eps,
                Momentum = b.UsesMomentum ? momentum : null,
                Affine = !named,
                Name = name,
            },
            Activation a => a.Kind == ActivationKind.LeakyRelu ? a with { Alpha = momentum, Name = name } : a with { Name = name },
            MaxPool p => p with { Name = name },
            AvgPool p => p with { Name = name },
            NormLab.Core.Networks.Flatten f => f with { Name = name },
            NormLab.Core.Networks.Dropout d => d with { Name = name },
            LayerNorm n => n with { Epsilon = eps ?? 1e-5, Name = name },
            GroupNorm g => g with { Epsilon = eps ?? 1e-5, Name = name, Trainable = !named },
            InstanceNorm n => n with { Epsilon = eps ?? 1e-5, Name = name },
            Noise z => z with { MeanStd = momentum ?? 0.1, Name = name },
            _ => l,
        };
    }

    public static Arbitrary<Network> Networks() =>
        Arb.From(from g in NetworkGen.Valid(classifier: true) from n in Decorated(g) select n);

    static Gen<OptimizerSpec> Optimizers =>
        Gen.OneOf(
            from lr in Gen.Elements(0.01, 0.1, 0.5)
            from m in Gen.Elements(0.0, 0.9)
            from nesterov in Gen.Elements(false, true)
            select (OptimizerSpec)new OptimizerSpec.Sgd(lr, m, 0, 0, nesterov && m > 0),
            from lr in Gen.Elements(1e-3, 3e-4)
            from eps in Gen.Elements(1e-8, 1e-7)
            from amsgrad in Gen.Elements(false, true)
            select (OptimizerSpec)new OptimizerSpec.Adam(lr, 0.9, 0.999, eps, 0, amsgrad),
            from alpha in Gen.Elements(0.9, 0.99)
            from centered in Gen.Elements(false, true)
            select (OptimizerSpec)new OptimizerSpec.RmsProp(0.001, alpha, 1e-7, 0, 0, centered));

    static Gen<DatasetSpec> Datasets =>
        from source in Gen.Elements(DatasetSpec.Mnist, DatasetSpec.FashionMnist)
        from split in Gen.Elements<ValidationSplit?>(null, new ValidationSplit.Count(5000, SplitFrom.Start),
            new ValidationSplit.Count(1000, SplitFrom.End), new ValidationSplit.Fraction(0.1, SplitFrom.End))
        from pre in Gen.Elements(Preprocessing.Scale01, Preprocessing.Standardize)
        select new DatasetSpec(source, split is null ? None : Some(split), pre);

    /// <summary>One experiment over an inline generated network, with a variant that overrides the optimizer and budget.</summary>
    public static Arbitrary<ExperimentFile> Files() =>
        Arb.From(
            from net in Networks().Generator
            from dataset in Datasets
            from optimizer in Optimizers
            from other in Optimizers
            // Valid files only: no batch size that leaves a last batch of one image (BN cannot train on it; validate refuses it).
            from batch in Gen.Choose(2, 256)
            where dataset.TrainImages % batch != 1
            from epochs in Gen.Choose(1, 20)
            from steps in Gen.Choose(1, 100_000)
            from useSteps in Gen.Elements(false, true)
            from seeds in Gen.NonEmptyListOf(Gen.Choose(0, 1000))
            from evalEvery in Gen.Elements(0, 100, 500)
            from device in Gen.Elements<DeviceKind?>(null, DeviceKind.Cpu, DeviceKind.Cuda, DeviceKind.Auto)
            select new ExperimentFile(
                Map(("data", dataset)),
                default,
                Seq1(new ExperimentSpec(
                    "generated", "data", new ModelSpec.Inline(net), optimizer,
                    useSteps ? new Budget.Steps(steps) : new Budget.Epochs(epochs),
                    Description: "a generated experiment",
                    BatchSize: batch,
                    EvalEvery: evalEvery > 0 ? Some(evalEvery) : None,
                    Seeds: seeds.Distinct().ToSeq().Strict(),
                    Device: device is DeviceKind d ? Some(d) : None,
                    Variants: Seq(new VariantSpec("base"), new VariantSpec("other", Optimizer: Some(other), Budget: Some<Budget>(new Budget.Steps(steps))))))));
}
