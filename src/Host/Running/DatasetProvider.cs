using LanguageExt;
using Microsoft.Extensions.Logging;
using NormLab.Core.Data;
using NormLab.Core.Experiments;
using NormLab.Host.Data;

namespace NormLab.Host.Running;

/// <summary>
/// Loads each distinct dataset specification once per invocation (runs of the same experiment share the arrays —
/// they are read-only) and maps the experiment's dataset record onto the data layer's options.
/// </summary>
public sealed class DatasetProvider(string projectRoot, ILogger logger)
{
    private readonly Dictionary<DatasetSpec, Either<DataError, DatasetSplits>> cache = [];

    public Either<DataError, DatasetSplits> Get(DatasetSpec spec, CancellationToken cancel)
    {
        if (cache.TryGetValue(spec, out var hit)) return hit;
        var loaded = DatasetCatalog.Load(spec.Source, OptionsFor(spec, projectRoot), logger, cancel);
        cache[spec] = loaded;
        return loaded;
    }

    public static DatasetOptions OptionsFor(DatasetSpec spec, string projectRoot) => new()
    {
        ProjectRoot = projectRoot,
        DataDir = spec.DataDir is null ? null : Path.GetFullPath(spec.DataDir, projectRoot),
        Preprocessing = spec.Preprocess,
        // MatchUnsafe: LanguageExt's Match refuses a null result, and null is how the data layer spells "no split".
        Validation = spec.Validation.MatchUnsafe(v => v, () => (ValidationSplit?)null),
    };
}
