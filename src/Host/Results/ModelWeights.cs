using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NormLab.Engine.Compilation;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Host.Results;

/// <summary>A weights file that cannot be loaded into the network: the message is one line naming the file and the problem.</summary>
public sealed class ModelWeightsException(string filePath, string problem) : Exception($"{filePath}: {problem}")
{
    public string FilePath { get; } = filePath;
}

/// <summary>
/// A run's final parameters and buffers as <c>model.safetensors</c>: the module's <c>state_dict</c> under PyTorch's names
/// (<c>conv2d_1.weight</c>, <c>batch_norm_1.running_var</c>, <c>batch_norm_1.num_batches_tracked</c>, …), so that
/// <c>model.load_state_dict(safetensors.torch.load_file(path))</c> loads it into the same architecture in PyTorch.
/// The format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
/// <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …, "__metadata__": {"format": "pt"}}</c>
/// (padded with spaces to a multiple of 8), then the tensors' raw little-endian bytes, back to back, offsets relative to
/// the end of the header. Written by hand rather than through TorchSharp.PyBridge: loading must check every length and
/// offset against the file and every key, dtype and shape against the network, and say which one is wrong.
/// </summary>
public static class ModelWeights
{
    public const string FileName = "model.safetensors";

    private const string Metadata = "__metadata__";

    /// <summary>Writes the module's state_dict atomically (temporary file + rename, <see cref="AtomicFile"/>).</summary>
    public static void Save(nn.Module module, string path) => Save(module.state_dict(), path);

