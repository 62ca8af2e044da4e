namespace NormLab.Core.Experiments;

/// <summary>
/// <c>preciseBn: {batches: N}</c> — precise BN (Wu &amp; Johnson 2021, "Rethinking 'Batch' in BatchNorm", §3): after
/// training, every batch_norm layer's running statistics are re-estimated with the final weights as the exact population
/// mean and variance of its inputs over the first <see cref="Batches"/> training batches of a fresh shuffle, and the
/// network is evaluated both ways; summary.json records both.
/// </summary>
public sealed record PreciseBnSpec(int Batches);
