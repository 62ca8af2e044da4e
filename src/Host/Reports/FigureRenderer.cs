using System.Globalization;
using LanguageExt;
using NormLab.Core.Reports;
using ScottPlot;
using SkiaSharp;
using CoreAxis = NormLab.Core.Reports.Axis;

namespace NormLab.Host.Reports;

/// <summary>One figure drawn: the SVG, the PNG, and the sheet's size in CSS pixels (the PNG has <see cref="FigureRenderer.PngScale"/> × as many).</summary>
public sealed record RenderedFigure(string Svg, byte[] Png, int Width, int Height);

/// <summary>
/// Draws a <see cref="Figure"/> with ScottPlot 5 and saves it as SVG and PNG (ScottPlot's own SkiaSharp canvases).
/// A figure is a sheet: the title on top, one ScottPlot <see cref="Plot"/> per panel side by side (every panel with the
/// same fixed padding, so their data areas line up on the shared y axis), a legend strip below (one legend when every
/// panel shows the same entries, else one under each panel) and the note. The PNG is the same sheet at twice the
/// pixel density, so it stays sharp at the report's width and in print.
/// </summary>
public static class FigureRenderer
{
    /// <summary>Debian's fonts-dejavu-core; loaded by file because SkiaSharp's NoDependencies build has no fontconfig.</summary>
    public const string FontFamily = "DejaVu Sans";
    public const string FontFolder = "/usr/share/fonts/truetype/dejavu";
    public const int PngScale = 2;

    private const float TitleSize = 16, PanelTitleSize = 14, LabelSize = 13.5f, TickSize = 12, LegendSize = 12.5f, NoteSize = 12;
    private const float PanelHeight = 380, Margin = 14;
    private static readonly PixelPadding PanelPadding = new(left: 78, right: 18, bottom: 58, top: 34);

    private static readonly Lazy<Option<string>> Fonts = new(RegisterFonts);

    /// <summary>Why figures would be drawn without DejaVu (fonts-dejavu-core missing), if they would.</summary>
    public static Option<string> FontProblem => Fonts.Value;

