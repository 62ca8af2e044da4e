using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using NormLab.Host.Reports;
using SkiaSharp;
using Xunit;
using Xunit.Abstractions;

namespace NormLab.Tests.Unit.Reports;

/// <summary>
/// The page in a real browser: Microsoft.Playwright drives Debian's chromium, by its executable path (Playwright's own
/// browser download is neither possible here nor wanted), over report.html generated from a fixture results folder.
/// One page load, every check: no request leaves the results folder, no console error, every figure decoded
/// (naturalWidth &gt; 0), the tables' numbers are summary.json's, every raw-file link resolves; a full-page screenshot is
/// kept as the test's artifact (<c>artifacts/report-fullpage.png</c> beside the test assembly). A missing chromium is a
/// failure, not a skip: without it, "opens offline and shows the figures" is unproven.
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = ResultsFixture.Create();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Report_opens_offline_with_every_figure_table_number_and_link()
    {
        var outcome = ReportWriter.Write(_dir);
        var report = outcome.ReportPath.IfNone(() => throw new InvalidOperationException(outcome.Error.IfNone("no report")));
        var pageUrl = new Uri(report).AbsoluteUri;
        var folderUrl = new Uri(_dir + Path.DirectorySeparatorChar).AbsoluteUri;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        var requests = new List<string>();
        var consoleErrors = new List<string>();
        page.Request += (_, r) => { lock (requests) requests.Add(r.Url); };
        page.Console += (_, m) => { if (m.Type == "error") lock (consoleErrors) consoleErrors.Add(m.Text); };
        page.PageError += (_, e) => { lock (consoleErrors) consoleErrors.Add(e); };

        await page.GotoAsync(pageUrl, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });

        // 1. No request leaves the folder (the log works: it saw the page itself and its figures).
        Assert.Contains(pageUrl, requests);
        var outside = requests.Where(u => !u.StartsWith(folderUrl, StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.True(outside.Count == 0, $"the page requested {outside.Count} resource(s) outside its folder: {string.Join(", ", outside)}");

        // 2. No console error, no uncaught page error.
        Assert.True(consoleErrors.Count == 0, "console errors: " + string.Join(" | ", consoleErrors));

        // 3. Every figure loaded and decoded.
        var images = await page.EvaluateAsync<ImageState[]>(
            "() => Array.from(document.images).map(i => ({ src: i.getAttribute('src'), complete: i.complete, naturalWidth: i.naturalWidth }))");
        Assert.Equal(outcome.PngFiles.Count, images.Length);
        Assert.All(images, i => Assert.True(i.Complete && i.NaturalWidth > 0, $"{i.Src} did not load (naturalWidth {i.NaturalWidth})"));
        Assert.All(outcome.PngFiles, png => Assert.Contains(images, i => i.Src == $"figures/{Path.GetFileName(png)}"));

        // 4. The tables' numbers are those in the runs' summary.json files.
        var rows = await page.EvaluateAsync<string[][]>("""
            () => Array.from(document.querySelectorAll('section.experiment')).flatMap(s =>
                Array.from(s.querySelectorAll('table:not(.statistics) tbody tr:not(.problems)')).map(r =>
                    [s.querySelector('h2').textContent, ...Array.from(r.cells).map(c => c.innerText.trim())]))
            """);
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var (experiment, variant) = (row[0], row[1]);
            var summaries = Summaries(experiment, variant);
            Assert.True(summaries.Count > 0, $"{experiment}/{variant}: no summary.json on disk for a table row");
            Assert.Equal($"{summaries.Count}/{summaries.Count}", row[3]);
            Assert.Equal(MeanStd(summaries.Select(s => s.GetProperty("testAccuracy").GetDouble()), 4), row[4]);
            Assert.Equal(MeanStd(summaries.Select(s => s.GetProperty("bestValAccuracy").GetDouble()), 4), row[5]);
            Assert.Equal(MeanStd(summaries.Select(s => s.GetProperty("wallSeconds").GetDouble()), 1), row[6].Split(" (reported")[0]);
            Assert.Equal(MeanStd(summaries.Select(s => s.GetProperty("imagesPerSecond").GetDouble()), 0), row[8]);
        }

        // 4b. The statistics table's n and mean are those of the same summary.json files.
        var stats = await page.EvaluateAsync<string[][]>("""
            () => Array.from(document.querySelectorAll('section.experiment')).flatMap(s =>
                Array.from(s.querySelectorAll('table.statistics tbody tr')).map(r =>
                    [s.querySelector('h2').textContent, ...Array.from(r.cells).map(c => c.innerText.trim())]))
            """);
        foreach (var row in stats)
        {
            var summaries = Summaries(row[0], row[1]);
            Assert.Equal(summaries.Count.ToString(CultureInfo.InvariantCulture), row[2]);
            Assert.Equal(MeanStd(summaries.Select(s => s.GetProperty("testAccuracy").GetDouble()), 4).Split(" ± ")[0], row[3]);
        }

        // 5. Every link to a file resolves to a file in the results folder.
        var hrefs = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)");
        var fileLinks = hrefs.Where(h => !h.StartsWith(pageUrl + "#", StringComparison.Ordinal)).ToList();
        Assert.Contains(fileLinks, h => h.EndsWith("/metrics.csv", StringComparison.Ordinal));
        Assert.All(fileLinks, h =>
        {
            Assert.StartsWith(folderUrl, h);
            Assert.True(File.Exists(new Uri(h).LocalPath), $"link {h} does not resolve to a file");
        });

        // 6. A full-page screenshot, kept; it shows the figures (the series colours appear).
        var artifact = Path.Combine(AppContext.BaseDirectory, "artifacts", "report-fullpage.png");
        Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = artifact, FullPage = true });
        output.WriteLine($"screenshot: {artifact}");
        using var shot = SKBitmap.Decode(artifact);
        Assert.Equal(1200, shot.Width);
        Assert.True(shot.Height > 3000, $"full page is only {shot.Height} px tall");
        var ink = 0;
        for (var y = 0; y < shot.Height; y += 2)
        for (var x = 0; x < shot.Width; x += 2)
        {
            var c = shot.GetPixel(x, y);
            if (Math.Abs(c.Red - 0x00) + Math.Abs(c.Green - 0x72) + Math.Abs(c.Blue - 0xB2) <= 24) ink++;
        }
        Assert.True(ink > 500, $"no chart lines in the screenshot: only {ink} sampled pixels in the first series colour");
    }

    /// <summary>What the page says of one &lt;img&gt; (Playwright fills it by property name).</summary>
    private sealed class ImageState
    {
        public string Src { get; set; } = "";
        public bool Complete { get; set; }
        public int NaturalWidth { get; set; }
    }

    private List<JsonElement> Summaries(string experiment, string variant) =>
        Directory.GetFiles(Path.Combine(_dir, experiment, variant), "summary.json", SearchOption.AllDirectories)
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
            .Where(s => s.GetProperty("status").GetString() == "complete")
            .ToList();

    /// <summary>Mean and sample standard deviation as the report prints them: "0.8920 ± 0.0014", the mean alone for one run.</summary>
    private static string MeanStd(IEnumerable<double> values, int decimals)
    {
        var v = values.ToList();
        var f = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        var mean = v.Average();
        if (v.Count < 2) return mean.ToString(f, CultureInfo.InvariantCulture);
        var std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
        return $"{mean.ToString(f, CultureInfo.InvariantCulture)} ± {std.ToString(f, CultureInfo.InvariantCulture)}";
    }

    private static string Chromium()
    {
        var found = new[] { "chromium", "chromium-browser" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);
        if (found is null)
            Assert.Fail("chromium is not installed, so the report cannot be tested in a real browser: install Debian's chromium (apt-get install -y chromium; ./normlab setup --test does this)");
        return found!;
    }
}
