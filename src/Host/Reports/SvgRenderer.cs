using System.Globalization;
using System.Text;
using LanguageExt;
using NormLab.Core.Reports;

namespace NormLab.Host.Reports;

/// <summary>
/// Draws a <see cref="Figure"/> as SVG text, directly from the chart records (no plotting library is restorable here,
/// and plain SVG keeps the page dependency-free). Every text is XML-escaped; every id is prefixed so several figures
/// can be inlined into one HTML page. <paramref name="standalone"/> adds the XML namespace a .svg file needs; inline
/// SVG in HTML5 does not need it, which keeps the page free of any "http" string.
/// </summary>
public static class SvgRenderer
{
    private const string Font = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
    private const double Left = 84, Right = 28, PlotH = 300, PanelGap = 40, TitleSize = 15, LabelSize = 12.5, TickSize = 11, LegendSize = 12;

    public static string Render(Figure figure, string idPrefix, bool standalone = true) => figure switch
    {
        Chart c => RenderChart(c, Safe(idPrefix), standalone),
        PanelFigure p => RenderPanels(p, Safe(idPrefix), standalone),
        CategoryChart k => RenderCategories(k, Safe(idPrefix), standalone),
        _ => throw new ArgumentOutOfRangeException(nameof(figure), figure.GetType().Name, "unknown figure kind"),
    };

    // ---- figure kinds ---------------------------------------------------------------------------------------------

    private static string RenderChart(Chart chart, string id, bool standalone)
    {
        const double plotW = 620;
        var width = Left + plotW + Right;
        var svg = new SvgText();
        var titleLines = Wrap(chart.Title, width - 2 * 16, TitleSize);
        var top = 22 + titleLines.Count * 19 + 10;
        var legend = LegendEntries(chart.Series);
        var legendH = LegendHeight(legend, plotW);
        var noteLines = chart.Note.Map(n => Wrap(n, width - 2 * 16, 11)).IfNone(LanguageExt.Seq<string>.Empty);
        var height = top + PlotH + 54 + legendH + noteLines.Count * 15 + 12;

        Open(svg, id, chart.Title, width, height, standalone);
        Title(svg, titleLines, width);
        Plot(svg, chart, $"{id}-clip", Left, top, plotW, PlotH, yLabels: true);
        Legend(svg, legend, Left, top + PlotH + 54, plotW);
        Note(svg, noteLines, top + PlotH + 54 + legendH + 12);
        return svg.Close();
    }

    private static string RenderPanels(PanelFigure figure, string id, bool standalone)
    {
        var n = Math.Max(1, figure.Panels.Count);
        var plotW = n == 1 ? 620 : n == 2 ? 380 : 300;
        var width = Left + n * plotW + (n - 1) * PanelGap + Right;
        var titleLines = Wrap(figure.Title, width - 32, TitleSize);
        var top = 22 + titleLines.Count * 19 + 30; // room for the panel titles
        // One legend below all panels when they show the same entries; otherwise one under each panel (Ioffe 1b,c:
        // the same percentile names drawn in each variant's colour).
        var perPanel = figure.Panels.Map(p => LegendEntries(p.Series));
        var shared = perPanel.Distinct().Count <= 1;
        var legendH = shared
            ? LegendHeight(perPanel.HeadOrNone().IfNone(LanguageExt.Seq<LegendEntry>.Empty), n * plotW + (n - 1) * PanelGap)
            : perPanel.Map(l => LegendHeight(l, plotW)).Fold(0.0, Math.Max);
        var noteLines = figure.Note.Map(t => Wrap(t, width - 32, 11)).IfNone(LanguageExt.Seq<string>.Empty);
        var height = top + PlotH + 54 + legendH + noteLines.Count * 15 + 12;

        var svg = new SvgText();
        Open(svg, id, figure.Title, width, height, standalone);
        Title(svg, titleLines, width);
        figure.Panels.Iter((i, panel) =>
        {
            var x0 = Left + i * (plotW + PanelGap);
            svg.Text(x0 + plotW / 2, top - 10, panel.Title, LabelSize + 0.5, anchor: "middle", weight: "bold");
            // Shared y axis: numbers on every panel's ticks would repeat; the axis title is written once, on the left.
            Plot(svg, panel, $"{id}-clip{i}", x0, top, plotW, PlotH, yLabels: i == 0);
            if (!shared) Legend(svg, perPanel[i], x0, top + PlotH + 54, plotW);
        });
        if (shared) Legend(svg, perPanel.HeadOrNone().IfNone(LanguageExt.Seq<LegendEntry>.Empty), Left, top + PlotH + 54, n * plotW + (n - 1) * PanelGap);
        Note(svg, noteLines, top + PlotH + 54 + legendH + 12);
        return svg.Close();
    }

