using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>Lines (and their bands) over a numeric x axis. <paramref name="Note"/> is a caption line, e.g. "mean of 3 seeds, band ±1 std".</summary>
public sealed record Chart(string Id, string Title, Axis X, Axis Y, Seq<Series> Series, Seq<Band> Bands, Option<string> Note)
    : Figure(Id, Title, Note);
