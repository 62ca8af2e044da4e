using System.Buffers.Binary;
using System.Text;

namespace NormLab.Tests.Unit.Running;

/// <summary>
/// Reads a TensorBoard event file independently of the writer: TFRecord framing (u64 length, masked CRC32C of the
/// length, the record, masked CRC32C of the record; every CRC checked) and just enough protobuf to get each Event's
/// wall time, step, scalars (Summary.Value.simple_value) and histograms (Summary.Value.histo: min, max, num).
/// </summary>
public static class TfEvents
{
    public sealed record Value(string Tag, float? Scalar, (double Min, double Max, double Num)? Histogram);

    public sealed record Event(double WallTime, long Step, string FileVersion, IReadOnlyList<Value> Values);

    public static IReadOnlyList<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        for (var at = 0; at < bytes.Length;)
        {
            if (at + 12 > bytes.Length) throw new InvalidDataException($"{path}: truncated record header at byte {at}");
            var length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Check(bytes.AsSpan(at, 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)), path, at, "length");
            var start = at + 12;
            if (start + (long)length + 4 > bytes.Length) throw new InvalidDataException($"{path}: truncated record at byte {at}");
            var record = bytes.AsSpan(start, (int)length);
            Check(record, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(start + (int)length)), path, at, "data");
            events.Add(ParseEvent(record.ToArray()));
            at = start + (int)length + 4;
        }
        return events;
    }

    private static void Check(ReadOnlySpan<byte> data, uint stored, string path, int at, string what)
    {
        var masked = Mask(Crc32C(data));
        if (masked != stored) throw new InvalidDataException($"{path}: record at byte {at}: {what} CRC {stored:x8}, computed {masked:x8}");
    }

    /// <summary>TFRecord's mask: rotate right by 15 bits and add a constant.</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8u;

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    private static Event ParseEvent(byte[] data)
    {
        double wall = 0;
        long step = 0;
        var version = "";
        var values = new List<Value>();
        foreach (var (field, wire, v, payload) in Fields(data))
            switch (field)
            {
                case 1 when wire == 1: wall = BitConverter.Int64BitsToDouble((long)v); break;
                case 2 when wire == 0: step = (long)v; break;
                case 3 when wire == 2: version = Encoding.UTF8.GetString(payload); break;
                case 5 when wire == 2:
                    foreach (var (f, w, _, p) in Fields(payload))
                        if (f == 1 && w == 2) values.Add(ParseValue(p));
                    break;
            }
        return new Event(wall, step, version, values);
    }

    private static Value ParseValue(byte[] data)
    {
        var tag = "";
        float? scalar = null;
        (double, double, double)? histogram = null;
        foreach (var (field, wire, v, payload) in Fields(data))
            switch (field)
            {
                case 1 when wire == 2: tag = Encoding.UTF8.GetString(payload); break;
                case 2 when wire == 5: scalar = BitConverter.Int32BitsToSingle((int)v); break;
                case 5 when wire == 2:
                    double min = 0, max = 0, num = 0;
                    foreach (var (f, w, hv, _) in Fields(payload))
                    {
                        if (w != 1) continue;
                        var d = BitConverter.Int64BitsToDouble((long)hv);
                        if (f == 1) min = d; else if (f == 2) max = d; else if (f == 3) num = d;
                    }
                    histogram = (min, max, num);
                    break;
            }
        return new Value(tag, scalar, histogram);
    }

    /// <summary>Protobuf fields: (number, wire type, varint/fixed value, length-delimited payload).</summary>
    private static IEnumerable<(int Field, int Wire, ulong Value, byte[] Payload)> Fields(byte[] data)
    {
        var at = 0;
        ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[at++];
                result |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return result;
            }
        }
        while (at < data.Length)
        {
            var key = Varint();
            var (field, wire) = ((int)(key >> 3), (int)(key & 7));
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(), []); break;
                case 1: yield return (field, wire, BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at)), []); at += 8; break;
                case 5: yield return (field, wire, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at)), []); at += 4; break;
                case 2:
                    var length = (int)Varint();
                    yield return (field, wire, 0, data.AsSpan(at, length).ToArray());
                    at += length;
                    break;
                default: throw new InvalidDataException($"protobuf wire type {wire} not expected in an event");
            }
        }
    }
}
