using NormLab.Host.Reports;
using Xunit;

namespace NormLab.Tests.Unit.Reports;

public sealed class ReportWriterTests : IDisposable
{
    private readonly string _dir = ResultsFixture.Create(Environment.GetEnvironmentVariable("NORMLAB_KEEP_REPORT"));

    public void Dispose()
    {
        // NORMLAB_KEEP_REPORT=<folder> keeps the generated page and figures for a look by eye.
        if (Environment.GetEnvironmentVariable("NORMLAB_KEEP_REPORT") is null) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Writes_page_and_every_figure_named_after_experiment_and_figure()
    {
        var outcome = ReportWriter.Write(_dir);

        Assert.True(outcome.Succeeded, outcome.Error.IfNone(""));
        Assert.True(File.Exists(Path.Combine(_dir, "report.html")));
        var names = outcome.SvgFiles.Map(Path.GetFileName).ToHashSet();
        foreach (var expected in new[]
                 {
                     "fashion-mlp-accuracy.svg", "fashion-mlp-loss.svg", "fashion-mlp-final-accuracy.svg", "fashion-mlp-time-per-epoch.svg",
                     "ioffe-mnist-accuracy.svg", "ioffe-mnist-ioffe-1a.svg", "ioffe-mnist-ioffe-1bc.svg", "ioffe-mnist-final-accuracy.svg",
                 })
            Assert.Contains(expected, names);
        Assert.DoesNotContain("fashion-mlp-ioffe-1a.svg", names);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*", SearchOption.AllDirectories));

        // A PNG beside every SVG, at twice the sheet's size, linked and shown by the page.
        Assert.Equal(outcome.SvgFiles.Map(f => Path.ChangeExtension(f, ".png")), outcome.PngFiles);
        using var png = SkiaSharp.SKBitmap.Decode(Path.Combine(_dir, "figures", "ioffe-mnist-ioffe-1bc.png"));
        Assert.True(png.Width > 1600, $"PNG is {png.Width} px wide; expected twice the sheet's 1028 px");
        Assert.Contains("src=\"figures/ioffe-mnist-ioffe-1bc.png\"", File.ReadAllText(Path.Combine(_dir, "report.html")));
    }
}
