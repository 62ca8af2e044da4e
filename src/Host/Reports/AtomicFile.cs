using System.Text;

namespace NormLab.Host.Reports;

/// <summary>
/// Writes a file the contract's way: <c>name.tmp-&lt;pid&gt;</c> in the same folder, flushed to disk, then renamed over
/// <c>name</c> — a rename within one folder is atomic, so a reader sees the old file or the new one, never half of one.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, s =>
    {
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        s.Write(bytes, 0, bytes.Length);
    });

    public static void Write(string path, Action<FileStream> write)
    {
        var temp = TempPath(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The temporary name beside <paramref name="path"/> (same folder, so the final rename is atomic).</summary>
    public static string TempPath(string path) => $"{path}.tmp-{Environment.ProcessId}";
}
