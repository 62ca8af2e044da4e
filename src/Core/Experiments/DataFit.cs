using NormLab.Core.Networks;

namespace NormLab.Core.Experiments;

/// <summary>
/// Checks, before any training, that a run's data fits its network — the two mistakes libtorch would otherwise report
/// deep inside a step ("mat1 and mat2 shapes cannot be multiplied", or BN's one-value-per-channel error at the end of
/// an epoch, after all its work).
/// </summary>
public static class DataFit
{
    /// <summary>The data's sample shape against the network's inputShape; None when they are equal.</summary>
    public static Option<string> SampleShapeProblem(Network network, Seq<int> sampleShape) =>
        sampleShape.SequenceEqual(network.InputShape)
            ? None
            : Some($"the dataset's samples are [{string.Join(", ", sampleShape)}] but model {network.Name} expects inputShape " +
                   $"[{string.Join(", ", network.InputShape)}] — set the model's inputShape to [{string.Join(", ", sampleShape)}] " +
                   $"(and its layers to fit), or use data of shape [{string.Join(", ", network.InputShape)}]");

    /// <summary>
    /// A batch of one sample gives a BN layer one value per channel when its input has a single value per sample and
    /// channel (a dense BN, or a 1×1 feature map); training cannot normalise that. This happens when the batch size is 1,
    /// or when the training split leaves a last batch of 1 (Keras-style, the last partial batch is kept). Problems are
    /// reported at <paramref name="batchSizePath"/> with a batch size that works.
    /// </summary>
    public static Seq<Problem> LastBatchProblems(string batchSizePath, Network network, DatasetSpec dataset, int batchSize)
    {
        if (batchSize <= 0) return Seq<Problem>();
        var train = dataset.TrainImages;
        var last = train % batchSize;
        if (batchSize != 1 && last != 1) return Seq<Problem>();
        return ShapeInference.Infer(network).Match(
            shape => shape.Layers
                .Find(l => l.Layer is BatchNorm && l.Input.Skip(1).Fold(1, (a, d) => a * d) == 1)
                .Map(l => new Problem(batchSizePath, batchSize == 1
                    ? $"batches of 1 give {shape.NameOf(l.Index)} (batch_norm) one value per channel, which training cannot normalise — use a batchSize of at least 2"
                    : $"{Format.Number(train)} training images in batches of {Format.Number(batchSize)} leave a last batch of 1 image, " +
                      $"which {shape.NameOf(l.Index)} (batch_norm) cannot normalise (one value per channel) — use a batchSize such as " +
                      $"{Format.Number(Nearest(train, batchSize))}, which leaves no batch of 1, or change the validation split"))
                .ToSeq(),
            _ => Seq<Problem>());
    }

    /// <summary>
    /// Ghost BN: each batch_norm's <c>virtualBatchSize</c> must divide the batch size (every full batch splits into equal
    /// chunks), and no chunk — the last partial batch's remainder included — may give the layer one value per channel.
    /// Problems are reported at <paramref name="batchSizePath"/>, naming the layer and its field.
    /// </summary>
    public static Seq<Problem> GhostBatchProblems(string batchSizePath, Network network, DatasetSpec dataset, int batchSize)
    {
        if (batchSize <= 0) return Seq<Problem>();
        var last = dataset.TrainImages % batchSize;
        return ShapeInference.Infer(network).Match(
            shape => shape.Layers.Bind(l =>
            {
                if (l.Layer is not BatchNorm { VirtualBatchSize: int v } || v <= 0) return Seq<Problem>();
                var name = shape.NameOf(l.Index);
                var perSample = l.Input.Skip(1).Fold(1L, (a, d) => a * d);
                if (batchSize % v != 0)
                {
                    var divisors = Enumerable.Range(1, batchSize).Where(d => batchSize % d == 0 && (perSample > 1 || d > 1)).ToList();
                    return Seq1(new Problem(batchSizePath,
                        $"{name} (batch_norm) has virtualBatchSize {Format.Number(v)}, which does not divide the batch size {Format.Number(batchSize)} — " +
                        $"use a virtualBatchSize that divides it ({string.Join(", ", divisors.Select(d => Format.Number(d)))}) or a batchSize that is a multiple of {Format.Number(v)}"));
                }
                if (perSample > 1) return Seq<Problem>();
                if (v == 1)
                    return Seq1(new Problem(batchSizePath,
                        $"{name} (batch_norm) has virtualBatchSize 1: chunks of one sample give it one value per channel, which training cannot normalise — use a virtualBatchSize of at least 2"));
                if (last > v && last % v == 1)
                    return Seq1(new Problem(batchSizePath,
                        $"{Format.Number(dataset.TrainImages)} training images in batches of {Format.Number(batchSize)} leave a last batch of {Format.Number(last)}, " +
                        $"whose last chunk of virtualBatchSize {Format.Number(v)} holds 1 image: {name} (batch_norm) cannot normalise one value per channel — use another batchSize or virtualBatchSize"));
                return Seq<Problem>();
            }).Strict(),
            _ => Seq<Problem>());
    }

    /// <summary>The batch size nearest to <paramref name="batchSize"/> (above first) whose last batch is not a single image.</summary>
    private static int Nearest(int train, int batchSize)
    {
        for (var d = 1; d < batchSize; d++)
        {
            if (train % (batchSize + d) != 1) return batchSize + d;
            if (batchSize - d > 1 && train % (batchSize - d) != 1) return batchSize - d;
        }
        return batchSize + 1;
    }
}
