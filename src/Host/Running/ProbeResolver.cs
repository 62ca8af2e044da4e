using LanguageExt;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using NormLab.Engine.Training;

namespace NormLab.Host.Running;

/// <summary>Probe records (layer names) → probe requests (layer indices) for one network. Validation has already
/// checked that every named layer exists, so a miss here is a bug, not a user mistake.</summary>
public static class ProbeResolver
{
    public static IReadOnlyList<ProbeRequest> Resolve(Network network, Seq<ProbeSpec> probes) =>
        probes.Map(p => p switch
        {
            ProbeSpec.Percentiles q => new ProbeRequest(ProbeKind.Percentiles, IndexOf(network, q.Layer), q.Layer, q.Every, q.Values.ToArray()),
            ProbeSpec.BatchStats b => new ProbeRequest(ProbeKind.BatchStats, IndexOf(network, b.Layer), b.Layer, b.Every, []),
            ProbeSpec.GradNorm g => g.Layer.Match(
                l => new ProbeRequest(ProbeKind.GradNorm, IndexOf(network, l), l, g.Every, []),
                () => new ProbeRequest(ProbeKind.GradNorm, -1, "all", g.Every, [])),
            ProbeSpec.Landscape l => ProbeRequest.Landscape(l.Every, l.StepSizes.ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(probes), p, "unknown probe"),
        }).ToArray();

    private static int IndexOf(Network network, string layer) =>
        LayerNames.Find(network, layer).IfNone(() => throw new InvalidOperationException($"probe layer {layer} is not in {network.Name}"));
}