    private static string RenderCategories(CategoryChart chart, string id, bool standalone)
    {
        var n = Math.Max(1, chart.Bars.Count);
        var slot = 110.0;
        var plotW = Math.Max(300, n * slot);
        slot = plotW / n;
        var width = Left + plotW + Right;
        var titleLines = Wrap(chart.Title, width - 32, TitleSize);
        var top = 22 + titleLines.Count * 19 + 10;
        var rotate = chart.Bars.Exists(b => TextWidth(b.Name, TickSize) > slot - 8);
        var labelsH = rotate ? chart.Bars.Map(b => TextWidth(b.Name, TickSize)).Fold(0.0, Math.Max) * 0.5 + 24 : 22;
        var hasRef = chart.Bars.Exists(b => b.Reference.IsSome);
        var noteLines = chart.Note.Map(t => Wrap(t, width - 32, 11)).IfNone(LanguageExt.Seq<string>.Empty);
        var height = top + PlotH + labelsH + 28 + (hasRef ? 22 : 0) + noteLines.Count * 15 + 12;

        var svg = new SvgText();
        Open(svg, id, chart.Title, width, height, standalone);
        Title(svg, titleLines, width);
        var y = new Scale(chart.Y, top + PlotH, top);
        YAxis(svg, chart.Y, y, Left, top, plotW, yLabels: true);
        svg.Raw($"<rect x=\"{F(Left)}\" y=\"{F(top)}\" width=\"{F(plotW)}\" height=\"{F(PlotH)}\" fill=\"none\" stroke=\"#222\" stroke-width=\"1\"/>");

        chart.Bars.Iter((i, bar) =>
        {
            var style = ChartStyles.For(bar.StyleIndex);
            var cx = Left + slot * (i + 0.5);
            var vy = y.Map(bar.Value);
            if (chart.Mark == CategoryMark.Bar)
            {
                var baseY = y.Map(Math.Max(chart.Y.Min, 0));
                svg.Raw($"<rect class=\"bar\" x=\"{F(cx - slot * 0.28)}\" y=\"{F(Math.Min(vy, baseY))}\" width=\"{F(slot * 0.56)}\" height=\"{F(Math.Abs(baseY - vy))}\" fill=\"{style.Colour}\" fill-opacity=\"0.75\" stroke=\"{style.Colour}\" stroke-width=\"1.5\"><title>{Esc(bar.Name)}: {G(bar.Value)}</title></rect>");
            }
            bar.Error.Iter(e =>
            {
                var (hi, lo) = (y.Map(bar.Value + e), y.Map(bar.Value - e));
                svg.Raw($"<path d=\"M{F(cx)},{F(hi)}V{F(lo)}M{F(cx - 8)},{F(hi)}H{F(cx + 8)}M{F(cx - 8)},{F(lo)}H{F(cx + 8)}\" stroke=\"#111\" stroke-width=\"1.4\" fill=\"none\"/>");
            });
            if (chart.Mark == CategoryMark.Point) Marker(svg, style.Marker, cx, vy, 6.5, style.Colour, "#fff");
            // Each seed as a small dot left of the mark, spread so equal values stay countable.
            bar.Samples.Iter((j, s) =>
                svg.Raw($"<circle cx=\"{F(cx - slot * 0.2 + (j - (bar.Samples.Count - 1) / 2.0) * 4)}\" cy=\"{F(y.Map(s))}\" r=\"2.6\" fill=\"#333\" fill-opacity=\"0.6\"/>"));
            bar.Reference.Iter(r => Marker(svg, MarkerShape.Diamond, cx + slot * 0.22, y.Map(r), 6, "none", "#111"));
            var label = bar.Value.ToString(bar.Value >= 100 ? "F0" : bar.Value >= 1 ? "F2" : "F4", CultureInfo.InvariantCulture);
            // The value above the mark and its whisker, centred, clear of the seed dots (left) and the reference (right).
            var labelY = new[] { vy - 9, bar.Error.Map(e => y.Map(bar.Value + e)).IfNone(vy), bar.Reference.Map(r => y.Map(r) - 8).IfNone(vy) }.Min() - 6;
            svg.Text(cx, Math.Max(top + 12, labelY), label, TickSize, anchor: "middle", fill: "#111");
            var ly = top + PlotH + 16;
            if (rotate)
                svg.Raw($"<text x=\"{F(cx)}\" y=\"{F(ly)}\" font-size=\"{F(TickSize)}\" text-anchor=\"end\" transform=\"rotate(-30 {F(cx)} {F(ly)})\">{Esc(bar.Name)}</text>");
            else
                svg.Text(cx, ly, bar.Name, TickSize, anchor: "middle");
        });
        svg.Text(Left + plotW / 2, top + PlotH + labelsH + 18, chart.CategoryLabel, LabelSize, anchor: "middle");
        var after = top + PlotH + labelsH + 28;
        if (hasRef)
        {
            Marker(svg, MarkerShape.Diamond, Left + 8, after + 6, 6, "none", "#111");
            svg.Text(Left + 22, after + 10, "reported by the source study", LegendSize);
            after += 22;
        }
        Note(svg, noteLines, after + 12);
        return svg.Close();
    }

