using System.Diagnostics;
using NormLab.Host.Reports;
using Xunit;

namespace NormLab.Tests.Unit.Reports;

/// <summary>
/// The page in a real browser: Debian's headless chromium loads report.html generated from a fixture results folder.
/// A missing chromium is a failure, not a skip: without it, "opens offline and shows the charts" is unproven.
/// </summary>
public sealed class BrowserTests : IDisposable
{
    private static readonly string[] HeadlessFlags =
    {
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1200,2000",
    };

    private readonly string _dir = ResultsFixture.Create();
    private readonly string _profile = Directory.CreateTempSubdirectory("normlab-chromium-").FullName;
    private readonly string _report;

    public BrowserTests()
    {
        var outcome = ReportWriter.Write(_dir);
        _report = outcome.ReportPath.IfNone(() => throw new InvalidOperationException(outcome.Error.IfNone("no report")));
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { /* chromium may still be flushing its profile */ }
    }

    [Fact]
    public void Screenshot_of_the_page_shows_the_charts()
    {
        var shot = Path.Combine(_dir, "screenshot.png");
        var (exit, stderr) = Run(Chromium(), HeadlessFlags.Concat(new[] { $"--user-data-dir={_profile}", $"--screenshot={shot}", new Uri(_report).AbsoluteUri }), TimeSpan.FromSeconds(30));

        Assert.True(exit == 0 && File.Exists(shot), $"chromium exited with {exit} and wrote no screenshot: {LastLines(stderr)}");
        var image = PngImage.Decode(File.ReadAllBytes(shot));
        Assert.Equal((1200, 2000), (image.Width, image.Height));

        // Not blank: many distinct colours (anti-aliased text and lines) and plenty of non-white pixels.
        var colours = new System.Collections.Generic.HashSet<int>();
        var nonWhite = 0;
        var chartInk = 0;
        for (var y = 0; y < image.Height; y++)
        for (var x = 0; x < image.Width; x++)
        {
            var (r, g, b) = image.Pixel(x, y);
            colours.Add(r << 16 | g << 8 | b);
            if (r < 235 || g < 235 || b < 235) nonWhite++;
            // The first two styles' colours (#0072B2 blue, #D55E00 vermillion) appear only in charts, never in text.
            if (Near(r, g, b, 0x00, 0x72, 0xB2) || Near(r, g, b, 0xD5, 0x5E, 0x00)) chartInk++;
        }
        Assert.True(colours.Count >= 64, $"screenshot looks blank: only {colours.Count} distinct colours");
        Assert.True(nonWhite >= 20_000, $"screenshot looks blank: only {nonWhite} non-white pixels");
        Assert.True(chartInk >= 1_000, $"no chart lines visible: only {chartInk} pixels in the series colours");
    }

    /// <summary>
    /// No network request. The robust check is the browser's own account of what the page requested: chromium runs
    /// with a DevTools port, the test opens the page in a tab it watches (Network.requestWillBeSent), and every URL the
    /// page asked for must be a file inside the results folder. Watching a proxy instead does not work: chromium makes
    /// its own background requests (clock sync, update checks) despite the flags, which would be blamed on the page.
    /// As a second line, host resolution is mapped to NOTFOUND so nothing could leave the machine anyway, and the
    /// HTML itself must hold no script and no http(s) URL.
    /// </summary>
    [Fact]
    public async Task Page_makes_no_network_request()
    {
        var html = await File.ReadAllTextAsync(_report);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var start = new ProcessStartInfo(Chromium()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in HeadlessFlags.Concat(new[]
                 {
                     $"--user-data-dir={_profile}", "--remote-debugging-port=0", "--remote-allow-origins=*",
                     "--host-resolver-rules=MAP * ~NOTFOUND", "about:blank",
                 }))
            start.ArgumentList.Add(a);
        using var browser = Process.Start(start) ?? throw new InvalidOperationException("could not start chromium");
        try
        {
            var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            browser.ErrorDataReceived += (_, e) =>
            {
                const string marker = "DevTools listening on ";
                if (e.Data?.IndexOf(marker, StringComparison.Ordinal) is int at && at >= 0) endpoint.TrySetResult(new Uri(e.Data[(at + marker.Length)..].Trim()));
            };
            browser.BeginErrorReadLine();
            browser.BeginOutputReadLine();
            var ws = await endpoint.Task.WaitAsync(cancel.Token);

            await using var devtools = await DevToolsNetworkLog.Connect(ws, cancel.Token);
            var requests = await devtools.RequestsWhileLoading(new Uri(_report).AbsoluteUri, cancel.Token);

            var inside = new Uri(_dir + Path.DirectorySeparatorChar).AbsoluteUri;
            Assert.Contains(new Uri(_report).AbsoluteUri, requests); // the log works: it saw the page itself
            var outside = requests.Where(u => !u.StartsWith(inside, StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal)).ToList();
            Assert.True(outside.Count == 0, $"the page requested {outside.Count} resource(s) outside its folder: {string.Join(", ", outside)}");
        }
        finally
        {
            if (!browser.HasExited) browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static string Chromium()
    {
        var found = new[] { "chromium", "chromium-browser" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);
        if (found is null)
            Assert.Fail("chromium is not installed, so the report cannot be tested in a real browser: install Debian's chromium (apt-get install -y chromium; the setup script does this for CI)");
        return found!;
    }

    private static (int Exit, string Stderr) Run(string exe, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {exe}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"chromium did not finish within {timeout.TotalSeconds} s");
        }
        process.WaitForExit();
        _ = stdout.GetAwaiter().GetResult();
        return (process.ExitCode, stderr.GetAwaiter().GetResult());
    }

    private static bool Near(byte r, byte g, byte b, int R, int G, int B) => Math.Abs(r - R) + Math.Abs(g - G) + Math.Abs(b - B) <= 24;

    private static string LastLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
}
