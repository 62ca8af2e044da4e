using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>
/// Style index per variant name, fixed for every figure of an experiment: the variant's position in the experiment's
/// YAML order (experiment.json "variants"), then any variant found only on disk, in name order. The same index gives
/// the same colour, dash pattern and marker in every chart, so a reader learns a variant's look once.
/// </summary>
public static class VariantStyles
{
    /// <summary>The style of a reference line that is no variant (a target accuracy, chance): the table's last entry,
    /// black — variants take the coloured ones first.</summary>
    public const int ReferenceStyle = 6;

    public static HashMap<string, int> For(ExperimentData experiment)
    {
        var declared = experiment.Info.Variants.Distinct();
        var extra = experiment.Runs.Map(r => r.Variant).Distinct().Filter(v => !declared.Exists(d => d == v)).OrderBy(v => v, StringComparer.Ordinal);
        var ordered = SeqOps.Concat(declared, extra.ToArray().ToSeq());
        return toHashMap(ordered.Select((v, i) => (v, i)));
    }

    /// <summary>The variants that have runs on disk, in style order.</summary>
    public static Seq<string> Ordered(ExperimentData experiment)
    {
        var styles = For(experiment);
        var present = experiment.Runs.Map(r => r.Variant).Distinct();
        return present.OrderBy(v => styles.Find(v).IfNone(int.MaxValue)).ToArray().ToSeq();
    }
}