    // ---- plot area ------------------------------------------------------------------------------------------------

    private static void Plot(SvgText svg, Chart chart, string clipId, double x0, double y0, double w, double h, bool yLabels)
    {
        var x = new Scale(chart.X, x0, x0 + w);
        var y = new Scale(chart.Y, y0 + h, y0);
        YAxis(svg, chart.Y, y, x0, y0, w, yLabels);
        foreach (var t in chart.X.Ticks)
        {
            var px = x.Map(t);
            svg.Raw($"<line x1=\"{F(px)}\" y1=\"{F(y0)}\" x2=\"{F(px)}\" y2=\"{F(y0 + h)}\" stroke=\"#e3e3e3\" stroke-width=\"1\"/>");
            svg.Raw($"<line x1=\"{F(px)}\" y1=\"{F(y0 + h)}\" x2=\"{F(px)}\" y2=\"{F(y0 + h + 5)}\" stroke=\"#222\"/>");
            svg.Text(px, y0 + h + 18, TickLabel(t, chart.X), TickSize, anchor: "middle");
        }
        svg.Text(x0 + w / 2, y0 + h + 40, chart.X.Label, LabelSize, anchor: "middle");
        svg.Raw($"<clipPath id=\"{clipId}\"><rect x=\"{F(x0)}\" y=\"{F(y0)}\" width=\"{F(w)}\" height=\"{F(h)}\"/></clipPath>");
        svg.Raw($"<g clip-path=\"url(#{clipId})\">");
        foreach (var band in chart.Bands)
        {
            var upper = band.Points.Map(p => $"{F(x.Map(p.X))},{F(y.Map(p.High))}");
            var lower = band.Points.Rev().Map(p => $"{F(x.Map(p.X))},{F(y.Map(p.Low))}");
            svg.Raw($"<polygon class=\"band\" points=\"{string.Join(" ", SeqOps.Concat(upper, lower))}\" fill=\"{ChartStyles.For(band.StyleIndex).Colour}\" fill-opacity=\"0.18\" stroke=\"none\"><title>{Esc(band.Name)} ±1 std</title></polygon>");
        }
        foreach (var series in chart.Series) Line(svg, series, x, y);
        svg.Raw("</g>");
        svg.Raw($"<rect x=\"{F(x0)}\" y=\"{F(y0)}\" width=\"{F(w)}\" height=\"{F(h)}\" fill=\"none\" stroke=\"#222\" stroke-width=\"1\"/>");
    }

    private static void YAxis(SvgText svg, Axis axis, Scale y, double x0, double y0, double w, bool yLabels)
    {
        foreach (var t in axis.Ticks)
        {
            var py = y.Map(t);
            svg.Raw($"<line x1=\"{F(x0)}\" y1=\"{F(py)}\" x2=\"{F(x0 + w)}\" y2=\"{F(py)}\" stroke=\"#e3e3e3\" stroke-width=\"1\"/>");
            svg.Raw($"<line x1=\"{F(x0 - 5)}\" y1=\"{F(py)}\" x2=\"{F(x0)}\" y2=\"{F(py)}\" stroke=\"#222\"/>");
            if (yLabels) svg.Text(x0 - 8, py + 4, TickLabel(t, axis), TickSize, anchor: "end");
        }
        if (yLabels)
        {
            var cy = y0 + PlotH / 2;
            svg.Raw($"<text x=\"{F(x0 - 62)}\" y=\"{F(cy)}\" font-size=\"{F(LabelSize)}\" text-anchor=\"middle\" transform=\"rotate(-90 {F(x0 - 62)} {F(cy)})\">{Esc(axis.Label)}</text>");
        }
    }

