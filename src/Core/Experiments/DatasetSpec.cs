using NormLab.Core.Data;
namespace NormLab.Core.Experiments;

/// <summary>
/// A dataset as an experiment uses it: the source (<c>mnist</c> or <c>fashion-mnist</c>, both 60,000 training and 10,000
/// test images of 28×28), an optional validation split held out of the training images, the preprocessing, an optional
/// folder holding the IDX files (null: the host's usual search), and an optional cap on the training images: the first
/// <see cref="TrainCount"/> of what the validation split leaves (a study that must fit a small machine's time; the test
/// split stays whole).
/// </summary>
public sealed record DatasetSpec(
    string Source,
    Option<ValidationSplit> Validation = default,
    Preprocessing Preprocess = Preprocessing.Scale01,
    string? DataDir = null,
    Option<int> TrainCount = default)
{
    public const string Mnist = "mnist";
    public const string FashionMnist = "fashion-mnist";

    /// <summary>The sources the host can load.</summary>
    public static Seq<string> Sources => Seq(Mnist, FashionMnist);

    /// <summary>Images in the training file of either source.</summary>
    public const int TrainFileImages = 60_000;

    public const int TestImages = 10_000;

    /// <summary>Images left for training after the validation split (at most <see cref="TrainCount"/>).</summary>
    public int TrainImages => Math.Min(TrainFileImages - ValidationImages, TrainCount.IfNone(int.MaxValue));

    public int ValidationImages => Validation.Match(v => v.ImagesOf(TrainFileImages), () => 0);

    /// <summary>Optimizer steps in one epoch at <paramref name="batchSize"/>: ⌈train / batch⌉ (the last batch may be short,
    /// as in Keras' <c>fit</c>).</summary>
    public int StepsPerEpoch(int batchSize) => (TrainImages + batchSize - 1) / batchSize;

    /// <summary>A bare source name used as a dataset: no validation split, scale01.</summary>
    public static DatasetSpec Builtin(string source) => new(source);
}
