using LanguageExt;

namespace NormLab.Host.Reports;

/// <summary>
/// What <see cref="ReportWriter.Write"/> produced: the page, every figure file, warnings (unreadable rows, missing PNG
/// tool), or the error that stopped it (no results folder, no experiment in it).
/// </summary>
public sealed record ReportOutcome(Option<string> ReportPath, Seq<string> SvgFiles, Seq<string> PngFiles, Seq<string> Warnings, Option<string> Error)
{
    public bool Succeeded => Error.IsNone;
}
