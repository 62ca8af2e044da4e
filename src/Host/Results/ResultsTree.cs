using System.Globalization;

namespace NormLab.Host.Results;

/// <summary>One seed folder; <see cref="Summary"/> is null while the run is unfinished, <see cref="Problem"/> set when summary.json is unreadable.</summary>
public sealed record SeedRun(long Seed, string Dir, RunSummary? Summary, string? Problem);

public sealed record VariantResults(string Name, string Dir, IReadOnlyList<SeedRun> Seeds);

public sealed record ExperimentResults(string Name, string Dir, ExperimentManifest? Manifest, IReadOnlyList<VariantResults> Variants);

/// <summary>
/// An index of a results folder: experiments → variants → seeds, with each run's summary (metrics and probes are read on
/// demand with <see cref="RunResultReader.Read"/>, since probes of a long run can be large).
/// <see cref="Problems"/> lists unreadable files instead of failing the whole scan, so a report can still show the rest.
/// </summary>
public sealed record ResultsTree(string Root, IReadOnlyList<ExperimentResults> Experiments, IReadOnlyList<string> Problems)
{
    public static ResultsTree Scan(string resultsDir)
    {
        var problems = new List<string>();
        if (!Directory.Exists(resultsDir)) return new ResultsTree(resultsDir, [], [$"{resultsDir}: no such results folder"]);
        var experiments = new List<ExperimentResults>();
        foreach (var expDir in Directory.EnumerateDirectories(resultsDir).Order(StringComparer.Ordinal))
        {
            ExperimentManifest? manifest = null;
            var manifestPath = Path.Combine(expDir, ExperimentJson.FileName);
            if (File.Exists(manifestPath))
            {
                try
                {
                    manifest = ExperimentJson.Read(manifestPath);
                }
                catch (ResultsFormatException e)
                {
                    problems.Add(e.Message);
                }
            }

            var variants = new List<VariantResults>();
            CollectVariants(expDir, expDir, variants, problems);
            if (manifest is null && variants.Count == 0) continue;
            // Variants in the order the experiment declared them, then any others by name.
            var declared = manifest?.Variants ?? [];
            variants.Sort((a, b) =>
            {
                var ia = IndexOr(declared, a.Name);
                var ib = IndexOr(declared, b.Name);
                return ia != ib ? ia.CompareTo(ib) : string.CompareOrdinal(a.Name, b.Name);
            });
            experiments.Add(new ExperimentResults(Path.GetFileName(expDir), expDir, manifest, variants));
        }
        return new ResultsTree(resultsDir, experiments, problems);
    }

    /// <summary>
    /// Every folder under the experiment's that holds <c>seed-N</c> folders is a variant, named by its path relative to the
    /// experiment's with '/' — a sweep's run variants are nested (<c>gn/batch=8/lr=0.1/seed-1</c>).
    /// </summary>
    private static void CollectVariants(string expDir, string dir, List<VariantResults> variants, List<string> problems)
    {
        foreach (var variantDir in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            var seeds = new List<SeedRun>();
            var children = new List<string>();
            foreach (var seedDir in Directory.EnumerateDirectories(variantDir))
            {
                var name = Path.GetFileName(seedDir);
                if (!name.StartsWith("seed-", StringComparison.Ordinal) ||
                    !long.TryParse(name.AsSpan(5), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed))
                {
                    children.Add(seedDir);
                    continue;
                }
                var summaryPath = Path.Combine(seedDir, SummaryJson.FileName);
                RunSummary? summary = null;
                string? problem = null;
                if (File.Exists(summaryPath))
                {
                    try
                    {
                        summary = SummaryJson.Read(summaryPath);
                    }
                    catch (ResultsFormatException e)
                    {
                        problem = e.Message;
                        problems.Add(e.Message);
                    }
                }
                seeds.Add(new SeedRun(seed, seedDir, summary, problem));
            }
            if (seeds.Count > 0)
            {
                seeds.Sort((a, b) => a.Seed.CompareTo(b.Seed));
                variants.Add(new VariantResults(Path.GetRelativePath(expDir, variantDir).Replace(Path.DirectorySeparatorChar, '/'), variantDir, seeds));
            }
            // Not a variant folder itself (e.g. the report's figures/) or a sweep's level above its points: look inside.
            if (children.Count > 0) CollectVariants(expDir, variantDir, variants, problems);
        }
    }

    private static int IndexOr(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == name) return i;
        return int.MaxValue;
    }
}
