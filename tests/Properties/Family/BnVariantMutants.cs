using NormLab.Tests.Properties.BatchNorm;
using NormLab.Tests.Properties.Infrastructure;

namespace NormLab.Tests.Properties.Family;

public enum BnVariantMutation
{
    None,
    /// <summary>Renorm: μ_B and σ_B also treated as constants in the backward pass (not only r and d).</summary>
    RenormDetachesBatchStatistics,
    /// <summary>Renorm: x̂ = (x − μ_B)/σ·r + d with the running σ where σ_B belongs.</summary>
    RenormNormalisesWithRunningSigma,
    /// <summary>Renorm: the schedule ignores warmupSteps (the given limits from the first step).</summary>
    RenormIgnoresWarmup,
    /// <summary>Ghost: normalises and updates with the whole batch, ignoring the chunks.</summary>
    GhostIgnoresChunks,
    /// <summary>Ghost: outputs per chunk, but one running-statistics update from the whole batch.</summary>
    GhostUpdatesOnceFromWholeBatch,
    /// <summary>Ghost: in eval too each chunk is normalised with its own statistics.</summary>
    GhostChunksInEval,
    /// <summary>Ghost: virtualBatchSize taken as the number of chunks (<c>chunk(v)</c>) instead of their size (<c>split(v)</c>).</summary>
    GhostChunkCountNotSize,
}

/// <summary>
/// Renorm and Ghost BN composed in the test from a correct reference BN (<see cref="MutantBn"/> with no mutation, whose
/// running statistics it reuses for bookkeeping), with one mutation switched in. <see cref="BnVariantMutation.None"/>
/// is a correct renorm / ghost BN and passes every property (a test checks that).
/// </summary>
public sealed class MutantBnVariant : IBnUnderTest
{
    private readonly BnVariantMutation mutation;
    private readonly MutantBn reference;
    private readonly NormLab.Core.Networks.BatchNorm plain;
    private readonly long channels;
    private readonly int rank;
    private readonly long[] dims;
    private readonly long[] broadcast;
    private bool training = true;

    public MutantBnVariant(NormLab.Core.Networks.BatchNorm spec, long channels, int rank, BnVariantMutation mutation)
    {
        Spec = spec;
        this.mutation = mutation;
        this.channels = channels;
        this.rank = rank;
        plain = spec with { VirtualBatchSize = null, Renorm = null };
        reference = new MutantBn(plain, channels, rank, Mutation.None);
        dims = rank == 1 ? [0] : [0, 2, 3];
        broadcast = rank == 1 ? [1, channels] : [1, channels, 1, 1];
    }

    public static BnFactory Factory(BnVariantMutation m) => (spec, channels, rank) => new MutantBnVariant(spec, channels, rank, m);

    public NormLab.Core.Networks.BatchNorm Spec { get; }
    public Tensor? Weight => reference.Weight;
    public Tensor? Bias => reference.Bias;
    public BnState? State => reference.State;
    public void Train() { training = true; reference.Train(); }
    public void Eval() { training = false; reference.Eval(); }

    public Tensor Forward(Tensor x)
    {
        if (mutation == BnVariantMutation.GhostChunkCountNotSize && training && Spec.VirtualBatchSize is int count && x.shape[0] > 1)
        {
            var parts = x.chunk(count, 0);
            if (parts.Length > 1)
            {
                return torch.cat(parts.Select(reference.Forward).ToArray(), 0);
            }
        }
        if (Spec.VirtualBatchSize is int v && x.shape[0] > v && (training || mutation == BnVariantMutation.GhostChunksInEval))
        {
            if (!training)
            {
                using var untracked = new MutantBn(plain with { TrackRunningStats = false }, channels, rank, Mutation.None);
                return torch.cat(x.split(v, 0).Select(untracked.Forward).ToArray(), 0);
            }
            if (mutation == BnVariantMutation.GhostIgnoresChunks) return reference.Forward(x);
            if (mutation == BnVariantMutation.GhostUpdatesOnceFromWholeBatch)
            {
                using var untracked = new MutantBn(plain with { TrackRunningStats = false }, channels, rank, Mutation.None);
                var y = torch.cat(x.split(v, 0).Select(untracked.Forward).ToArray(), 0);
                using (torch.no_grad()) reference.Forward(x);
                return y;
            }
            return torch.cat(x.split(v, 0).Select(Forward).ToArray(), 0);
        }
        if (!training || Spec.Renorm is not { } renorm) return reference.Forward(x);
        var state = reference.State!;
        var (rMax, dMax) = (mutation == BnVariantMutation.RenormIgnoresWarmup ? renorm with { WarmupSteps = 0 } : renorm).LimitsAt(state.Batches);
        var eps = Spec.ResolvedEpsilon;
        var mu = x.mean(dims, keepdim: true);
        var centred = x - mu;
        var varB = (centred * centred).mean(dims, keepdim: true);
        if (mutation == BnVariantMutation.RenormDetachesBatchStatistics) { mu = mu.detach(); varB = varB.detach(); centred = x - mu; }
        var rm = torch.tensor(state.Mean, [channels]).to_type(x.dtype).view(broadcast);
        var rv = torch.tensor(state.Var, [channels]).to_type(x.dtype).view(broadcast);
        var sigma = (rv + eps).sqrt();
        var r = ((varB.detach() + eps).sqrt() / sigma).clamp(1.0 / rMax, rMax);
        var d = ((mu.detach() - rm) / sigma).clamp(-dMax, dMax);
        var xhat = mutation == BnVariantMutation.RenormNormalisesWithRunningSigma
            ? centred / sigma * r + d
            : centred * (varB + eps).rsqrt() * r + d;
        using (torch.no_grad()) reference.Forward(x);   // the convention's update from this batch
        return Weight is null || Bias is null ? xhat : xhat * Weight.view(broadcast) + Bias.view(broadcast);
    }

    public void Dispose() => reference.Dispose();
}