    /// <summary>The figure as SVG text and PNG bytes (<see cref="PngScale"/> × the sheet's size in CSS pixels, Width × Height).</summary>
    public static RenderedFigure Render(Figure figure)
    {
        _ = Fonts.Value;
        // Skia's SVG backend has no dash effect (it drops it, with a message on stdout), so the SVG draws every line solid
        // — colour and markers still tell the series apart — and the PNG has the dash patterns as well.
        var sheet = Sheet.For(figure, dashes: false);
        string xml;
        using (var stream = new SKDynamicMemoryWStream())
        {
            using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, (int)sheet.Width, (int)sheet.Height), stream))
                sheet.Draw(canvas);
            using var svgData = stream.DetachAsData();
            xml = System.Text.Encoding.UTF8.GetString(svgData.ToArray());
        }

        sheet = Sheet.For(figure, dashes: true);
        var info = new SKImageInfo((int)sheet.Width * PngScale, (int)sheet.Height * PngScale);
        using var surface = SKSurface.Create(info);
        surface.Canvas.Scale(PngScale);
        sheet.Draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return new RenderedFigure(xml, data.ToArray(), (int)sheet.Width, (int)sheet.Height);
    }

    private static Option<string> RegisterFonts()
    {
        var faces = new[] { ("DejaVuSans.ttf", false, false), ("DejaVuSans-Bold.ttf", true, false), ("DejaVuSans-Oblique.ttf", false, true), ("DejaVuSans-BoldOblique.ttf", true, true) };
        var missing = faces.Where(f => !File.Exists(Path.Combine(FontFolder, f.Item1))).Select(f => f.Item1).ToArray();
        if (missing.Contains("DejaVuSans.ttf"))
            return $"font {FontFamily} not found in {FontFolder} (install it with: apt-get install fonts-dejavu-core): figures use ScottPlot's fallback font";
        foreach (var (file, bold, italic) in faces.Where(f => !missing.Contains(f.Item1)))
            ScottPlot.Fonts.AddFontFile(FontFamily, Path.Combine(FontFolder, file), bold, italic);
        ScottPlot.Fonts.Default = FontFamily;
        return Prelude.None;
    }

    // ---- the sheet: title, panels, legends, note -------------------------------------------------------------------

    private sealed class Sheet
    {
        private readonly List<Plot> _panels;
        private readonly List<Seq<LegendItem>> _legends;
        private readonly bool _sharedLegend;
        private readonly string _title, _note;
        private readonly float _panelWidth, _legendHeight, _titleHeight, _noteHeight;
        public float Width { get; }
        public float Height { get; }

        private Sheet(string title, Option<string> note, List<Plot> panels, List<Seq<LegendItem>> legends, float panelWidth)
        {
            _panels = panels;
            _legends = legends;
            _sharedLegend = legends.Select(Signature).Distinct().Count() <= 1;
            _panelWidth = panelWidth;
            Width = panelWidth * panels.Count + 2 * Margin;
            _title = Wrap(title, Width - 2 * Margin, TitleSize, bold: true);
            _note = note.Map(n => Wrap(n, Width - 2 * Margin, NoteSize, bold: false)).IfNone("");
            _titleHeight = Margin + LineCount(_title) * TitleSize * 1.35f + 6;
            _legendHeight = _sharedLegend
                ? LegendHeight(legends.FirstOrDefault(), Width - 2 * Margin)
                : legends.Select(l => LegendHeight(l, panelWidth)).DefaultIfEmpty(0).Max();
            _noteHeight = _note.Length == 0 ? 0 : LineCount(_note) * NoteSize * 1.35f + 8;
            Height = MathF.Ceiling(_titleHeight + PanelHeight + _legendHeight + _noteHeight + Margin);
        }

        public static Sheet For(Figure figure, bool dashes) => figure switch
        {
            Chart c => new Sheet(c.Title, c.Note, [LinePlot(c, panelTitle: "", dashes)], [LegendItems(c.Series, dashes)], 820),
            PanelFigure p => new Sheet(p.Title, p.Note,
                p.Panels.Map(c => LinePlot(c, c.Title, dashes)).ToList(),
                p.Panels.Map(c => LegendItems(c.Series, dashes)).ToList(),
                p.Panels.Count switch { <= 1 => 820, 2 => 500, _ => 410 }),
            CategoryChart k => new Sheet(k.Title, k.Note, [CategoryPlot(k)], [CategoryLegend(k)], Math.Max(560, 130 * k.Bars.Count + 120)),
            _ => throw new ArgumentOutOfRangeException(nameof(figure), figure.GetType().Name, "unknown figure kind"),
        };

        public void Draw(SKCanvas canvas)
        {
            canvas.Clear(SKColors.White);
            using var paint = Paint.NewDisposablePaint();
            Text(canvas, paint, _title, Width / 2, Margin, TitleSize, bold: true, italic: false, Colors.Black, Alignment.UpperCenter);

            var top = _titleHeight;
            for (var i = 0; i < _panels.Count; i++)
            {
                var left = Margin + i * _panelWidth;
                var rect = new PixelRect(left, left + _panelWidth, top + PanelHeight, top);
                // ScottPlot clears the canvas before drawing a plot; the clip keeps that to the panel's own rectangle.
                canvas.Save();
                canvas.ClipRect(rect.ToSKRect());
                _panels[i].Render(canvas, rect);
                canvas.Restore();
            }

            var legendTop = top + PanelHeight;
            if (_sharedLegend)
                DrawLegend(canvas, paint, _legends.FirstOrDefault(), new PixelRect(Margin, Width - Margin, legendTop + _legendHeight, legendTop));
            else
                for (var i = 0; i < _panels.Count; i++)
                {
                    var left = Margin + i * _panelWidth;
                    DrawLegend(canvas, paint, _legends[i], new PixelRect(left + PanelPadding.Left, left + _panelWidth, legendTop + _legendHeight, legendTop));
                }

            if (_note.Length > 0)
                Text(canvas, paint, _note, Margin, legendTop + _legendHeight + 4, NoteSize, bold: false, italic: true, Color.FromHex("#444444"), Alignment.UpperLeft);
        }

        private static string Signature(Seq<LegendItem> items) =>
            string.Join("\u0001", items.Map(i => $"{i.LabelText}|{i.LineStyle.Color}|{i.LineStyle.Pattern.Name}|{i.MarkerStyle.Shape}|{i.MarkerStyle.FillColor}"));
    }

    // ---- line charts -----------------------------------------------------------------------------------------------

    private static Plot LinePlot(Chart chart, string panelTitle, bool dashes)
    {
        var plot = NewPlot(panelTitle, chart.X.Label, chart.Y.Label);
        double Y(double v) => chart.Y.Log ? Math.Log10(Math.Max(v, double.Epsilon)) : v;
        double X(double v) => chart.X.Log ? Math.Log10(Math.Max(v, double.Epsilon)) : v;

        foreach (var band in chart.Bands)
        {
            var points = band.Points.Filter(p => double.IsFinite(p.X) && double.IsFinite(p.Low) && double.IsFinite(p.High))
                .Map(p => (X(p.X), Y(p.Low), Y(p.High))).ToList();
            if (points.Count < 2) continue;
            var fill = plot.Add.FillY(points);
            fill.FillColor = ChartStyles.For(band.StyleIndex).Colour.WithAlpha(0.18);
            fill.LineWidth = 0;
        }

        foreach (var series in chart.Series)
        {
            var style = ChartStyles.For(series.StyleIndex);
            var primary = series.Weight == LineWeight.Primary;
            if (series.Weight == LineWeight.MarksOnly)
            {
                var all = series.Points.Filter(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
                if (all.Count == 0) continue;
                var marks = plot.Add.Markers(all.Select(p => X(p.X)).ToArray(), all.Select(p => Y(p.Y)).ToArray(), MarksOnlyShape, 11, style.Colour);
                marks.MarkerLineWidth = 2f;
                continue;
            }
            // A gap (NaN) splits the line: ScottPlot's scatter joins every point it is given, so each finite run is its own line.
            foreach (var run in FiniteRuns(series.Points))
            {
                var line = plot.Add.ScatterLine(run.Select(p => X(p.X)).ToArray(), run.Select(p => Y(p.Y)).ToArray(), style.Colour);
                line.LineWidth = primary ? 2.2f : 1.6f;
                line.LinePattern = Pattern(primary, style, dashes);
                line.MarkerSize = 0;
            }
            if (!primary) continue;
            // Markers on about ten points, shifted per style so two series' markers do not sit on the same x.
            var finite = series.Points.Filter(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            var every = Math.Max(1, (int)Math.Ceiling(finite.Count / 10.0));
            var offset = every == 1 ? 0 : series.StyleIndex * every / ChartStyles.Count % every;
            var marked = finite.Where((_, i) => (i + offset) % every == 0).ToArray();
            if (marked.Length == 0) continue;
            var markers = plot.Add.Markers(marked.Select(p => X(p.X)).ToArray(), marked.Select(p => Y(p.Y)).ToArray(), style.Marker, 8, style.Colour);
            markers.MarkerLineColor = Colors.White;
        }

        SetAxis(plot.Axes.Bottom, chart.X, X);
        SetAxis(plot.Axes.Left, chart.Y, Y);
        // A log axis whose ends are data points (batch 2 … 64) gets a little room, so the end marks are not cut in half.
        var pad = chart.X.Log ? 0.04 * (X(chart.X.Max) - X(chart.X.Min)) : 0;
        plot.Axes.SetLimits(X(chart.X.Min) - pad, X(chart.X.Max) + pad, Y(chart.Y.Min), Y(chart.Y.Max));
        return plot;
    }

    private static IEnumerable<List<(double X, double Y)>> FiniteRuns(Seq<(double X, double Y)> points)
    {
        var run = new List<(double X, double Y)>();
        foreach (var p in points)
        {
            if (double.IsFinite(p.X) && double.IsFinite(p.Y)) { run.Add(p); continue; }
            if (run.Count > 0) yield return run;
            run = new List<(double X, double Y)>();
        }
        if (run.Count > 0) yield return run;
    }

    /// <summary>The mark of a <see cref="LineWeight.MarksOnly"/> series: an asterisk, which no line style uses as its marker.</summary>
    private static readonly MarkerShape MarksOnlyShape = MarkerShape.Asterisk;

    private static LinePattern Pattern(bool primary, LineStyleSpec style, bool dashes) =>
        !dashes ? LinePattern.Solid : primary ? style.Pattern : ChartStyles.Secondary;

    private static Seq<LegendItem> LegendItems(Seq<Series> series, bool dashes) =>
        series.Map(s => (s.Name, s.StyleIndex, s.Weight)).Distinct().Map(s =>
        {
            var style = ChartStyles.For(s.StyleIndex);
            var primary = s.Weight == LineWeight.Primary;
            if (s.Weight == LineWeight.MarksOnly)
                return new LegendItem { LabelText = s.Name, LineStyle = { Width = 0 }, MarkerStyle = new MarkerStyle(MarksOnlyShape, 11, style.Colour) { LineWidth = 2f } };
            return new LegendItem
            {
                LabelText = s.Name,
                LineStyle = { Width = primary ? 2.2f : 1.6f, Color = style.Colour, Pattern = Pattern(primary, style, dashes) },
                MarkerStyle = primary ? new MarkerStyle(style.Marker, 8, style.Colour) { LineColor = Colors.White } : MarkerStyle.None,
            };
        });

    // ---- category charts -------------------------------------------------------------------------------------------

    private static Plot CategoryPlot(CategoryChart chart)
    {
        var plot = NewPlot("", chart.CategoryLabel, chart.Y.Label);
        var n = chart.Bars.Count;
        chart.Bars.Iter((i, bar) =>
        {
            var style = ChartStyles.For(bar.StyleIndex);
            if (chart.Mark == CategoryMark.Bar)
                plot.Add.Bar(new ScottPlot.Bar
                {
                    Position = i, Value = bar.Value, ValueBase = Math.Max(chart.Y.Min, 0), Size = 0.56,
                    FillColor = style.Colour.WithAlpha(0.75), LineColor = style.Colour, LineWidth = 1.5f,
                    Error = bar.Error.IfNone(0), ErrorSize = 0.25,
                });
            else
            {
                bar.Error.Iter(e =>
                {
                    var whisker = plot.Add.ErrorBar([(double)i], [bar.Value], [e]);
                    whisker.Color = Color.FromHex("#111111");
                    whisker.LineWidth = 1.4f;
                    whisker.CapSize = 12;
                });
                var mark = plot.Add.Marker(i, bar.Value, style.Marker, 13, style.Colour);
                mark.MarkerLineColor = Colors.White;
            }
            // Each seed as a small dot left of the mark, spread so equal values stay countable.
            var seedXs = bar.Samples.Map((j, _) => i - 0.2 + (j - (bar.Samples.Count - 1) / 2.0) * 0.035).ToArray();
            if (seedXs.Length > 0) plot.Add.Markers(seedXs, bar.Samples.ToArray(), MarkerShape.FilledCircle, 6, Color.FromHex("#333333").WithAlpha(0.6));
            bar.Reference.Iter(r => plot.Add.Marker(i + 0.22, r, MarkerShape.OpenDiamond, 13, Colors.Black).MarkerLineWidth = 1.8f);

            // The value above the mark and its whisker, centred, clear of the seed dots (left) and the reference (right).
            var top = new[] { bar.Value + bar.Error.IfNone(0), bar.Reference.Filter(r => Math.Abs(r - bar.Value) < 1e-12).IfNone(bar.Value) }.Max();
            var label = plot.Add.Text(bar.Value.ToString(bar.Value >= 100 ? "F0" : bar.Value >= 1 ? "F2" : "F4", CultureInfo.InvariantCulture), i, top);
            label.Alignment = Alignment.LowerCenter;
            label.OffsetY = chart.Mark == CategoryMark.Point && bar.Error.IsNone ? -10 : -4;
            label.LabelFontSize = TickSize;
            label.LabelFontName = FontFamily;
        });

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        chart.Bars.Iter((i, b) => ticks.AddMajor(i, b.Name));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        var slot = (820.0 - PanelPadding.Horizontal) / Math.Max(1, n);
        if (chart.Bars.Exists(b => b.Name.Length * TickSize * 0.6 > Math.Max(130, slot) - 10))
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -25;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        }
        SetAxis(plot.Axes.Left, chart.Y, v => v);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        plot.Axes.SetLimits(-0.6, n - 0.4, chart.Y.Min, chart.Y.Max);
        return plot;
    }

    private static Seq<LegendItem> CategoryLegend(CategoryChart chart)
    {
        var items = new List<LegendItem>();
        var mean = chart.Mark == CategoryMark.Bar ? "bar: mean over seeds" : "mark: mean over seeds";
        items.Add(new LegendItem
        {
            LabelText = chart.Bars.Exists(b => b.Error.IsSome) ? $"{mean}, whisker ±1 std" : mean,
            MarkerStyle = new MarkerStyle(chart.Mark == CategoryMark.Bar ? MarkerShape.FilledSquare : MarkerShape.FilledCircle, 11, ChartStyles.For(0).Colour),
        });
        if (chart.Bars.Exists(b => b.Samples.Count > 0))
            items.Add(new LegendItem { LabelText = "one seed", MarkerStyle = new MarkerStyle(MarkerShape.FilledCircle, 6, Color.FromHex("#333333").WithAlpha(0.6)) });
        if (chart.Bars.Exists(b => b.Reference.IsSome))
            items.Add(new LegendItem { LabelText = "reported by the source study", MarkerStyle = new MarkerStyle(MarkerShape.OpenDiamond, 13, Colors.Black) { LineWidth = 1.8f } });
        return items.ToSeq();
    }

    // ---- shared pieces ---------------------------------------------------------------------------------------------

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontFamily);
        // Every panel the same padding, so the data areas of side-by-side panels line up; no panel title, less top.
        plot.Layout.Fixed(title.Length > 0 ? PanelPadding : new PixelPadding(PanelPadding.Left, PanelPadding.Right, PanelPadding.Bottom, 12));
        plot.Title(title, PanelTitleSize);
        plot.XLabel(xLabel, LabelSize);
        plot.YLabel(yLabel, LabelSize);
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Bottom.Label.Bold = false;
        plot.Axes.Left.Label.Bold = false;
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickSize;
        plot.Grid.MajorLineColor = Color.FromHex("#e3e3e3");
        plot.HideLegend();
        return plot;
    }

    /// <summary>The model's ticks, labelled with as many decimals as the step needs; a log axis gets decades and minor ticks at 2–9.</summary>
    private static void SetAxis(IAxis axis, CoreAxis model, Func<double, double> map)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var t in model.Ticks) ticks.AddMajor(map(t), TickLabel(t, model));
        // Minor ticks at 2–9 × each decade, when the ticks are decades (a log axis over batch sizes 2, 4, …, 64 has none).
        if (model.Log && model.Ticks.Count > 1 && model.Ticks.Zip(model.Ticks.Skip(1)).All(p => Math.Abs(p.Item2 / p.Item1 - 10) < 1e-9))
            foreach (var decade in model.Ticks.SkipLast(1))
                for (var k = 2; k <= 9; k++)
                    ticks.AddMinor(map(decade * k));
        axis.TickGenerator = ticks;
    }

    /// <summary>Tick labels with as many decimals as the tick step needs ("0.875", "2", "50,000").</summary>
    public static string TickLabel(double v, CoreAxis axis)
    {
        if (axis.Log) return v.ToString("G4", CultureInfo.InvariantCulture);
        var step = axis.Ticks.Count > 1 ? Math.Abs(axis.Ticks[1] - axis.Ticks[0]) : 1;
        var decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 10);
        if (decimals == 0 && Math.Abs(v) >= 10000) return v.ToString("N0", CultureInfo.InvariantCulture);
        return v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static Legend NewLegend(Seq<LegendItem> items)
    {
        var legend = new Legend(new Plot())
        {
            Orientation = Orientation.Horizontal,
            FontSize = LegendSize,
            FontName = FontFamily,
            OutlineWidth = 0,
            BackgroundColor = Colors.White,
            ShadowColor = Colors.Transparent,
            DisplayPlottableLegendItems = false,
            SymbolWidth = 34, // long enough to show a dash pattern
        };
        legend.ManualItems.AddRange(items);
        return legend;
    }

    private static float LegendHeight(Seq<LegendItem> items, float width)
    {
        if (items.IsEmpty) return 0;
        using var paint = Paint.NewDisposablePaint();
        var layout = NewLegend(items).GetLayout(new PixelSize(width, 1000), paint);
        return layout.LegendRect.Height + 6;
    }

    private static void DrawLegend(SKCanvas canvas, Paint paint, Seq<LegendItem> items, PixelRect rect)
    {
        if (items.IsEmpty) return;
        NewLegend(items).Render(canvas, paint, rect, Alignment.UpperCenter);
    }

    private static void Text(SKCanvas canvas, Paint paint, string text, float x, float y, float size, bool bold, bool italic, Color colour, Alignment alignment)
    {
        var style = new LabelStyle { Text = text, FontName = FontFamily, FontSize = size, Bold = bold, Italic = italic, ForeColor = colour, Alignment = alignment };
        style.Render(canvas, new Pixel(x, y), paint);
    }

    private static int LineCount(string text) => text.Length == 0 ? 0 : text.Count(c => c == '\n') + 1;

    /// <summary>Greedy word wrap by the font's measured width, so a long title or note never runs off the sheet.</summary>
    private static string Wrap(string text, float width, float size, bool bold)
    {
        using var paint = Paint.NewDisposablePaint();
        var style = new LabelStyle { FontName = FontFamily, FontSize = size, Bold = bold };
        float Measure(string s) => style.Measure(s, paint).Width;
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && Measure(candidate) > width) { lines.Add(line); line = word; }
            else line = candidate;
        }
        if (line.Length > 0) lines.Add(line);
        return string.Join("\n", lines);
    }
}
