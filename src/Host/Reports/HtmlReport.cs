using System.Globalization;
using System.Text;
using LanguageExt;
using NormLab.Core;
using NormLab.Core.Reports;

namespace NormLab.Host.Reports;

/// <summary>A figure's two files, relative to report.html, and its size in CSS pixels: the page shows the PNG and links both.</summary>
public sealed record FigureFiles(string SvgHref, string PngHref, int Width, int Height);

/// <summary>
/// The report page: one HTML file. CSS is inline, there is no script, figures are images in figures/ and every link
/// is relative (figures/…, &lt;experiment&gt;/…), so the page opens offline from disk and makes no network request.
/// </summary>
public static class HtmlReport
{
    public static string Render(ReportModel model, DateTimeOffset generatedAt, Func<ExperimentReport, Figure, FigureFiles> files)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append("<title>NormLab report</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        h.Append("<header><h1>NormLab report</h1>\n");
        h.Append($"<p class=\"meta\">Generated {E(generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))} from the results in this folder. ");
        h.Append("Means are over seeds; ± is one sample standard deviation (only with two or more seeds).</p></header>\n");

        Studies(h, model);

        h.Append("<section id=\"summary\">\n<h2>Summary: the effect of batch normalization</h2>\n<ul>\n");
        foreach (var (experiment, sentence) in model.Summary)
            h.Append($"<li><a href=\"#{Anchor(experiment)}\"><strong>{E(experiment)}</strong></a>: {E(sentence)}</li>\n");
        h.Append("</ul>\n</section>\n");

        foreach (var e in model.Experiments) Experiment(h, e, files);

        h.Append("</body>\n</html>\n");
        return h.ToString();
    }

    private static void Experiment(StringBuilder h, ExperimentReport e, Func<ExperimentReport, Figure, FigureFiles> files)
    {
        h.Append($"<section class=\"experiment\" id=\"{Anchor(e.Info.Name)}\">\n<h2>{E(e.Info.Name)}</h2>\n");
        if (e.Info.Description.Length > 0) h.Append($"<p class=\"description\">{E(e.Info.Description)}</p>\n");
        var facts = new[] { ("dataset", e.Info.Dataset), ("kind", e.Info.Kind), ("seeds", string.Join(", ", e.Info.Seeds)) }
            .Where(f => f.Item2.Length > 0).Select(f => $"{f.Item1}: <code>{E(f.Item2)}</code>");
        h.Append($"<p class=\"meta\">{string.Join(" · ", facts)}</p>\n");
        foreach (var study in e.Study)
        {
            h.Append("<div class=\"study\">\n");
            h.Append($"<p><strong>Paper:</strong> {E(study.Spec.Paper)}</p>\n");
            h.Append($"<p><strong>The paper's claim:</strong> {E(study.Spec.Claim)}</p>\n</div>\n");
        }
        h.Append($"<p class=\"effect\">{E(e.BnEffect)}</p>\n");

        foreach (var study in e.Study)
            foreach (var t in study.Tables) StudyTable(h, t);
        // A study's sweep has many run variants: their table is there, folded, for whoever wants every number.
        var fold = e.Study.IsSome && e.Rows.Count > ExperimentReports.MaxVariantsForGenericFigures;
        if (fold) h.Append($"<details class=\"runs\">\n<summary>Every run variant ({e.Rows.Count})</summary>\n");
        Table(h, e.Rows);
        StatisticsTable(h, e.Statistics);
        if (fold) h.Append("</details>\n");

        if (!e.Configs.IsEmpty)
        {
            h.Append("<details class=\"config\">\n<summary>Resolved configuration (config.yaml of the first seed of each variant)</summary>\n");
            foreach (var (variant, config) in e.Configs)
                h.Append($"<h4>{E(variant)}</h4>\n<pre>{E(config)}</pre>\n");
            h.Append("</details>\n");
        }

        foreach (var figure in e.Figures)
        {
            var f = files(e, figure);
            // The PNG is drawn at twice the sheet's size; the page shows it at half (sharp on high-density screens).
            h.Append($"<figure>\n<img class=\"figure\" src=\"{Href(f.PngHref)}\" width=\"{f.Width}\" height=\"{f.Height}\" alt=\"{E(figure.Title)}\">\n");
            h.Append($"<figcaption>{E(figure.Title)} — <a href=\"{Href(f.SvgHref)}\">SVG</a> · <a href=\"{Href(f.PngHref)}\">PNG</a></figcaption>\n</figure>\n");
        }

        if (!e.RawFiles.IsEmpty)
        {
            h.Append($"<details class=\"raw\">\n<summary>Raw files ({e.RawFiles.Count})</summary>\n<ul>\n");
            foreach (var path in e.RawFiles) h.Append($"<li><a href=\"{Href(path)}\">{E(path)}</a></li>\n");
            h.Append("</ul>\n</details>\n");
        }
        h.Append("</section>\n");
    }

