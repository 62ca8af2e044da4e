using NormLab.Core.Networks;

namespace NormLab.Engine.Normalization;

/// <summary>
/// A snapshot of a BN layer's named state (the Flax habit: statistics are state you can look at, not hidden flags).
/// <see cref="RunningVar"/> is stored as the convention says: unbiased for torch, cumulative and window; biased for keras.
/// </summary>
public sealed record BnStatistics(
    string Layer,
    BnConvention Convention,
    float[] RunningMean,
    float[] RunningVar,
    long NumBatchesTracked);
