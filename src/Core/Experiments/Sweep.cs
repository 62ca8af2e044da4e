namespace NormLab.Core.Experiments;

/// <summary>
/// A grid over fields of an experiment (YAML <c>sweep:</c>): named axes, each a field and the values it takes, combined
/// as their product (every combination, the first axis varying slowest) or, with <see cref="Zip"/>, paired position by
/// position. <see cref="Sweeps.Expand"/> turns it, with the experiment's variants, into one variant per variant × point.
/// <code>
/// sweep:
///   batchSize: [2, 4, 8]
///   optimizer.lr: [0.01, 0.1]
///   override.all:batch_norm.momentum: [0.1, 0.01]
///   zip: false
/// </code>
/// </summary>
public sealed record Sweep(Seq<SweepAxis> Axes, bool Zip = false)
{
    /// <summary>The YAML key that is not an axis.</summary>
    public const string ZipKey = "zip";

    /// <summary>Sweeps planning more runs than this stop before training unless <c>./normlab run --yes</c> confirms them.</summary>
    public const int MaxRunsWithoutConfirmation = 100;
}

/// <summary>One axis: a field path as a variant would spell it (<c>batchSize</c>, <c>optimizer.lr</c>, <c>dataset</c>,
/// <c>model</c>, <c>override.&lt;selector&gt;.&lt;field&gt;</c>) and its values as written.</summary>
public sealed record SweepAxis(string Field, Seq<string> Values);

/// <summary>
/// A variant that runs: a declared one (<see cref="Point"/> empty) or one point of a sweep applied to a declared variant
/// (<see cref="Declared"/>, <c>base</c> when the experiment lists none). <see cref="Point"/> is the index of the value taken
/// on each axis, in axis order — what a problem of this variant is traced back to.
/// </summary>
public sealed record SweptVariant(VariantSpec Variant, string Declared, Seq<int> Point)
{
    public string Name => Variant.Name;
}
