namespace NormLab.Host.Results;

/// <summary>Checks, before any run, that the results folder can be written: a folder NormLab cannot write is one line and
/// exit 2 then, not a stack trace after the first run has trained.</summary>
public static class ResultsFolder
{
    /// <summary>A one-line error naming the folder and the fix, or null when a file can be created there (nothing is left behind).</summary>
    public static string? Problem(string dir)
    {
        var full = Path.GetFullPath(dir);
        // The folder itself when it exists, else the nearest folder above it that does (where it would be made): a check
        // that leaves nothing behind, so a run refused later for another reason has written nothing.
        var existing = full;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        try
        {
            if (File.Exists(existing)) throw new IOException($"{existing} is a file, not a folder");
            var probe = Path.Combine(existing, $".normlab-write-check-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return $"{full}: cannot write the results folder ({e.Message.TrimEnd('.')}) — fix its permissions or choose another with --out DIR";
        }
    }
}
