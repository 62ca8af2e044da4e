using System.Security.Cryptography;
using System.Text.Json;
using NormLab.Engine.Training;
using static TorchSharp.torch;

namespace NormLab.Host.Results;

/// <summary>What one checkpoint holds, in memory: the trainer's position, the run's fingerprint (what it was started with),
/// the network's tensors (state_dict and window rings), the optimizer's and the generator's state, and the CSV files so far.</summary>
public sealed record CheckpointContents(
    TrainerPosition Position,
    string Fingerprint,
    IReadOnlyList<KeyValuePair<string, Tensor>> Tensors,
    byte[] Optimizer,
    byte[] Rng,
    string MetricsCsv,
    string ProbesCsv);

/// <summary>A checkpoint read back and checked; <see cref="Folder"/> is the folder it came from.</summary>
public sealed record LoadedCheckpoint(string Folder, CheckpointContents Contents) : IDisposable
{
    public void Dispose()
    {
        foreach (var (_, t) in Contents.Tensors) t.Dispose();
    }
}

/// <summary>
/// A run's <c>checkpoint/</c> folder, written so that a kill at any instant leaves a usable checkpoint: the files go into
/// <c>checkpoint.tmp-&lt;pid&gt;/</c>, each fsynced, <c>manifest.json</c> (every file's size and SHA-256, the step, the
/// fingerprint) last; then the current <c>checkpoint/</c> becomes <c>checkpoint.prev/</c> and the new folder is renamed
/// to <c>checkpoint/</c>. Reading checks the manifest against every file and the fingerprint against the run; a corrupt or
/// half one is skipped for <c>checkpoint.prev/</c>, and each skip is said (<see cref="Candidates"/>'s notes).
/// Files: <c>state.safetensors</c> (the model's state_dict under PyTorch's names plus window rings, written by
/// <see cref="ModelWeights"/>), <c>optimizer.bin</c> (TorchSharp's optimizer format), <c>rng.bin</c>, <c>position.json</c>,
/// <c>metrics.csv</c>, <c>probes.csv</c>, <c>manifest.json</c>.
/// </summary>
public static class CheckpointFolder
{
    public const string Current = "checkpoint";
    public const string Previous = "checkpoint.prev";
    public const string ManifestName = "manifest.json";
    const int Format = 1;

    static readonly string[] Files = ["state.safetensors", "optimizer.bin", "rng.bin", "position.json", "metrics.csv", "probes.csv"];

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    sealed record Manifest(int Format, long Step, string Fingerprint, Dictionary<string, FileEntry> Files);

    sealed record FileEntry(long Bytes, string Sha256);

