using NormLab.Core.Data;
using NormLab.Engine.Compilation;

namespace NormLab.Engine.Training;

/// <summary>Loss and accuracy of a network over a whole split, in eval mode, without autograd.</summary>
public sealed class Evaluator : IDisposable
{
    private readonly int batchSize;
    private readonly float[] images;
    private readonly long[] labels;
    private readonly Tensor imageTensor;
    private readonly Tensor labelTensor;
    private readonly long[] sampleShape;
    private readonly Device device;

    public Evaluator(int[] sampleShape, int batchSize, Device? device = null)
    {
        this.device = device ?? CPU;
        this.batchSize = batchSize;
        this.sampleShape = sampleShape.Select(d => (long)d).ToArray();
        var sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        images = new float[batchSize * sampleSize];
        labels = new long[batchSize];
        imageTensor = torch.zeros([batchSize, .. this.sampleShape], dtype: ScalarType.Float32).DetachFromDisposeScope();
        labelTensor = torch.zeros(batchSize, dtype: ScalarType.Int64).DetachFromDisposeScope();
    }

    /// <summary>(mean loss, accuracy) over <paramref name="split"/>, or None for an empty split. Restores the previous mode.</summary>
    public Option<(double Loss, double Accuracy)> Evaluate(CompiledNetwork net, DatasetArrays split)
    {
        if (split.IsEmpty) return None;
        var wasTraining = net.training;
        net.eval();
        try
        {
            using var _ = torch.no_grad();
            var it = new BatchIterator(split, batchSize);
            double lossSum = 0;
            long correct = 0;
            for (var b = 0; b < it.BatchCount; b++)
            {
                using var scope = torch.NewDisposeScope();
                var n = it.Fill(b, images, labels);
                var (x, y) = BatchTensors.Load(imageTensor, labelTensor, images, labels, n, it.SampleSize, device);
                var logits = net.ForwardLogits(x);
                lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(y).sum().item<long>();
            }
            return Some((lossSum / split.Count, (double)correct / split.Count));
        }
        finally
        {
            net.train(wasTraining);
        }
    }

    public void Dispose()
    {
        imageTensor.Dispose();
        labelTensor.Dispose();
    }
}
