using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>A shaded region around a series, e.g. mean ± 1 std over seeds; drawn translucent in the series' colour.</summary>
public sealed record Band(string Name, Seq<(double X, double Low, double High)> Points, int StyleIndex);
