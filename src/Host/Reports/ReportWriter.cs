using LanguageExt;
using Microsoft.Extensions.Logging;
using NormLab.Core.Reports;
using static LanguageExt.Prelude;

namespace NormLab.Host.Reports;

/// <summary>
/// <c>normlab report</c>: reads a results folder, writes every figure as <c>figures/&lt;experiment&gt;-&lt;figure&gt;.svg</c>
/// (and .png when rsvg-convert is installed) and the page <c>report.html</c>, each file atomically.
/// </summary>
public static class ReportWriter
{
    public const string ReportFile = "report.html";

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
        var model = ReportModel.From(loaded.Experiments);
        var figuresDir = Path.Combine(resultsDir, ResultsLoader.FiguresFolder);
        Directory.CreateDirectory(figuresDir);

        var rsvg = PngConverter.Locate();
        if (rsvg.IsNone) warnings.Add(PngConverter.MissingToolMessage);

        var svgs = new List<string>();
        var pngs = new List<string>();
        var inline = new Dictionary<(string, string), FigureFiles>();
        foreach (var experiment in model.Experiments)
        foreach (var figure in experiment.Figures)
        {
            var name = FileStem(experiment.Info.Name, figure.Id);
            var svgPath = Path.Combine(figuresDir, name + ".svg");
            AtomicFile.WriteAllText(svgPath, """<?xml version="1.0" encoding="UTF-8"?>""" + "\n" + SvgRenderer.Render(figure, name));
            svgs.Add(svgPath);
            var png = rsvg.Bind(tool => PngConverter.Convert(tool, svgPath, Path.Combine(figuresDir, name + ".png"))
                .Match(Right: p => Some(p), Left: why => { warnings.Add(why); return None; }));
            png.Iter(pngs.Add);
            inline[(experiment.Info.Name, figure.Id)] = new FigureFiles(
                SvgRenderer.Render(figure, name, standalone: false),
                $"{ResultsLoader.FiguresFolder}/{name}.svg",
                png.Map(_ => $"{ResultsLoader.FiguresFolder}/{name}.png"));
        }

        var reportPath = Path.Combine(resultsDir, ReportFile);
        AtomicFile.WriteAllText(reportPath, HtmlReport.Render(model, DateTimeOffset.UtcNow, (e, f) => inline[(e.Info.Name, f.Id)]));

        foreach (var w in warnings) log?.LogWarning("report: {Warning}", w);
        log?.LogInformation("report: {Report} with {Figures} figures ({Pngs} PNG) for {Experiments} experiment(s)",
            reportPath, svgs.Count, pngs.Count, model.Experiments.Count);
        return new ReportOutcome(Some(reportPath), svgs.ToSeq(), pngs.ToSeq(), warnings.ToSeq(), None);
    }

    /// <summary>&lt;experiment&gt;-&lt;figure&gt;, with anything but letters, digits, '-', '_' and '.' replaced so it is a safe file name.</summary>
    public static string FileStem(string experiment, string figureId) =>
        new string($"{experiment}-{figureId}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
