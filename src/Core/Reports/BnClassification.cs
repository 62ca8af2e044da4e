using System.Text.RegularExpressions;
using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// Whether a variant uses batch normalization. The runs say so themselves: summary.json "bnConvention" is "none" for a
/// network without BN and the convention's name otherwise. Only when no run has a summary do we guess from the name
/// ("no_bn", "without-bn", "plain" → no BN; a name containing "bn"/"batchnorm" → BN; anything else → no BN).
/// </summary>
public static partial class BnClassification
{
    public static bool UsesBn(string variant, Seq<RunData> runsOfVariant)
    {
        var conventions = runsOfVariant.Choose(r => r.Summary).Map(s => s.BnConvention.Trim().ToLowerInvariant()).Filter(c => c.Length > 0);
        if (!conventions.IsEmpty) return conventions.Exists(c => c != "none");
        var name = variant.ToLowerInvariant();
        if (NoBnName().IsMatch(name)) return false;
        return BnName().IsMatch(name);
    }

    [GeneratedRegex(@"(^|[^a-z])(no|without|wo|plain)[-_ ]?(bn|batchnorm|batch[-_ ]norm)?([^a-z]|$)")]
    private static partial Regex NoBnName();

    [GeneratedRegex(@"bn|batchnorm|batch[-_ ]norm")]
    private static partial Regex BnName();
}
