using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// Concatenation that is safe with LanguageExt 3.4.13's lazy sequences: there, <c>a + b + c</c> (or
/// <c>a.Concat(b).Concat(c)</c>) where <c>a</c> came from <c>Somes()</c> or <c>Distinct()</c> yields <c>a, b, a, b</c>
/// instead of <c>a, b, c</c> (checked by a unit test). Copying through an array sidesteps the lazy concat entirely.
/// </summary>
public static class SeqOps
{
    public static Seq<A> Concat<A>(params Seq<A>[] parts) => parts.SelectMany(p => p).ToArray().ToSeq();
}
