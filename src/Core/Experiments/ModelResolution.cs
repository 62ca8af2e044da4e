using NormLab.Core.Networks;

namespace NormLab.Core.Experiments;

/// <summary>The models an experiment may name: the file's own (resolved) models first, then the presets.</summary>
public sealed record ModelCatalog(Map<string, Network> FileModels)
{
    public static ModelCatalog PresetsOnly { get; } = new(Map<string, Network>());

    public Option<Network> Find(string name) => FileModels.Find(name) || Presets.Find(name);

    /// <summary>Every name, file models first.</summary>
    public Seq<string> Names => FileModels.Keys.ToSeq() + Presets.Names.Filter(n => !FileModels.ContainsKey(n));
}

/// <summary>
/// ModelSpec → validated <see cref="Network"/>: look the name up (or take the inline network), apply the overrides in
/// order, then validate the result (<see cref="NetworkValidation"/>). Every problem carries a path under the model's path.
/// </summary>
public static class ModelResolution
{
    public static Validation<Problem, Network> Resolve(ModelSpec spec, ModelCatalog catalog, string path)
    {
        var start = spec switch
        {
            ModelSpec.Named n => catalog.Find(n.Name).Match(
                Some: net => Success<Problem, Network>(net),
                None: () => Validation<Problem, Network>.Fail(Seq1(new Problem(
                    n.Overrides.IsEmpty ? path : ProblemPath.Join(path, "preset"),
                    Suggestions.Unknown("model", n.Name, catalog.Names))))),
            ModelSpec.Inline i => Success<Problem, Network>(i.Network),
            _ => Validation<Problem, Network>.Fail(Seq1(new Problem(path, "no model given"))),
        };
        return start.Bind(net => ApplyOverrides(net, spec.Overrides, ProblemPath.Join(path, "override")))
                    .Bind(net => NetworkValidation.Validate(net, path));
    }

    /// <summary>Applies every override in order; all their problems are reported together.</summary>
    public static Validation<Problem, Network> ApplyOverrides(Network network, Seq<LayerOverride> overrides, string path)
    {
        var (net, problems) = overrides.Fold((network, Seq<Problem>()), (acc, o) =>
        {
            var applied = Apply(acc.Item1, o, ProblemPath.Join(path, o.Selector));
            return applied.Match(n => (n, acc.Item2), fails => (acc.Item1, acc.Item2 + fails));
        });
        return problems.IsEmpty ? Success<Problem, Network>(net) : Validation<Problem, Network>.Fail(problems);
    }

    static Validation<Problem, Network> Apply(Network network, LayerOverride o, string path)
    {
        var selected = Select(network, o.Selector, path);
        return selected.Bind(indices =>
        {
            var patched = indices.Map(i => (i, layer: LayerCodec.Patch(network.Layers[i], o.Fields, path))).Strict();
            var fails = patched.Bind(p => p.layer.Match(_ => Seq<Problem>(), f => f));
            if (!fails.IsEmpty) return Validation<Problem, Network>.Fail(fails.Distinct().ToSeq());
            var layers = network.Layers.Indexed().Map(x =>
                patched.Find(p => p.i == x.Index).Match(p => p.layer.Match(l => l, _ => x.Item), () => x.Item));
            return Success<Problem, Network>(network with { Layers = layers.Strict() });
        });
    }

    /// <summary>The indices of the layers a selector picks — <c>all:&lt;kind&gt;</c>, a name with <c>*</c> wildcards, or one
    /// name; none picked is a problem (an override that changes nothing is almost always a typo).</summary>
    static Validation<Problem, Seq<int>> Select(Network network, string selector, string path)
    {
        var names = LayerNames.All(network);
        if (selector.StartsWith(LayerOverride.AllPrefix, StringComparison.Ordinal))
        {
            var kind = selector[LayerOverride.AllPrefix.Length..];
            if (!LayerCodec.Kinds.Contains(kind))
                return Validation<Problem, Seq<int>>.Fail(Seq1(new Problem(path, Suggestions.Unknown("layer type", kind, LayerCodec.Kinds))));
            var hits = network.Layers.Indexed().Filter(p => p.Item.KindName == kind).Map(p => p.Index).Strict();
            return hits.IsEmpty
                ? Validation<Problem, Seq<int>>.Fail(Seq1(new Problem(path,
                    $"network \"{network.Name}\" has no {kind} layer (its layers: {string.Join(", ", names)})")))
                : Success<Problem, Seq<int>>(hits);
        }
        if (selector.Contains(LayerOverride.Wildcard))
        {
            // hidden* picks hidden1, hidden2, …: a width sweep changes every hidden layer and leaves the output layer alone.
            var hits = names.Indexed().Filter(p => LayerOverride.Matches(selector, p.Item)).Map(p => p.Index).Strict();
            return hits.IsEmpty
                ? Validation<Problem, Seq<int>>.Fail(Seq1(new Problem(path,
                    $"no layer of network \"{network.Name}\" matches \"{selector}\" (its layers: {string.Join(", ", names)})")))
                : Success<Problem, Seq<int>>(hits);
        }
        return LayerNames.Find(network, selector).Match(
            Some: i => Success<Problem, Seq<int>>(Seq1(i)),
            None: () => Validation<Problem, Seq<int>>.Fail(Seq1(new Problem(path,
                $"no layer \"{selector}\" in network \"{network.Name}\"{Suggestions.DidYouMean(selector, names)} " +
                $"(its layers: {string.Join(", ", names)}; or use all:<kind>)"))));
    }
}
