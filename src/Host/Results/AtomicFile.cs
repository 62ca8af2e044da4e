using System.Text;

namespace NormLab.Host.Results;

/// <summary>
/// Writes a file so that a reader sees either the old content or the complete new content, never a half file
/// (results contract in HELPERS.md): the bytes go to <c>name.tmp-&lt;pid&gt;</c> in the same folder (same file system, so the
/// rename is atomic), are flushed to disk with fsync, and the temp file is renamed over <c>name</c>. If anything fails before
/// the rename, the temp file is deleted and the old file is left as it was.
/// The folder entry itself is not fsynced (.NET has no portable call for it): after a power cut the rename may be lost, but
/// the file is then the old complete one, never a torn one.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string contents) =>
        Write(path, stream =>
        {
            var bytes = Utf8NoBom.GetBytes(contents);
            stream.Write(bytes);
        });

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        // A span cannot be captured by the lambda; copy once only when needed.
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>The temp file name used for <paramref name="path"/> by this process.</summary>
    public static string TempPathFor(string path) => $"{path}.tmp-{Environment.ProcessId}";

    /// <summary>Lets <paramref name="write"/> fill the new content; only a write that returns normally replaces <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = TempPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // Best effort: the original error is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
