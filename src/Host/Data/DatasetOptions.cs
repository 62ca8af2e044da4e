using NormLab.Core.Data;

namespace NormLab.Host.Data;

/// <summary>
/// How to find and prepare a dataset. Only <see cref="DataDir"/>, <see cref="Validation"/> and <see cref="Preprocessing"/> are
/// user settings; the rest default to the real world and exist so tests (and private mirrors) can point elsewhere.
/// </summary>
public sealed record DatasetOptions
{
    /// <summary>A folder the user points at, tried first; files there may be raw or .gz, named <c>train-images-idx3-ubyte</c> or <c>train-images.idx3-ubyte</c>.</summary>
    public string? DataDir { get; init; }

    public ValidationSplit? Validation { get; init; }

    public Preprocessing Preprocessing { get; init; } = Preprocessing.Scale01;

    /// <summary>Keep only the first N training images after the validation split (null: all of them).</summary>
    public int? TrainCount { get; init; }

    /// <summary>
    /// The repository root; <c>null</c> means $NORMLAB_ROOT (exported by ./normlab), else the folder holding NormLab.slnx found
    /// upward from the current directory, then from the executable's folder.
    /// </summary>
    public string? ProjectRoot { get; init; }

    /// <summary>Cache folder; <c>null</c> means <c>&lt;ProjectRoot&gt;/.cache</c>. Datasets live under <c>&lt;CacheDir&gt;/datasets/&lt;name&gt;/</c>.</summary>
    public string? CacheDir { get; init; }

    /// <summary>System-wide installs per dataset; <c>null</c> means Debian's <c>/usr/share/datasets/fashion-mnist</c> for fashion-mnist.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? SystemDirs { get; init; }

    public bool AllowDownload { get; init; } = true;

    /// <summary>Mirror base URLs per dataset; <c>null</c> means <see cref="KnownDatasets.Mirrors"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Uri>>? Mirrors { get; init; }

    /// <summary>Expected files (lengths, content SHA-256) per dataset; <c>null</c> means <see cref="KnownDatasets.Files"/>.</summary>
    public IReadOnlyList<KnownFile>? ExpectedFiles { get; init; }

    /// <summary>Connecting to a mirror must succeed within this, so an offline machine fails fast.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound for one file's download.</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public int NumClasses { get; init; } = 10;

    internal string ResolveProjectRoot() =>
        ProjectRoot
        ?? (Environment.GetEnvironmentVariable("NORMLAB_ROOT") is { Length: > 0 } root ? root : null)
        ?? FindProjectRoot(Directory.GetCurrentDirectory())
        ?? FindProjectRoot(AppContext.BaseDirectory)
        ?? Directory.GetCurrentDirectory();

    internal string ResolveCacheDir() => CacheDir ?? Path.Combine(ResolveProjectRoot(), ".cache");

    internal IReadOnlyList<KnownFile> ResolveExpected(string dataset) =>
        (ExpectedFiles ?? KnownDatasets.Files).Where(f => f.Dataset == dataset).ToArray();

    internal IReadOnlyList<Uri> ResolveMirrors(string dataset) =>
        (Mirrors ?? KnownDatasets.Mirrors).TryGetValue(dataset, out var m) ? m : [];

    internal IReadOnlyList<string> ResolveSystemDirs(string dataset) =>
        SystemDirs is null
            ? dataset == KnownDatasets.FashionMnist ? ["/usr/share/datasets/fashion-mnist"] : []
            : SystemDirs.TryGetValue(dataset, out var d) ? d : [];

    private static string? FindProjectRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NormLab.slnx"))) return dir.FullName;
        return null;
    }
}
