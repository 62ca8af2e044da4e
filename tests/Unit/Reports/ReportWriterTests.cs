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

        // PNG copies when rsvg-convert is installed (setup installs librsvg2-bin), else one clear warning.
        if (PngConverter.Locate().IsSome)
        {
            Assert.Equal(outcome.SvgFiles.Map(f => Path.ChangeExtension(f, ".png")).OrderBy(f => f, StringComparer.Ordinal), outcome.PngFiles);
            var png = PngImage.Decode(File.ReadAllBytes(Path.Combine(_dir, "figures", "ioffe-mnist-ioffe-1bc.png")));
            Assert.True(png.Width > 1000, $"PNG is {png.Width} px wide; expected twice the SVG size");
            Assert.Contains("href=\"figures/ioffe-mnist-ioffe-1bc.png\"", File.ReadAllText(Path.Combine(_dir, "report.html")));
        }
        else
            Assert.Contains(PngConverter.MissingToolMessage, outcome.Warnings);
    }
}
