using NormLab.Core.Experiments;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Experiments;

static class ExperimentKit
{
    public static ExperimentSpec Experiment(string name = "e", string model = "lenet5", string dataset = "mnist") =>
        new(name, dataset, new ModelSpec.Named(model), new OptimizerSpec.Sgd(0.01), new Budget.Epochs(1));

    /// <summary>A strict Seq of the items (LanguageExt's Seq(...) overloads do not infer every arity).</summary>
    public static Seq<T> L<T>(params T[] items) => items.ToSeq().Strict();

    public static ExperimentFile File(params ExperimentSpec[] experiments) =>
        new(Experiments: experiments.ToSeq().Strict());

    public static VariantSpec Variant(string name, string? model = null) =>
        new(name, Model: model is null ? None : Some<ModelSpec>(new ModelSpec.Named(model)));
}
