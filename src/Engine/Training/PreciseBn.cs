using NormLab.Core.Data;
using NormLab.Engine.Compilation;

namespace NormLab.Engine.Training;

/// <summary>What precise BN measured: the batches it used and the evaluation with the re-estimated statistics.</summary>
public sealed record PreciseBnOutcome(int Batches, double? TestAccuracy, double? TestLoss, double? ValAccuracy, double? ValLoss);

/// <summary>
/// Precise BN (Wu &amp; Johnson 2021): with the final weights, every batch_norm layer with running statistics re-estimates
/// them as the exact population mean and variance of its inputs over <c>batches</c> training batches (the first batches of
/// the shuffle of epoch <c>epoch</c>), the network is evaluated with them, and the statistics training left are put back
/// (so model.safetensors and summary.json's own test accuracy stay those of the convention).
/// During the pass the BN layers normalise each batch (or ghost chunk) with its own statistics, as in training, while
/// every other layer is in eval mode (no dropout, no noise): the statistics are those of the network that is evaluated.
/// </summary>
public static class PreciseBn
{
    public static PreciseBnOutcome Run(CompiledNetwork net, DatasetSplits data, int batchSize, int batches, ulong seed, int epoch,
        Evaluator evaluator, Device device)
    {
        var layers = net.BatchNormLayers.Where(b => b.Spec.TrackRunningStats).ToList();
        var saved = layers.Select(l => l.Statistics.Map(s => (s.RunningMean, s.RunningVar)).IfNone(([], []))).ToList();
        var wasTraining = net.training;
        try
        {
            Estimate(net, data.Train, batchSize, batches, seed, epoch, device);
            var test = evaluator.Evaluate(net, data.Test);
            var val = evaluator.Evaluate(net, data.Validation);
            return new PreciseBnOutcome(batches,
                test.Map(t => (double?)t.Accuracy).IfNone((double?)null), test.Map(t => (double?)t.Loss).IfNone((double?)null),
                val.Map(v => (double?)v.Accuracy).IfNone((double?)null), val.Map(v => (double?)v.Loss).IfNone((double?)null));
        }
        finally
        {
            for (var i = 0; i < layers.Count; i++) layers[i].LoadStatistics(saved[i].Item1, saved[i].Item2);
            net.train(wasTraining);
        }
    }

    /// <summary>Replaces every tracked batch_norm's running statistics by the population statistics over the batches.</summary>
    public static void Estimate(CompiledNetwork net, DatasetArrays train, int batchSize, int batches, ulong seed, int epoch, Device device)
    {
        var layers = net.BatchNormLayers.Where(b => b.Spec.TrackRunningStats).ToList();
        var it = new BatchIterator(train, batchSize);
        it.Shuffle(seed, epoch);
        var images = new float[batchSize * it.SampleSize];
        var labels = new long[batchSize];
        using var imageTensor = torch.zeros([batchSize, .. train.SampleShape.Select(d => (long)d)], dtype: ScalarType.Float32).DetachFromDisposeScope();
        using var labelTensor = torch.zeros(batchSize, dtype: ScalarType.Int64).DetachFromDisposeScope();
        net.eval();
        foreach (var l in layers) l.BeginPreciseStatistics();
        using var _ = torch.no_grad();
        for (var b = 0; b < Math.Min(batches, it.BatchCount); b++)
        {
            using var scope = torch.NewDisposeScope();
            var n = it.Fill(b, images, labels);
            var (x, _labels) = BatchTensors.Load(imageTensor, labelTensor, images, labels, n, it.SampleSize, device);
            net.ForwardLogits(x).Dispose();
        }
        foreach (var l in layers) l.EndPreciseStatistics();
    }
}
