using NormLab.Host.Results;
using LanguageExt;
using Microsoft.Extensions.Logging;
using NormLab.Core.Reports;
using static LanguageExt.Prelude;

namespace NormLab.Host.Reports;

/// <summary>
/// <c>normlab report</c>: reads a results folder, writes every figure as <c>figures/&lt;experiment&gt;-&lt;figure&gt;.svg</c>
/// and <c>.png</c> (both drawn by ScottPlot) and the page <c>report.html</c>, each file atomically.
/// </summary>
public static class ReportWriter
{
    public const string ReportFile = "report.html";

    /// <param name="resultsDir">The results folder (contract in HELPERS.md); report.html and figures/ are written into it.</param>
    /// <param name="log">Progress and warnings; optional.</param>
    public static ReportOutcome Write(string resultsDir, ILogger? log = null)
    {
        return ResultsLoader.Load(resultsDir).Match(
            Left: error =>
            {
                log?.LogError("report: {Error}", error);
                return new ReportOutcome(None, Empty, Empty, Empty, Some(error));
            },
            Right: loaded => WriteLoaded(resultsDir, loaded, log));
    }

    private static ReportOutcome WriteLoaded(string resultsDir, LoadedResults loaded, ILogger? log)
    {
        var warnings = new List<string>(loaded.Warnings);
        FigureRenderer.FontProblem.Iter(warnings.Add);
        var model = ReportModel.From(loaded.Experiments);
        var figuresDir = Path.Combine(resultsDir, ResultsLoader.FiguresFolder);
        Directory.CreateDirectory(figuresDir);

        var figures = model.Experiments
            .SelectMany(e => e.Figures.Map(f => (Experiment: e.Info.Name, Figure: f, Stem: FileStem(e.Info.Name, f.Id))))
            .ToArray();
        // ScottPlot draws each figure once onto an SVG canvas and once onto a raster surface (PNG at twice the density).
        var files = figures.ToDictionary(
            f => (f.Experiment, f.Figure.Id),
            f =>
            {
                var drawn = FigureRenderer.Render(f.Figure);
                AtomicFile.WriteAllText(Path.Combine(figuresDir, f.Stem + ".svg"), drawn.Svg);
                AtomicFile.WriteAllBytes(Path.Combine(figuresDir, f.Stem + ".png"), drawn.Png);
                return new FigureFiles($"{ResultsLoader.FiguresFolder}/{f.Stem}.svg", $"{ResultsLoader.FiguresFolder}/{f.Stem}.png", drawn.Width, drawn.Height);
            });

        var reportPath = Path.Combine(resultsDir, ReportFile);
        AtomicFile.WriteAllText(reportPath, HtmlReport.Render(model, DateTimeOffset.UtcNow, (e, f) => files[(e.Info.Name, f.Id)]));

        foreach (var w in warnings) log?.LogWarning("report: {Warning}", w);
        log?.LogInformation("report: {Report} with {Figures} figures for {Experiments} experiment(s)",
            reportPath, figures.Length, model.Experiments.Count);
        var inFolder = (string ext) => figures.Select(f => Path.Combine(figuresDir, f.Stem + ext)).ToArray().ToSeq();
        return new ReportOutcome(Some(reportPath), inFolder(".svg"), inFolder(".png"), warnings.ToSeq(), None);
    }

    /// <summary>&lt;experiment&gt;-&lt;figure&gt;, with anything but letters, digits, '-', '_' and '.' replaced so it is a safe file name.</summary>
    public static string FileStem(string experiment, string figureId) =>
        new string($"{experiment}-{figureId}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
