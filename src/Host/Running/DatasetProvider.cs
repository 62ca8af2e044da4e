using LanguageExt;
using Microsoft.Extensions.Logging;
using NormLab.Core.Data;
using NormLab.Core.Experiments;
using NormLab.Host.Data;

namespace NormLab.Host.Running;

/// <summary>
/// Loads each distinct dataset specification once per invocation (runs of the same experiment share the arrays —
/// they are read-only) and maps the experiment's dataset record onto the data layer's options.
/// <paramref name="projectRoot"/> null leaves the choice to the data layer (<see cref="DatasetOptions.ProjectRoot"/>:
/// $NORMLAB_ROOT, else the folder holding NormLab.slnx above the current folder or the executable) — one rule, one place.
/// </summary>
public sealed class DatasetProvider(string? projectRoot, ILogger logger)
{
    private readonly Dictionary<DatasetSpec, Either<DataError, DatasetSplits>> cache = [];

    public Either<DataError, DatasetSplits> Get(DatasetSpec spec, CancellationToken cancel)
    {
        if (cache.TryGetValue(spec, out var hit)) return hit;
        var loaded = DatasetCatalog.Load(spec.Source, OptionsFor(spec, projectRoot), logger, cancel);
        cache[spec] = loaded;
        return loaded;
    }

    public static DatasetOptions OptionsFor(DatasetSpec spec, string? projectRoot)
    {
        var options = new DatasetOptions
        {
            ProjectRoot = projectRoot,
            Preprocessing = spec.Preprocess,
            // MatchUnsafe: LanguageExt's Match refuses a null result, and null is how the data layer spells "no split".
            Validation = spec.Validation.MatchUnsafe(v => v, () => (ValidationSplit?)null),
            TrainCount = spec.TrainCount.MatchUnsafe(n => (int?)n, () => null),
        };
        // A relative dataDir is relative to the project root, whichever rule found it.
        return spec.DataDir is null ? options : options with { DataDir = Path.GetFullPath(spec.DataDir, options.ResolveProjectRoot()) };
    }
}
