using System.Buffers.Binary;
using System.IO.Compression;

namespace NormLab.Tests.Unit.Data;

/// <summary>Builds small IDX files in memory, exactly as LeCun's format describes them (big-endian header, then bytes).</summary>
public static class IdxFiles
{
    /// <summary>Image i has pixel j = (i·7 + j) mod 256, so every image is distinct and predictable.</summary>
    public static byte PixelOf(int image, int pixel) => (byte)((image * 7 + pixel) % 256);

    public static byte[] Images(int count, int rows, int cols, uint magic = 0x00000803)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)count);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)rows);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), (uint)cols);
        for (var i = 0; i < count; i++)
        for (var j = 0; j < rows * cols; j++)
            bytes[16 + i * rows * cols + j] = PixelOf(i, j);
        return bytes;
    }

    public static byte[] Labels(params byte[] labels) => Labels(0x00000801, labels);

    public static byte[] Labels(uint magic, byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)labels.Length);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] content)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(content);
        return ms.ToArray();
    }

    /// <summary>Labels 0,1,…,9,0,1,… for <paramref name="count"/> samples.</summary>
    public static byte[] CyclicLabels(int count) => Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();

    /// <summary>Writes the four files of a small dataset into <paramref name="dir"/> (train: <paramref name="train"/> samples, test: <paramref name="test"/>).</summary>
    public static void WriteDataset(string dir, int train, int test, int rows = 2, int cols = 3, bool gzip = false, bool dotVariant = false)
    {
        Directory.CreateDirectory(dir);
        void Write(string stem, byte[] content)
        {
            var name = dotVariant ? stem.Replace("-idx", ".idx") : stem;
            File.WriteAllBytes(Path.Combine(dir, name + (gzip ? ".gz" : "")), gzip ? Gzip(content) : content);
        }
        Write("train-images-idx3-ubyte", Images(train, rows, cols));
        Write("train-labels-idx1-ubyte", Labels(CyclicLabels(train)));
        Write("t10k-images-idx3-ubyte", Images(test, rows, cols));
        Write("t10k-labels-idx1-ubyte", Labels(CyclicLabels(test)));
    }
}
