using System.Xml.Linq;
using NormLab.Core.Reports;
using NormLab.Host.Reports;
using SkiaSharp;
using Xunit;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Reports;

public sealed class FigureAndHtmlTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _dir = ResultsFixture.Create();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Chart TwoSeries(string firstName) => new(
        "acc", "Accuracy <by> step & seed",
        Axis.Nice(AxisLabels.Steps, 0, 200), Axis.Nice(AxisLabels.Accuracy, 0.5, 1.0),
        Seq(new Series(firstName, Seq((0.0, 0.5), (100.0, 0.8), (200.0, 0.9)), 0),
            new Series("bn", Seq((0.0, 0.6), (100.0, 0.9), (200.0, double.NaN)), 1)),
        new[] { new Band("bn", Seq((0.0, 0.55, 0.65), (100.0, 0.85, 0.95)), 1) }.ToSeq(),
        Some("mean over 2 seeds"));

    [Fact]
    public void ScottPlot_draws_svg_and_a_double_density_png_with_the_series_colours_and_text()
    {
        var drawn = FigureRenderer.Render(TwoSeries("no_bn <&> \"x\""));

        var doc = XDocument.Parse(drawn.Svg);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Equal(drawn.Width.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)doc.Root.Attribute("width"));
        // The two series' colours (style 0 blue, style 1 vermillion) are stroked in the SVG.
        Assert.Contains("#0072B2", drawn.Svg, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("#D55E00", drawn.Svg, StringComparison.OrdinalIgnoreCase);

        using var png = SKBitmap.Decode(drawn.Png);
        Assert.Equal((drawn.Width * FigureRenderer.PngScale, drawn.Height * FigureRenderer.PngScale), (png.Width, png.Height));
        var (blue, vermillion, dark) = (0, 0, 0);
        for (var y = 0; y < png.Height; y++)
        for (var x = 0; x < png.Width; x++)
        {
            var c = png.GetPixel(x, y);
            if (Near(c, 0x00, 0x72, 0xB2)) blue++;
            if (Near(c, 0xD5, 0x5E, 0x00)) vermillion++;
            if (c.Red < 80 && c.Green < 80 && c.Blue < 80) dark++;
        }
        Assert.True(blue > 500 && vermillion > 500, $"series lines missing: {blue} blue, {vermillion} vermillion pixels");
        Assert.True(dark > 5_000, $"text and axes missing: only {dark} dark pixels (is fonts-dejavu-core installed?)");
    }

    [Fact]
    public void A_log_axis_draws_every_decade_with_its_label()
    {
        var chart = new Chart("loss", "Loss", Axis.Nice(AxisLabels.Steps, 0, 200), Axis.NiceLog(AxisLabels.Loss, 0.004, 2.3),
            Seq1(new Series("bn", Seq((0.0, 2.3), (100.0, 0.1), (200.0, 0.004)), 0)), Empty, None);
        var drawn = FigureRenderer.Render(chart);
        using var png = SKBitmap.Decode(drawn.Png);
        var blue = 0;
        for (var y = 0; y < png.Height; y++)
        for (var x = 0; x < png.Width; x++)
            if (Near(png.GetPixel(x, y), 0x00, 0x72, 0xB2)) blue++;
        Assert.True(blue > 500, $"the series is off the log axis: {blue} blue pixels");
        Assert.Equal(new[] { "0.001", "0.01", "0.1", "1", "10" }, chart.Y.Ticks.Map(t => FigureRenderer.TickLabel(t, chart.Y)).ToArray());
    }

    [Fact]
    public void Long_titles_wrap_inside_the_sheet_and_dejavu_is_the_font()
    {
        Assert.True(FigureRenderer.FontProblem.IsNone, FigureRenderer.FontProblem.IfNone(""));
        var chart = TwoSeries("bn") with { Title = string.Join(" ", Enumerable.Repeat("a very long title word", 20)) };
        var wide = FigureRenderer.Render(chart);
        var narrow = FigureRenderer.Render(TwoSeries("bn"));
        Assert.Equal(narrow.Width, wide.Width); // the title wrapped instead of widening the sheet
        Assert.True(wide.Height > narrow.Height + 60, $"{wide.Height} vs {narrow.Height}: the wrapped title should add lines");
        Assert.Contains("DejaVu", wide.Svg);
    }

    [Fact]
    public void Every_generated_figure_is_an_svg_and_a_png_of_the_same_sheet()
    {
        var outcome = ReportWriter.Write(_dir);
        Assert.True(outcome.Succeeded);
        Assert.Equal(outcome.SvgFiles.Map(f => Path.ChangeExtension(f, ".png")), outcome.PngFiles);
        foreach (var (svg, png) in outcome.SvgFiles.Zip(outcome.PngFiles))
        {
            var root = XDocument.Load(svg).Root!;
            Assert.Equal(Svg + "svg", root.Name);
            using var image = SKBitmap.Decode(png);
            Assert.Equal(int.Parse((string)root.Attribute("width")!) * FigureRenderer.PngScale, image.Width);
        }
    }

    private static bool Near(SKColor c, int r, int g, int b) => Math.Abs(c.Red - r) + Math.Abs(c.Green - g) + Math.Abs(c.Blue - b) <= 24;

    [Fact]
    public void Html_is_self_contained_and_carries_tables_configs_sentences_and_links()
    {
        var outcome = ReportWriter.Write(_dir);
        var html = File.ReadAllText(outcome.ReportPath.IfNone(""));

        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("<details class=\"config\">", html);
        Assert.Contains("batchSize: 128", html);
        Assert.Contains("With BN, test accuracy is 0.8920 ± 0.0014 vs 0.8730 ± 0.0014 without (+1.90 points); time per epoch +0.9%.", html);
        Assert.Contains("without vs with BN &lt;&amp; &quot;quoted&quot;&gt;.", html); // the description, escaped
        Assert.Contains("href=\"figures/fashion-mlp-accuracy.svg\"", html);
        Assert.Contains("<img class=\"figure\" src=\"figures/fashion-mlp-accuracy.png\"", html);
        Assert.Contains("href=\"fashion-mlp/bn/seed-1/metrics.csv\"", html);
        Assert.Contains("href=\"ioffe-mnist/sigmoid/seed-0/probes.csv\"", html);
        Assert.Contains("0.8920", html); // reported value in the table
        Assert.Equal(outcome.PngFiles.Count, CountOf(html, "<img "));
    }

    [Fact]
    public void Loader_tolerates_missing_optional_files_and_reports_bad_rows()
    {
        var run = Path.Combine(_dir, "fashion-mlp", "bn", "seed-0");
        File.Delete(Path.Combine(run, "summary.json"));
        File.Delete(Path.Combine(run, "config.yaml"));
        File.AppendAllText(Path.Combine(run, "metrics.csv"), "12,x,val,0.1,0.9,1\n99,1.0,holdout,0.1,0.9,1\n");

        var loaded = ResultsLoader.Load(_dir).IfLeft(e => throw new Xunit.Sdk.XunitException(e));

        var bn0 = loaded.Experiments.Find(e => e.Info.Name == "fashion-mlp").Bind(e => e.Runs.Find(r => r.Variant == "bn" && r.Seed == 0))
            .IfNone(() => throw new Xunit.Sdk.XunitException("run missing"));
        Assert.True(bn0.Summary.IsNone);
        Assert.True(bn0.Probes.IsEmpty);
        Assert.Equal(31, bn0.Metrics.Count); // 20 train + 10 val + 1 test; the two bad rows skipped
        Assert.Contains(loaded.Warnings, w => w.EndsWith("metrics.csv:33: epoch 'x' is not a number"));
        Assert.Contains(loaded.Warnings, w => w.EndsWith("metrics.csv:34: split 'holdout' is not train, val or test"));
        Assert.Equal(0.8910, bn0.Metrics.Last.Accuracy.IfNone(0)); // the test row, so the table still has a number
        Assert.True(ReportWriter.Write(_dir).Succeeded);
    }

    [Fact]
    public void Missing_results_folder_is_a_clear_error()
    {
        var outcome = ReportWriter.Write(Path.Combine(_dir, "nope"));
        Assert.False(outcome.Succeeded);
        Assert.Contains("does not exist", outcome.Error.IfNone(""));
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;
}