    /// <summary>Writes named tensors, in this order, atomically.</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; this machine is not");
        var entries = new List<(string Name, string DType, long[] Shape, byte[] Data)>();
        foreach (var (name, tensor) in tensors)
        {
            using var scope = torch.NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            entries.Add((name, DTypeName(cpu.dtype, name), cpu.shape, cpu.bytes.ToArray()));
        }
        var header = Header(entries);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var e in entries) stream.Write(e.Data);
        });
    }

    private static byte[] Header(List<(string Name, string DType, long[] Shape, byte[] Data)> entries)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (var (name, dtype, shape, data) in entries)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (var d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += data.Length;
            }
            json.WriteStartObject(Metadata);
            json.WriteString("format", "pt");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned (what the reference writer does).
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    /// <summary>One tensor as the file describes it.</summary>
    public sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>
    /// Reads and checks the file's structure — header length, JSON, every entry's dtype, shape and offsets against the
    /// file's size — without looking at any network. Throws <see cref="ModelWeightsException"/>.
    /// </summary>
    public static (IReadOnlyList<Entry> Entries, byte[] Bytes, long DataStart) ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path)) throw new ModelWeightsException(path, "no such file");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelWeightsException(path, $"cannot be read ({e.Message})");
        }
        if (bytes.Length < 8)
            throw new ModelWeightsException(path, $"truncated: {bytes.Length} bytes, fewer than the 8 of the header length");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8))
            throw new ModelWeightsException(path, $"truncated or not a safetensors file: the header claims {headerLength} bytes, the file has {bytes.Length - 8} after the length");
        var dataStart = 8 + (long)headerLength;
        var dataLength = bytes.Length - dataStart;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new ModelWeightsException(path, $"corrupt header: not valid JSON ({FirstLine(e.Message)})");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelWeightsException(path, "corrupt header: expected a JSON object of tensors");
            var entries = new List<Entry>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == Metadata) continue;
                var entry = ReadEntry(path, p);
                var size = ElementSize(entry.DType) * entry.Shape.Aggregate(1L, (a, d) => a * d);
                if (entry.End - entry.Begin != size)
                    throw new ModelWeightsException(path, $"corrupt header: tensor {p.Name} of shape {ShapeText(entry.Shape)} needs {size} bytes, its offsets span {entry.End - entry.Begin}");
                if (entry.End > dataLength)
                    throw new ModelWeightsException(path, $"truncated: tensor {p.Name} ends at byte {entry.End} of the data, which has {dataLength}");
                entries.Add(entry);
            }
            return (entries, bytes, dataStart);
        }
    }

    private static Entry ReadEntry(string path, JsonProperty p)
    {
        string Bad(string what) => $"corrupt header: tensor {p.Name} {what}";
        var v = p.Value;
        if (v.ValueKind != JsonValueKind.Object) throw new ModelWeightsException(path, Bad("is not a JSON object"));
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new ModelWeightsException(path, Bad("has no dtype"));
        var dtype = DTypeOf(dt.GetString()!) ?? throw new ModelWeightsException(path, Bad($"has the unknown dtype \"{dt.GetString()}\""));
        var shape = Longs(v, "shape") ?? throw new ModelWeightsException(path, Bad("has no shape (a list of non-negative integers)"));
        var offsets = Longs(v, "data_offsets");
        if (offsets is not [var begin, var end] || begin > end)
            throw new ModelWeightsException(path, Bad("has no valid data_offsets ([begin, end], begin ≤ end)"));
        return new Entry(p.Name, dtype, shape, begin, end);
    }

    private static long[]? Longs(JsonElement v, string key)
    {
        if (!v.TryGetProperty(key, out var a) || a.ValueKind != JsonValueKind.Array) return null;
        var list = new List<long>();
        foreach (var x in a.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetInt64(out var n) || n < 0) return null;
            list.Add(n);
        }
        return list.ToArray();
    }

    /// <summary>
    /// Loads the file into <paramref name="net"/>: every key of the network's state_dict must be in the file with the same
    /// dtype and shape, and the file must hold nothing else; nothing is copied unless all of them match. Then each BN
    /// layer's .NET-side batch counter follows the loaded num_batches_tracked. Throws <see cref="ModelWeightsException"/>.
    /// </summary>
    public static void Load(CompiledNetwork net, string path)
    {
        var (entries, bytes, dataStart) = ReadFile(path);
        var target = net.state_dict();
        var byName = entries.ToDictionary(e => e.Name);
        var problems = new List<string>();
        var missing = target.Keys.Where(k => !byName.ContainsKey(k)).ToList();
        var unexpected = entries.Select(e => e.Name).Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0) problems.Add($"missing {List(missing)}");
        if (unexpected.Count > 0) problems.Add($"unexpected {List(unexpected)}");
        foreach (var (name, tensor) in target)
        {
            if (!byName.TryGetValue(name, out var e)) continue;
            if (!e.Shape.SequenceEqual(tensor.shape))
                problems.Add($"{name} has shape {ShapeText(e.Shape)}, the network needs {ShapeText(tensor.shape)}");
            else if (e.DType != tensor.dtype)
                problems.Add($"{name} is {DTypeName(e.DType, name)}, the network needs {DTypeName(tensor.dtype, name)}");
        }
        if (problems.Count > 0)
            throw new ModelWeightsException(path, $"does not fit network {net.Network.Name}: {string.Join("; ", problems)}");

        using (torch.no_grad())
        {
            foreach (var (name, tensor) in target)
            {
                var e = byName[name];
                using var loaded = torch.empty(e.Shape, dtype: e.DType);
                loaded.bytes = bytes.AsSpan((int)(dataStart + e.Begin), (int)(e.End - e.Begin));
                tensor.copy_(loaded);
            }
        }
        foreach (var bn in net.BatchNormLayers) bn.SyncAfterLoad();
    }

    /// <summary>Every tensor of a checked file (<see cref="ReadFile"/>), as CPU tensors by name; the caller disposes them.</summary>
    public static Dictionary<string, Tensor> ReadTensors(string path)
    {
        var (entries, bytes, dataStart) = ReadFile(path);
        var result = new Dictionary<string, Tensor>();
        foreach (var e in entries)
        {
            var t = torch.empty(e.Shape, dtype: e.DType).DetachFromDisposeScope();
            if (e.End > e.Begin) t.bytes = bytes.AsSpan((int)(dataStart + e.Begin), (int)(e.End - e.Begin));
            result[e.Name] = t;
        }
        return result;
    }

    private static string List(List<string> names) =>
        names.Count <= 4 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(4))} and {names.Count - 4} more";

    private static string ShapeText(long[] shape) => $"[{string.Join(", ", shape)}]";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    private static readonly (string Name, ScalarType Type)[] DTypes =
    [
        ("F64", ScalarType.Float64), ("F32", ScalarType.Float32), ("F16", ScalarType.Float16), ("BF16", ScalarType.BFloat16),
        ("I64", ScalarType.Int64), ("I32", ScalarType.Int32), ("I16", ScalarType.Int16), ("I8", ScalarType.Int8),
        ("U8", ScalarType.Byte), ("BOOL", ScalarType.Bool),
    ];

    private static ScalarType? DTypeOf(string name) =>
        DTypes.Where(d => d.Name == name).Select(d => (ScalarType?)d.Type).FirstOrDefault();

    private static string DTypeName(ScalarType type, string tensor) =>
        DTypes.Where(d => d.Type == type).Select(d => d.Name).FirstOrDefault()
        ?? throw new NotSupportedException($"{tensor}: dtype {type} has no safetensors name here");

    private static long ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
