using NormLab.Engine.Normalization;

namespace NormLab.Tests.Properties.BatchNorm;

/// <summary>A BN layer's named state as the properties read it: running mean and variance, batches tracked.</summary>
public sealed record BnState(double[] Mean, double[] Var, long Batches)
{
    public bool SameAs(BnState other) => Mean.SequenceEqual(other.Mean) && Var.SequenceEqual(other.Var) && Batches == other.Batches;
    public override string ToString() => $"mean [{string.Join(", ", Mean.Select(v => v.ToString("G6")))}] var [{string.Join(", ", Var.Select(v => v.ToString("G6")))}] batches {Batches}";
}

/// <summary>
/// What the BN properties need of a batch norm — forward (with autograd), train/eval, γ/β, the running state — so the
/// same property runs against the real <see cref="BatchNormLayer"/> and against each deliberately broken <see cref="MutantBn"/>.
/// </summary>
public interface IBnUnderTest : IDisposable
{
    NormLab.Core.Networks.BatchNorm Spec { get; }
    void Train();
    void Eval();
    Tensor Forward(Tensor x);
    Tensor? Weight { get; }
    Tensor? Bias { get; }
    /// <summary>Null when the layer does not track running statistics.</summary>
    BnState? State { get; }
}

/// <summary>Builds the BN under test for a spec, a channel count and a sample rank (1: (N, C), 3: (N, C, H, W)).</summary>
public delegate IBnUnderTest BnFactory(NormLab.Core.Networks.BatchNorm spec, long channels, int sampleRank);

/// <summary>The real thing: NormLab's <see cref="BatchNormLayer"/>, through its public API only.</summary>
public sealed class RealBn(BatchNormLayer layer) : IBnUnderTest
{
    public static readonly BnFactory Factory = (spec, channels, rank) => new RealBn(new BatchNormLayer(spec, channels, rank, "bn_under_test"));

    public NormLab.Core.Networks.BatchNorm Spec => layer.Spec;
    public void Train() => layer.train();
    public void Eval() => layer.eval();
    public Tensor Forward(Tensor x) => layer.forward(x);
    public Tensor? Weight => layer.weight;
    public Tensor? Bias => layer.bias;
    public BnState? State => layer.Statistics.Match(
        Some: s => new BnState(s.RunningMean.Select(v => (double)v).ToArray(), s.RunningVar.Select(v => (double)v).ToArray(), s.NumBatchesTracked),
        None: () => (BnState?)null);
    public void Dispose() => layer.Dispose();
}
