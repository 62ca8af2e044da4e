using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NormLab.Host.Bench;

/// <summary>What results.md says about the machine: CPU, memory, libraries, and how loaded it was.</summary>
public sealed record MachineInfo(
    string Cpu,
    int Cores,
    double MemoryGiB,
    string LibTorch,
    string PyTorch,
    string Blas,
    string Dotnet,
    string Os)
{
    /// <summary>Reads /proc, lscpu and the BLAS alternative; every piece falls back to "unknown" rather than failing.</summary>
    public static MachineInfo Collect(string libtorch, string pytorch)
    {
        var lscpu = Run("lscpu");
        var model = lscpu.Split('\n').Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim() == "Model name")
            .Select(p => p[1].Trim()).FirstOrDefault() ?? "unknown";
        var memKb = ReadLong("/proc/meminfo", "MemTotal:");
        return new MachineInfo(model, Environment.ProcessorCount, memKb / 1024.0 / 1024.0, libtorch, pytorch, FindBlas(),
            RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);
    }

    /// <summary>"1.2 0.9 0.7" from /proc/loadavg (1, 5, 15 minutes), or "unknown".</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>The BLAS libtorch loads: where the libblas.so.3 alternative points (OpenBLAS, reference BLAS, …).</summary>
    private static string FindBlas()
    {
        foreach (var candidate in new[] { "/usr/lib/x86_64-linux-gnu/libblas.so.3", "/usr/lib/aarch64-linux-gnu/libblas.so.3" })
        {
            if (!File.Exists(candidate)) continue;
            var target = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            return target.Contains("openblas", StringComparison.OrdinalIgnoreCase) ? $"OpenBLAS ({target})" : target;
        }
        return "unknown";
    }

    private static long ReadLong(string file, string key)
    {
        try
        {
            var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Run(string program)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(program) { RedirectStandardOutput = true, UseShellExecute = false });
            if (p is null) return "";
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }
}
