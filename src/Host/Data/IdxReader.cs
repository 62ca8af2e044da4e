using System.Buffers.Binary;
using System.IO.Compression;

namespace NormLab.Host.Data;

/// <summary>The pixels of an IDX3 image file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Columns"/> bytes, row-major.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels)
{
    public int SampleSize => Rows * Columns;
}

/// <summary>
/// Reads IDX files (LeCun's MNIST format, also used by Fashion-MNIST), raw or gzip-compressed — told apart by the gzip magic
/// bytes 1f 8b, not by the file name. Every structural fact is checked against the header: the magic number, the number of
/// dimensions, the payload length (truncated or trailing bytes) and, for labels, the class range.
/// The payload is read straight into one exact-size array: no per-sample allocation, no intermediate copies.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic of an image file: 0x00 0x00, type 0x08 (unsigned byte), 3 dimensions.</summary>
    public const uint ImagesMagic = 0x00000803;

    /// <summary>Magic of a label file: 0x00 0x00, type 0x08 (unsigned byte), 1 dimension.</summary>
    public const uint LabelsMagic = 0x00000801;

    private const string FixHint = "Delete the file and run ./normlab setup to fetch a fresh copy, or point dataDir at a good one";

    public static IdxImages ReadImages(string path)
    {
        using var stream = Open(path, out var rawLength);
        var header = new byte[16];
        ReadHeader(stream, path, header, 16, "an IDX image file");
        CheckMagic(path, header, ImagesMagic, "an image file (idx3: count, rows, columns)");
        var count = Dimension(path, header, 4, "image count");
        var rows = Dimension(path, header, 8, "rows");
        var cols = Dimension(path, header, 12, "columns");
        var payload = (long)count * rows * cols;
        if (payload > Array.MaxLength)
            throw new IdxFormatException(path, $"header claims {count}×{rows}×{cols} = {payload} pixels, more than one array can hold", FixHint);
        var pixels = new byte[payload];
        ReadPayload(stream, path, pixels, 16, rawLength, $"{count} images of {rows}×{cols}");
        return new IdxImages(count, rows, cols, pixels);
    }

    /// <summary>Labels as bytes; each must lie in 0..<paramref name="numClasses"/>−1.</summary>
    public static byte[] ReadLabels(string path, int numClasses = 10)
    {
        if (numClasses is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(numClasses), $"must be in 1..256 (got {numClasses})");
        using var stream = Open(path, out var rawLength);
        var header = new byte[8];
        ReadHeader(stream, path, header, 8, "an IDX label file");
        CheckMagic(path, header, LabelsMagic, "a label file (idx1: count)");
        var count = Dimension(path, header, 4, "label count");
        var labels = new byte[count];
        ReadPayload(stream, path, labels, 8, rawLength, $"{count} labels");
        var bad = labels.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(numClasses - 1));
        if (bad >= 0)
            throw new IdxFormatException(path,
                $"label at index {bad} is {labels[bad]}, outside the class range 0..{numClasses - 1}",
                numClasses == 10
                    ? "This is not a 10-class MNIST-style label file; " + char.ToLowerInvariant(FixHint[0]) + FixHint[1..]
                    : FixHint);
        return labels;
    }

    /// <summary>Images and their labels, checked to describe the same number of samples.</summary>
    public static (IdxImages Images, byte[] Labels) ReadPair(string imagesPath, string labelsPath, int numClasses = 10)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath, numClasses);
        if (images.Count != labels.Length)
            throw new IdxFormatException(imagesPath,
                $"holds {images.Count} images but its label file {labelsPath} holds {labels.Length} labels",
                "The two files come from different datasets or splits; use the matching train/t10k pair");
        return (images, labels);
    }

    /// <summary>True when the file starts with the gzip magic bytes 1f 8b.</summary>
    public static bool IsGzip(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        Span<byte> magic = stackalloc byte[2];
        return fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    /// <summary>A stream over the decompressed content; <paramref name="rawLength"/> is the file length for raw files, −1 for gzip.</summary>
    private static Stream Open(string path, out long rawLength)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        var gzip = IsGzip(path);
        // A large buffer for the raw case lets FileStream hand whole reads to the OS; sequential-scan hints the page cache.
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, gzip ? 1 << 16 : 1, FileOptions.SequentialScan);
        if (!gzip)
        {
            rawLength = fs.Length;
            return fs;
        }
        rawLength = -1;
        return new GZipStream(fs, CompressionMode.Decompress, leaveOpen: false);
    }

    private static void ReadHeader(Stream stream, string path, byte[] header, int size, string what)
    {
        int got;
        try
        {
            got = stream.ReadAtLeast(header, size, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, $"the gzip data is corrupt ({e.Message})", FixHint);
        }
        if (got < size)
            throw new IdxFormatException(path, $"only {got} bytes, too short for the {size}-byte header of {what}", FixHint);
    }

    private static void CheckMagic(string path, byte[] header, uint expected, string what)
    {
        var magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic == expected) return;
        var hint = magic switch
        {
            ImagesMagic => " (that is an image file: did you swap the images and labels files?)",
            LabelsMagic => " (that is a label file: did you swap the images and labels files?)",
            _ when (magic >> 16) != 0 => " (not an IDX file at all: IDX files start with two zero bytes)",
            _ when ((magic >> 8) & 0xff) != 0x08 => $" (IDX element type 0x{(magic >> 8) & 0xff:x2}; only 0x08, unsigned bytes, is supported)",
            _ => $" ({magic & 0xff} dimensions; expected {expected & 0xff})",
        };
        throw new IdxFormatException(path, $"magic number 0x{magic:x8} is not {what}: expected 0x{expected:x8}{hint}", FixHint);
    }

    private static int Dimension(string path, byte[] header, int offset, string name)
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(offset));
        if (value > int.MaxValue)
            throw new IdxFormatException(path, $"header {name} {value} is out of range", FixHint);
        return (int)value;
    }

    private static void ReadPayload(Stream stream, string path, byte[] payload, int headerSize, long rawLength, string claim)
    {
        var expected = headerSize + (long)payload.Length;
        if (rawLength >= 0 && rawLength != expected)
        {
            var what = rawLength < expected
                ? $"truncated: the header promises {claim} ({expected} bytes with the header) but the file has {rawLength} bytes"
                : $"has {rawLength - expected} trailing bytes: the header promises {claim} ({expected} bytes with the header) but the file has {rawLength} bytes";
            throw new IdxFormatException(path, what, FixHint);
        }
        try
        {
            var got = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
            if (got < payload.Length)
                throw new IdxFormatException(path,
                    $"truncated: the header promises {claim} ({expected} bytes decompressed) but the content ends after {headerSize + got} bytes",
                    FixHint);
            if (rawLength < 0)
            {
                Span<byte> probe = stackalloc byte[4096];
                long extra = 0;
                int n;
                while ((n = stream.Read(probe)) > 0) extra += n;
                if (extra > 0)
                    throw new IdxFormatException(path,
                        $"has {extra} trailing bytes: the header promises {claim} ({expected} bytes decompressed) but the content is {expected + extra} bytes",
                        FixHint);
            }
        }
        catch (InvalidDataException e)
        {
            throw new IdxFormatException(path, $"the gzip data is corrupt ({e.Message})", FixHint);
        }
        catch (EndOfStreamException)
        {
            throw new IdxFormatException(path, $"truncated gzip stream: the header promises {claim}", FixHint);
        }
    }
}
