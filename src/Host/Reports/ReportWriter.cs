using NormLab.Host.Results;
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

    /// <param name="resultsDir">The results folder (contract in HELPERS.md); report.html and figures/ are written into it.</param>
    /// <param name="log">Progress and warnings; optional.</param>
    /// <param name="png">False skips the PNG copies (tests that only read the page; the SVGs are always written).</param>
    public static ReportOutcome Write(string resultsDir, ILogger? log = null, bool png = true)
    {
        return ResultsLoader.Load(resultsDir).Match(
            Left: error =>
            {
                log?.LogError("report: {Error}", error);
                return new ReportOutcome(None, Empty, Empty, Empty, Some(error));
            },
            Right: loaded => WriteLoaded(resultsDir, loaded, log, png));
    }

    private static ReportOutcome WriteLoaded(string resultsDir, LoadedResults loaded, ILogger? log, bool png)
    {
        var warnings = new List<string>(loaded.Warnings);
        var model = ReportModel.From(loaded.Experiments);
        var figuresDir = Path.Combine(resultsDir, ResultsLoader.FiguresFolder);
        Directory.CreateDirectory(figuresDir);

        var figures = model.Experiments
            .SelectMany(e => e.Figures.Map(f => (Experiment: e.Info.Name, Figure: f, Stem: FileStem(e.Info.Name, f.Id))))
            .ToArray();
        var svgs = figures.Select(f =>
        {
            var path = Path.Combine(figuresDir, f.Stem + ".svg");
            AtomicFile.WriteAllText(path, """<?xml version="1.0" encoding="UTF-8"?>""" + "\n" + SvgRenderer.Render(f.Figure, f.Stem));
            return path;
        }).ToArray();

        var pngs = png ? Pngs(svgs, warnings) : new System.Collections.Generic.HashSet<string>();
        var files = figures.ToDictionary(
            f => (f.Experiment, f.Figure.Id),
            f => new FigureFiles(
                SvgRenderer.Render(f.Figure, f.Stem, standalone: false),
                $"{ResultsLoader.FiguresFolder}/{f.Stem}.svg",
                pngs.Contains(Path.Combine(figuresDir, f.Stem + ".png")) ? Some($"{ResultsLoader.FiguresFolder}/{f.Stem}.png") : None));

        var reportPath = Path.Combine(resultsDir, ReportFile);
        AtomicFile.WriteAllText(reportPath, HtmlReport.Render(model, DateTimeOffset.UtcNow, (e, f) => files[(e.Info.Name, f.Id)]));

        foreach (var w in warnings) log?.LogWarning("report: {Warning}", w);
        log?.LogInformation("report: {Report} with {Figures} figures ({Pngs} PNG) for {Experiments} experiment(s)",
            reportPath, svgs.Length, pngs.Count, model.Experiments.Count);
        return new ReportOutcome(Some(reportPath), svgs.ToSeq(), pngs.Order(StringComparer.Ordinal).ToArray().ToSeq(), warnings.ToSeq(), None);
    }

    /// <summary>PNG copies of the SVGs, one rsvg-convert per figure, as many at once as there are cores.</summary>
    private static System.Collections.Generic.HashSet<string> Pngs(string[] svgs, List<string> warnings)
    {
        var made = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failed = new System.Collections.Concurrent.ConcurrentBag<string>();
        PngConverter.Locate().Match(
            tool => Parallel.ForEach(svgs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, svg =>
                PngConverter.Convert(tool, svg, Path.ChangeExtension(svg, ".png")).Match(Right: made.Add, Left: failed.Add)),
            () => failed.Add(PngConverter.MissingToolMessage));
        warnings.AddRange(failed.Order(StringComparer.Ordinal));
        return made.ToHashSet();
    }

    /// <summary>&lt;experiment&gt;-&lt;figure&gt;, with anything but letters, digits, '-', '_' and '.' replaced so it is a safe file name.</summary>
    public static string FileStem(string experiment, string figureId) =>
        new string($"{experiment}-{figureId}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
