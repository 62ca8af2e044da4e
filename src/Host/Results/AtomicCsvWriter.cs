using System.Diagnostics;
using System.Text;

namespace NormLab.Host.Results;

/// <summary>
/// A CSV file that only ever exists complete. Appending to a file is not atomic (a crash can leave half a line), so rows are
/// kept in memory and the whole file is rewritten with <see cref="AtomicFile"/> — at creation (header only), whenever
/// <see cref="FlushInterval"/> has passed since the last write when a row is appended, on <see cref="Flush"/>, and on
/// <see cref="Dispose"/>. A reader therefore sees a prefix of the rows that ends at a line boundary; a crash loses at most
/// the rows of the last interval. The rewrite costs O(file) each time, which the interval bounds (a few hundred kB every
/// few seconds at most for our runs).
/// </summary>
public class AtomicCsvWriter : IDisposable
{
    private readonly StringBuilder _text = new();
    private readonly Stopwatch _sinceFlush = Stopwatch.StartNew();
    private int _pending;
    private bool _disposed;

    /// <param name="existing">The whole text of an earlier attempt to continue from (a checkpoint's copy: header and
    /// rows, each line ending in '\n'); null starts with the header alone.</param>
    public AtomicCsvWriter(string path, string header, TimeSpan? flushInterval = null, string? existing = null)
    {
        Path = path;
        FlushInterval = flushInterval ?? TimeSpan.FromSeconds(5);
        if (existing is null)
        {
            _text.Append(header).Append('\n');
        }
        else
        {
            if (!existing.StartsWith(header + "\n", StringComparison.Ordinal) || !existing.EndsWith('\n'))
                throw new ResultsFormatException(path, 1, $"the text to continue from does not start with the header \"{header}\" or ends mid-line");
            _text.Append(existing);
            RowCount = existing.Count(c => c == '\n') - 1;
        }
        Flush();
    }

    /// <summary>The whole file as it stands (header and every row appended so far), for a checkpoint.</summary>
    public string Text => _text.ToString();

    public string Path { get; }

    public TimeSpan FlushInterval { get; }

    /// <summary>Rows appended so far.</summary>
    public int RowCount { get; private set; }

    /// <summary>Appends one already formatted line (no newline) and writes the file if the interval has passed.</summary>
    protected void AppendLine(string line)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _text.Append(line).Append('\n');
        RowCount++;
        _pending++;
        if (_sinceFlush.Elapsed >= FlushInterval) Flush();
    }

    /// <summary>Writes every row appended so far, atomically.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        AtomicFile.WriteAllText(Path, _text.ToString());
        _pending = 0;
        _sinceFlush.Restart();
    }

    public void Dispose()
    {
        if (_disposed) return;
        if (_pending > 0) Flush();
        _disposed = true;
        GC.SuppressFinalize(this);
    }
}
