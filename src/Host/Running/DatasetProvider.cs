using LanguageExt;
using Microsoft.Extensions.Logging;
using NormLab.Core.Data;
using NormLab.Core.Experiments;
using NormLab.Host.Data;
using DataSplit = NormLab.Core.Data.ValidationSplit;
using DataSplitFrom = NormLab.Core.Data.SplitFrom;

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
        Preprocessing = spec.Preprocess == Preprocess.Standardize ? Preprocessing.Standardize : Preprocessing.Scale01,
        Validation = spec.Validation.Match(
            v =>
            {
                var from = v.From == Core.Experiments.SplitFrom.Start ? DataSplitFrom.Start : DataSplitFrom.End;
                return v switch
                {
                    Core.Experiments.ValidationSplit.Count c => DataSplit.OfCount(c.Images, from),
                    Core.Experiments.ValidationSplit.Fraction f => DataSplit.OfFraction(f.Value, from),
                    _ => DataSplit.None,
                };
            },
            () => DataSplit.None),
    };
}