    /// <summary>Writes a new checkpoint and keeps the one before it as <c>checkpoint.prev/</c>.</summary>
    public static void Write(string runDir, CheckpointContents c)
    {
        var temp = Path.Combine(runDir, $"{Current}.tmp-{Environment.ProcessId}");
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        try
        {
            ModelWeights.Save(c.Tensors, Path.Combine(temp, "state.safetensors"));
            AtomicFile.WriteAllBytes(Path.Combine(temp, "optimizer.bin"), c.Optimizer);
            AtomicFile.WriteAllBytes(Path.Combine(temp, "rng.bin"), c.Rng);
            AtomicFile.WriteAllText(Path.Combine(temp, "position.json"), JsonSerializer.Serialize(c.Position, Json));
            AtomicFile.WriteAllText(Path.Combine(temp, "metrics.csv"), c.MetricsCsv);
            AtomicFile.WriteAllText(Path.Combine(temp, "probes.csv"), c.ProbesCsv);
            var files = Files.ToDictionary(f => f, f => Describe(Path.Combine(temp, f)));
            AtomicFile.WriteAllText(Path.Combine(temp, ManifestName),
                JsonSerializer.Serialize(new Manifest(Format, c.Position.Step, c.Fingerprint, files), Json));
            var current = Path.Combine(runDir, Current);
            var previous = Path.Combine(runDir, Previous);
            if (Directory.Exists(current))
            {
                if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
                Directory.Move(current, previous);
            }
            Directory.Move(temp, current);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// The run's checkpoints that pass their manifest and fingerprint, newest first, read one at a time (a caller that can
    /// restore the first stops there); <paramref name="notes"/> gets a line for every one skipped.
    /// </summary>
    public static IEnumerable<LoadedCheckpoint> Candidates(string runDir, string fingerprint, List<string> notes)
    {
        foreach (var name in new[] { Current, Previous })
        {
            var dir = Path.Combine(runDir, name);
            if (!Directory.Exists(dir)) continue;
            LoadedCheckpoint? loaded = null;
            try
            {
                loaded = Read(dir, fingerprint);
            }
            catch (Exception e) when (e is CheckpointException or IOException or UnauthorizedAccessException or JsonException or ModelWeightsException or ResultsFormatException)
            {
                notes.Add($"{dir}/: not used — {e.Message}");
            }
            if (loaded is not null) yield return loaded;
        }
    }

    /// <summary>The step of the newest checkpoint whose manifest reads (for <c>status</c>), or null.</summary>
    public static long? LatestStep(string runDir)
    {
        foreach (var name in new[] { Current, Previous })
        {
            try
            {
                var path = Path.Combine(runDir, name, ManifestName);
                if (File.Exists(path)) return JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json)?.Step;
            }
            catch (Exception e) when (e is IOException or JsonException)
            {
            }
        }
        return null;
    }

    /// <summary>Removes the run's checkpoints (a complete run needs none; a fresh start must not meet old ones).</summary>
    public static void Delete(string runDir)
    {
        foreach (var name in new[] { Current, Previous })
        {
            var dir = Path.Combine(runDir, name);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    static LoadedCheckpoint Read(string dir, string fingerprint)
    {
        var manifestPath = Path.Combine(dir, ManifestName);
        if (!File.Exists(manifestPath)) throw new CheckpointException("half written: no manifest.json");
        var manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath), Json)
            ?? throw new CheckpointException("manifest.json is empty");
        if (manifest.Format != Format) throw new CheckpointException($"format {manifest.Format}, this NormLab reads {Format}");
        if (manifest.Fingerprint != fingerprint)
            throw new CheckpointException("written for another configuration of this run (config.yaml, steps or threads changed)");
        foreach (var f in Files)
        {
            var path = Path.Combine(dir, f);
            if (manifest.Files is null || !manifest.Files.TryGetValue(f, out var want)) throw new CheckpointException($"manifest.json does not list {f}");
            if (!File.Exists(path)) throw new CheckpointException($"{f} is missing");
            var got = Describe(path);
            if (got.Bytes != want.Bytes) throw new CheckpointException($"{f} has {got.Bytes} bytes, the manifest says {want.Bytes} (truncated or corrupt)");
            if (got.Sha256 != want.Sha256) throw new CheckpointException($"{f} does not match its SHA-256 in manifest.json (corrupt)");
        }
        var position = JsonSerializer.Deserialize<TrainerPosition>(File.ReadAllText(Path.Combine(dir, "position.json")), Json)
            ?? throw new CheckpointException("position.json is empty");
        if (position.Step != manifest.Step) throw new CheckpointException($"position.json says step {position.Step}, manifest.json {manifest.Step}");
        var tensors = ModelWeights.ReadTensors(Path.Combine(dir, "state.safetensors"));
        return new LoadedCheckpoint(dir, new CheckpointContents(position, manifest.Fingerprint, tensors.ToList(),
            File.ReadAllBytes(Path.Combine(dir, "optimizer.bin")), File.ReadAllBytes(Path.Combine(dir, "rng.bin")),
            File.ReadAllText(Path.Combine(dir, "metrics.csv")), File.ReadAllText(Path.Combine(dir, "probes.csv"))));
    }

    static FileEntry Describe(string path)
    {
        using var stream = File.OpenRead(path);
        var hash = SHA256.HashData(stream);
        return new FileEntry(stream.Length, Convert.ToHexStringLower(hash));
    }
}

/// <summary>A checkpoint that cannot be used; the message says why in a few words.</summary>
public sealed class CheckpointException(string message) : Exception(message);
