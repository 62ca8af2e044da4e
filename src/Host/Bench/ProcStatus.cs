using System.Globalization;

namespace NormLab.Host.Bench;

/// <summary>Memory figures of this process from /proc/self/status (Linux): VmRSS now, VmHWM = peak resident set.</summary>
public static class ProcStatus
{
    /// <summary>The value of <paramref name="field"/> (e.g. "VmHWM") in MiB, or null where /proc is not available.</summary>
    public static double? ReadMb(string field)
    {
        try
        {
            return ParseMb(File.ReadAllText("/proc/self/status"), field);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses "VmHWM:\t  123456 kB" out of a status text.</summary>
    public static double? ParseMb(string status, string field)
    {
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var parts = line[(field.Length + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
                return kb / 1024.0;
        }
        return null;
    }
}
