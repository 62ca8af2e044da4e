using System.Xml.Linq;
using NormLab.Core.Reports;
using NormLab.Host.Reports;
using Xunit;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Reports;

public sealed class SvgAndHtmlTests : IDisposable
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
    public void Svg_is_well_formed_with_one_path_per_series_and_the_legend_names()
    {
        var text = SvgRenderer.Render(TwoSeries("no_bn <&> \"x\""), "exp-acc");

        var doc = XDocument.Parse(text);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.NotNull(doc.Root.Attribute("viewBox"));
        var paths = doc.Descendants(Svg + "path").Where(p => (string?)p.Attribute("class") == "series").ToList();
        Assert.Equal(new[] { "no_bn <&> \"x\"", "bn" }, paths.Select(p => (string?)p.Attribute("data-series")).ToArray());
        Assert.StartsWith("M", (string?)paths[0].Attribute("d"));
        Assert.Null(paths[0].Attribute("stroke-dasharray")); // style 0: solid
        Assert.Equal("8 4", (string?)paths[1].Attribute("stroke-dasharray")); // style 1: dashed, readable in grayscale
        Assert.Single(doc.Descendants(Svg + "polygon"), p => (string?)p.Attribute("class") == "band");
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("no_bn <&> \"x\"", texts); // legend, escaped in the file, exact once parsed
        Assert.Contains("bn", texts);
        Assert.Contains(AxisLabels.Steps, texts);
        Assert.Contains(AxisLabels.Accuracy, texts);
        Assert.Contains("Accuracy <by> step & seed", texts);
        Assert.Contains("0.9", texts); // a y tick label
    }

    [Fact]
    public void Every_generated_figure_parses_and_inline_svg_has_no_namespace_url()
    {
        var outcome = ReportWriter.Write(_dir, png: false);
        Assert.True(outcome.Succeeded);
        foreach (var file in outcome.SvgFiles)
        {
            var doc = XDocument.Load(file);
            Assert.Equal(Svg + "svg", doc.Root!.Name);
        }
        var panel = XDocument.Load(Path.Combine(_dir, "figures", "ioffe-mnist-ioffe-1bc.svg"));
        Assert.Equal(6, panel.Descendants(Svg + "path").Count(p => (string?)p.Attribute("class") == "series")); // 3 percentiles × 2 panels
        Assert.Contains("with BN: sigmoid_bn", panel.Descendants(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void Html_is_self_contained_and_carries_tables_configs_sentences_and_links()
    {
        var outcome = ReportWriter.Write(_dir, png: false);
        var html = File.ReadAllText(outcome.ReportPath.IfNone(""));

        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("<details class=\"config\">", html);
        Assert.Contains("batchSize: 128", html);
        Assert.Contains("With BN, test accuracy is 0.8920 ± 0.0014 vs 0.8730 ± 0.0014 without (+1.90 points); time per epoch +0.9%.", html);
        Assert.Contains("without vs with BN &lt;&amp; &quot;quoted&quot;&gt;.", html); // the description, escaped
        Assert.Contains("href=\"figures/fashion-mlp-accuracy.svg\"", html);
        Assert.Contains("href=\"fashion-mlp/bn/seed-1/metrics.csv\"", html);
        Assert.Contains("href=\"ioffe-mnist/sigmoid/seed-0/probes.csv\"", html);
        Assert.Contains("0.8920", html); // reported value in the table
        Assert.Equal(outcome.SvgFiles.Count, CountOf(html, "<svg "));
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
        Assert.True(ReportWriter.Write(_dir, png: false).Succeeded);
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
