using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>How strongly a line is drawn: a variant's main curve, a companion (e.g. the 15th/85th percentile beside the
/// median), or no line at all — an open mark at every point (runs that diverged, drawn where they stopped).</summary>
public enum LineWeight { Primary, Secondary, MarksOnly }

/// <summary>
/// One line of a chart. <paramref name="StyleIndex"/> picks colour, dash pattern and marker together; it is fixed per
/// variant name across every figure of an experiment (see <see cref="VariantStyles"/>), so a variant looks the same
/// everywhere and stays distinguishable in grayscale print.
/// </summary>
public sealed record Series(string Name, Seq<(double X, double Y)> Points, int StyleIndex, LineWeight Weight = LineWeight.Primary);
