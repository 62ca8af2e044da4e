namespace NormLab.Host.Results;

/// <summary>Checks, before any run, that the results folder can be written: a folder NormLab cannot write is one line and
/// exit 2 then, not a stack trace after the first run has trained.</summary>
public static class ResultsFolder
{
    /// <summary>A one-line error naming the folder and the fix, or null when a file can be created there.</summary>
    public static string? Problem(string dir)
    {
        var full = Path.GetFullPath(dir);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".write-check-{Environment.ProcessId}");
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