    private static void Line(SvgText svg, Series series, Scale x, Scale y)
    {
        var style = ChartStyles.For(series.StyleIndex);
        var primary = series.Weight == LineWeight.Primary;
        var d = new StringBuilder();
        var pen = false;
        foreach (var (px, py) in series.Points)
        {
            if (!double.IsFinite(px) || !double.IsFinite(py)) { pen = false; continue; }
            d.Append(pen ? 'L' : 'M').Append(F(x.Map(px))).Append(',').Append(F(y.Map(py)));
            pen = true;
        }
        var dash = primary ? style.Dash : "1.5 3";
        var dashAttr = dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "";
        svg.Raw($"<path class=\"series\" data-series=\"{Esc(series.Name)}\" d=\"{d}\" fill=\"none\" stroke=\"{style.Colour}\" stroke-width=\"{(primary ? "2" : "1.6")}\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{dashAttr}><title>{Esc(series.Name)}</title></path>");
        if (!primary) return;
        // Markers on about ten points, shifted per style so two series' markers do not sit on the same x.
        var points = series.Points.Filter(p => double.IsFinite(p.X) && double.IsFinite(p.Y));
        var every = Math.Max(1, (int)Math.Ceiling(points.Count / 10.0));
        var offset = every == 1 ? 0 : (series.StyleIndex * every / ChartStyles.Count) % every;
        points.Iter((i, p) =>
        {
            if ((i + offset) % every == 0) Marker(svg, style.Marker, x.Map(p.X), y.Map(p.Y), 4.2, style.Colour, "#fff");
        });
    }

    // ---- legend, title, note ----------------------------------------------------------------------------------------

    private sealed record LegendEntry(string Name, int Style, LineWeight Weight);

    private static Seq<LegendEntry> LegendEntries(Seq<Series> series) =>
        series.Map(s => new LegendEntry(s.Name, s.StyleIndex, s.Weight)).Distinct();

    private static double EntryWidth(LegendEntry e) => 44 + TextWidth(e.Name, LegendSize) + 18;

    private static double LegendHeight(Seq<LegendEntry> entries, double width)
    {
        if (entries.IsEmpty) return 0;
        var (rows, x) = (1, 0.0);
        foreach (var e in entries)
        {
            if (x > 0 && x + EntryWidth(e) > width) { rows++; x = 0; }
            x += EntryWidth(e);
        }
        return rows * 22;
    }