    /// <summary>The studies index: each study's paper, the paper's claim and our computed verdict, linked to its section.</summary>
    private static void Studies(StringBuilder h, ReportModel model)
    {
        if (model.Studies.IsEmpty) return;
        h.Append("<section id=\"studies\">\n<h2>Studies: published results, reproduced at this machine's scale</h2>\n");
        h.Append("<table class=\"studies\">\n<thead><tr><th>study</th><th>paper</th><th>the paper's claim</th><th>our verdict (computed from the runs)</th></tr></thead>\n<tbody>\n");
        foreach (var (experiment, study) in model.Studies)
        {
            h.Append($"<tr><td><a href=\"#{Anchor(experiment)}\"><code>{E(experiment)}</code></a></td>");
            h.Append($"<td>{E(study.Spec.Paper)}</td><td>{E(study.Spec.Claim)}</td>");
            h.Append($"<td class=\"verdict {study.Verdict.Agreement.ToString().ToLowerInvariant()}\">{E(study.Verdict.Text)}</td></tr>\n");
        }
        h.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void StudyTable(StringBuilder h, Core.Studies.StudyTable t)
    {
        h.Append($"<table class=\"study-table\">\n<caption>{E(t.Title)}</caption>\n<thead><tr>");
        foreach (var c in t.Header) h.Append($"<th>{E(c)}</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in t.Rows)
        {
            h.Append("<tr>");
            foreach (var (c, i) in row.Select((c, i) => (c, i))) h.Append(i == 0 ? $"<td><code>{E(c)}</code></td>" : $"<td class=\"num\">{E(c)}</td>");
            h.Append("</tr>\n");
        }
        h.Append("</tbody>\n</table>\n");
    }

    private static void Table(StringBuilder h, Seq<ResultRow> rows)
    {
        h.Append("<table>\n<thead><tr><th>variant</th><th>BN</th><th>runs complete</th><th>test accuracy</th><th>best val accuracy</th>");
        h.Append("<th>wall time (s)</th><th>time per epoch (s)</th><th>images/s</th><th>reported test accuracy</th><th>ours − reported (points)</th></tr></thead>\n<tbody>\n");
        foreach (var r in rows)
        {
            var wall = r.WallSeconds.Map(w => w.Format(1)).IfNone("–") + r.ReportedWallSeconds.Map(w => $" <span class=\"reported\">(reported {w.ToString("F1", CultureInfo.InvariantCulture)})</span>").IfNone("");
            h.Append("<tr>");
            h.Append($"<td><code>{E(r.Variant)}</code></td>");
            h.Append($"<td>{(r.UsesBn ? E(r.BnConvention) : "none")}</td>");
            h.Append($"<td class=\"num\">{r.Complete}/{r.Runs}</td>");
            h.Append($"<td class=\"num\">{E(r.TestAccuracy.Map(a => a.Format()).IfNone("–"))}</td>");
            h.Append($"<td class=\"num\">{E(r.BestValAccuracy.Map(a => a.Format()).IfNone("–"))}</td>");
            h.Append($"<td class=\"num\">{wall}</td>");
            h.Append($"<td class=\"num\">{E(r.SecondsPerEpoch.Map(a => a.Format(2)).IfNone("–"))}</td>");
            h.Append($"<td class=\"num\">{E(r.ImagesPerSecond.Map(a => a.Format(0)).IfNone("–"))}</td>");
            h.Append($"<td class=\"num\">{E(r.ReportedTestAccuracy.Map(a => a.ToString("F4", CultureInfo.InvariantCulture)).IfNone("–"))}</td>");
            h.Append($"<td class=\"num\">{E(r.DeltaPoints.Map(d => d.ToString("+0.00;-0.00;+0.00", CultureInfo.InvariantCulture)).IfNone("–"))}</td>");
            h.Append("</tr>\n");
            if (!r.Problems.IsEmpty)
                h.Append($"<tr class=\"problems\"><td colspan=\"10\">{E(string.Join("; ", r.Problems))}</td></tr>\n");
        }
        h.Append("</tbody>\n</table>\n");
    }

    /// <summary>n, mean, std and 95% CI of the test accuracy per variant; with a baseline, the difference, its CI and p.</summary>
    private static void StatisticsTable(StringBuilder h, Seq<VariantStatistics> stats)
    {
        if (!stats.Exists(s => s.Summary.Exists(x => x.N >= 2))) return;
        var compared = stats.Exists(s => s.Baseline.IsSome);
        h.Append("<table class=\"statistics\">\n<caption>Test accuracy over seeds: mean, sample std and the 95% confidence interval of the mean (Student t, n − 1 df)");
        if (compared) h.Append("; against the baseline: the difference of means with its 95% CI and the two-sided p-value of Welch's t-test (Welch–Satterthwaite df)");
        h.Append("</caption>\n<thead><tr><th>variant</th><th>n</th><th>mean</th><th>std</th><th>95% CI</th>");
        if (compared) h.Append("<th>baseline</th><th>difference [95% CI]</th><th>p (Welch)</th>");
        h.Append("</tr></thead>\n<tbody>\n");
        string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);
        foreach (var s in stats)
        {
            h.Append($"<tr><td><code>{E(s.Variant)}</code></td>");
            h.Append($"<td class=\"num\">{s.Summary.Map(x => x.N).IfNone(0)}</td>");
            h.Append($"<td class=\"num\">{E(s.Summary.Map(x => F(x.Mean)).IfNone("–"))}</td>");
            h.Append($"<td class=\"num\">{E(s.Summary.Bind(x => x.Std).Map(F).IfNone("–"))}</td>");
            h.Append($"<td class=\"num\">{E(VariantStatistics.FormatInterval(s.Summary.Bind(x => x.Ci95)))}</td>");
            if (compared)
            {
                h.Append($"<td><code>{E(s.Baseline.IfNone("–"))}</code></td>");
                h.Append($"<td class=\"num\">{E(s.FormatDifference())}</td>");
                h.Append($"<td class=\"num\">{E(s.FormatPValue())}</td>");
            }
            h.Append("</tr>\n");
        }
        h.Append("</tbody>\n</table>\n");
    }

    /// <summary>A relative href: each path segment percent-encoded, then HTML-escaped.</summary>
    public static string Href(string relativePath) =>
        E(string.Join("/", relativePath.Split('/').Select(Uri.EscapeDataString)));

    public static string Anchor(string name) => "exp-" + Safe(name);

    /// <summary>An id usable in HTML and CSS: letters, digits, '-' and '_' kept, anything else turned into '-'.</summary>
    public static string Safe(string id)
    {
        var s = new string(id.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' ? c : '-').ToArray());
        return s.Length > 0 && char.IsAsciiLetter(s[0]) ? s : "f-" + s;
    }

    /// <summary>Escapes text for HTML content and attribute values.</summary>
    public static string E(string text) => text
        .Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    private const string Css = """
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #111; background: #fff;
               max-width: 1180px; margin: 0 auto; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
        h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.35rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2.2rem; }
        h4 { margin: 0.8rem 0 0.2rem; }
        .meta { color: #555; font-size: 0.9rem; }
        .description { font-style: italic; }
        .effect { background: #f4f7fb; border-left: 4px solid #0072B2; padding: 0.5rem 0.8rem; }
        #summary li { margin: 0.3rem 0; }
        .study p { margin: 0.3rem 0; }
        td.verdict.agrees { border-left: 4px solid #009E73; }
        td.verdict.disagrees { border-left: 4px solid #D55E00; }
        td.verdict.inconclusive { border-left: 4px solid #999; }
        table.studies td { font-size: 0.85rem; }
        table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
        th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
        th { background: #f2f2f2; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.problems td { color: #a33; font-size: 0.85rem; }
        .reported { color: #666; }
        pre { background: #f7f7f7; border: 1px solid #e2e2e2; padding: 0.6rem; overflow-x: auto; font-size: 0.8rem; }
        details { margin: 0.8rem 0; }
        summary { cursor: pointer; font-weight: bold; }
        figure { margin: 1.5rem 0; }
        figure img.figure { max-width: 100%; height: auto; display: block; }
        figcaption { font-size: 0.85rem; color: #444; margin-top: 0.3rem; }
        @media print { details { display: block; } a { color: inherit; } }

        """;
}
