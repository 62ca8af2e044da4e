using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// One category of a <see cref="CategoryChart"/>: the mean over seeds, its ±1 std error bar (only with ≥ 2 seeds), the
/// individual seed values (drawn as small dots so the spread is visible), and the value a source study reported, if any.
/// </summary>
public sealed record Bar(string Name, double Value, Option<double> Error, Seq<double> Samples, Option<double> Reference, int StyleIndex);