    private static void Legend(SvgText svg, Seq<LegendEntry> entries, double x0, double y0, double width)
    {
        var (x, y) = (0.0, y0);
        svg.Raw("<g class=\"legend\">");
        foreach (var e in entries)
        {
            if (x > 0 && x + EntryWidth(e) > width) { x = 0; y += 22; }
            var style = ChartStyles.For(e.Style);
            var primary = e.Weight == LineWeight.Primary;
            var dash = primary ? style.Dash : "1.5 3";
            svg.Raw($"<line x1=\"{F(x0 + x)}\" y1=\"{F(y + 8)}\" x2=\"{F(x0 + x + 36)}\" y2=\"{F(y + 8)}\" stroke=\"{style.Colour}\" stroke-width=\"{(primary ? "2" : "1.6")}\"{(dash.Length > 0 ? $" stroke-dasharray=\"{dash}\"" : "")}/>");
            if (primary) Marker(svg, style.Marker, x0 + x + 18, y + 8, 4.2, style.Colour, "#fff");
            svg.Text(x0 + x + 44, y + 12, e.Name, LegendSize);
            x += EntryWidth(e);
        }
        svg.Raw("</g>");
    }

    private static void Title(SvgText svg, Seq<string> lines, double width) =>
        lines.Iter((i, line) => svg.Text(width / 2, 24 + i * 19, line, TitleSize, anchor: "middle", weight: "bold"));

    private static void Note(SvgText svg, Seq<string> lines, double y0) =>
        lines.Iter((i, line) => svg.Text(16, y0 + i * 15, line, 11, fill: "#555", style: "italic"));

    private static void Open(SvgText svg, string id, string title, double width, double height, bool standalone)
    {
        var ns = standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "";
        svg.Raw($"<svg{ns} id=\"{id}\" class=\"figure\" viewBox=\"0 0 {F(width)} {F(height)}\" width=\"{F(width)}\" height=\"{F(height)}\" role=\"img\" aria-labelledby=\"{id}-title\" font-family=\"{Font}\" fill=\"#111\">");
        svg.Raw($"<title id=\"{id}-title\">{Esc(title)}</title>");
        svg.Raw($"<rect width=\"{F(width)}\" height=\"{F(height)}\" fill=\"#fff\"/>");
    }

    private static void Marker(SvgText svg, MarkerShape shape, double cx, double cy, double r, string fill, string stroke)
    {
        var common = $"fill=\"{fill}\" stroke=\"{(fill == "none" ? stroke : "#fff")}\" stroke-width=\"{(fill == "none" ? "1.6" : "0.9")}\"";
        var lineStroke = fill == "none" ? stroke : fill;
        svg.Raw(shape switch
        {
            MarkerShape.Circle => $"<circle cx=\"{F(cx)}\" cy=\"{F(cy)}\" r=\"{F(r)}\" {common}/>",
            MarkerShape.Square => $"<rect x=\"{F(cx - r * 0.85)}\" y=\"{F(cy - r * 0.85)}\" width=\"{F(r * 1.7)}\" height=\"{F(r * 1.7)}\" {common}/>",
            MarkerShape.Triangle => $"<path d=\"M{F(cx)},{F(cy - r * 1.1)}L{F(cx + r)},{F(cy + r * 0.75)}L{F(cx - r)},{F(cy + r * 0.75)}Z\" {common}/>",
            MarkerShape.InvertedTriangle => $"<path d=\"M{F(cx)},{F(cy + r * 1.1)}L{F(cx + r)},{F(cy - r * 0.75)}L{F(cx - r)},{F(cy - r * 0.75)}Z\" {common}/>",
            MarkerShape.Diamond => $"<path d=\"M{F(cx)},{F(cy - r * 1.2)}L{F(cx + r)},{F(cy)}L{F(cx)},{F(cy + r * 1.2)}L{F(cx - r)},{F(cy)}Z\" {common}/>",
            MarkerShape.Cross => $"<path d=\"M{F(cx - r)},{F(cy - r)}L{F(cx + r)},{F(cy + r)}M{F(cx - r)},{F(cy + r)}L{F(cx + r)},{F(cy - r)}\" stroke=\"{lineStroke}\" stroke-width=\"2\" fill=\"none\"/>",
            _ => $"<path d=\"M{F(cx - r)},{F(cy)}H{F(cx + r)}M{F(cx)},{F(cy - r)}V{F(cy + r)}\" stroke=\"{lineStroke}\" stroke-width=\"2\" fill=\"none\"/>",
        });
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /// <summary>Maps data values to pixels; log axes map through log10.</summary>
    private readonly record struct Scale(Axis Axis, double From, double To)
    {
        public double Map(double v)
        {
            var log = Axis.Log;
            double T(double a) => log ? Math.Log10(Math.Max(a, double.Epsilon)) : a;
            var (lo, hi) = (T(Axis.Min), T(Axis.Max));
            var f = hi == lo ? 0.5 : (T(v) - lo) / (hi - lo);
            return From + f * (To - From);
        }
    }

    /// <summary>Tick labels with as many decimals as the tick step needs ("0.875", "2", "50,000").</summary>
    public static string TickLabel(double v, Axis axis)
    {
        if (axis.Log) return v.ToString("G4", CultureInfo.InvariantCulture);
        var step = axis.Ticks.Count > 1 ? Math.Abs(axis.Ticks[1] - axis.Ticks[0]) : 1;
        var decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 10);
        if (decimals == 0 && Math.Abs(v) >= 10000) return v.ToString("N0", CultureInfo.InvariantCulture);
        return v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static double TextWidth(string text, double size) => text.Length * size * 0.58;

    private static Seq<string> Wrap(string text, double width, double size)
    {
        var max = Math.Max(10, (int)(width / (size * 0.58)));
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > max) { lines.Add(line.ToString()); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines.ToSeq();
    }

    /// <summary>Escapes text for XML content and attribute values.</summary>
    public static string Esc(string text) => text
        .Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&apos;");

    /// <summary>An id usable in XML and CSS: letters, digits, '-' and '_' kept, anything else turned into '-'.</summary>
    public static string Safe(string id)
    {
        var chars = id.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' ? c : '-').ToArray();
        var s = new string(chars);
        return s.Length > 0 && char.IsAsciiLetter(s[0]) ? s : "f-" + s;
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    private static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Accumulates SVG markup line by line.</summary>
    private sealed class SvgText
    {
        private readonly StringBuilder _sb = new();
        public void Raw(string markup) => _sb.Append(markup).Append('\n');

        public void Text(double x, double y, string text, double size, string anchor = "start", string weight = "normal", string fill = "#111", string style = "normal") =>
            Raw($"<text x=\"{F(x)}\" y=\"{F(y)}\" font-size=\"{F(size)}\" text-anchor=\"{anchor}\"{(weight != "normal" ? $" font-weight=\"{weight}\"" : "")}{(style != "normal" ? $" font-style=\"{style}\"" : "")} fill=\"{fill}\">{Esc(text)}</text>");

        public string Close() => _sb.Append("</svg>\n").ToString();
    }
}
