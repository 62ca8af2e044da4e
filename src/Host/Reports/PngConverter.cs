using NormLab.Host.Results;
using System.Diagnostics;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Host.Reports;

/// <summary>
/// SVG → PNG through Debian's <c>rsvg-convert</c> (package librsvg2-bin): no .NET rasteriser is restorable here, and
/// librsvg renders exactly the SVG the page shows. Twice the SVG's size on a white background, for print and for
/// README pages with a dark theme.
/// </summary>
public static class PngConverter
{
    public const string Tool = "rsvg-convert";
    public const string MissingToolMessage = "rsvg-convert not found: PNG figures skipped, SVG figures written (install it with: apt-get install librsvg2-bin)";

    /// <summary>The tool's full path, when it is on PATH.</summary>
    public static Option<string> Locate() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, Tool))
            .Where(File.Exists)
            .Select(Some)
            .FirstOrDefault();

    /// <summary>Converts <paramref name="svgPath"/> into <paramref name="pngPath"/> atomically; Left is a one-line reason.</summary>
    public static Either<string, string> Convert(string tool, string svgPath, string pngPath)
    {
        var temp = AtomicFile.TempPathFor(pngPath);
        try
        {
            var start = new ProcessStartInfo(tool)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--zoom", "2", "--format", "png", "--background-color", "white", "--output", temp, svgPath })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start);
            if (process is null) return Left($"{pngPath}: could not start {tool}");
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                return Left($"{pngPath}: {tool} did not finish within 60 s");
            }
            if (process.ExitCode != 0 || !File.Exists(temp))
                return Left($"{pngPath}: {tool} failed (exit {process.ExitCode}): {stderr.GetAwaiter().GetResult().Split('\n')[0]}");
            File.Move(temp, pngPath, overwrite: true);
            return Right(pngPath);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
