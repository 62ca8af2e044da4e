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
            foreach (var variantDir in Directory.EnumerateDirectories(expDir))
            {
                var seeds = new List<SeedRun>();
                foreach (var seedDir in Directory.EnumerateDirectories(variantDir))
                {
                    var name = Path.GetFileName(seedDir);
                    if (!name.StartsWith("seed-", StringComparison.Ordinal) ||
                        !long.TryParse(name.AsSpan(5), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed))
                        continue;
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
                if (seeds.Count == 0) continue; // not a variant folder (e.g. the report's figures/)
                seeds.Sort((a, b) => a.Seed.CompareTo(b.Seed));
                variants.Add(new VariantResults(Path.GetFileName(variantDir), variantDir, seeds));
            }

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

    private static int IndexOr(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == name) return i;
        return int.MaxValue;
    }
}
