using NormLab.Core.Data;
using NormLab.Core.Experiments;
using Xunit;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Data;

/// <summary><c>trainCount</c>: the first N training images after the validation split, the test split whole.</summary>
public sealed class TrainCountTests
{
    static (byte[] Pixels, byte[] Labels) Images(int n) =>
        (Enumerable.Range(0, n * 4).Select(i => (byte)(i / 4)).ToArray(), Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray());

    [Fact]
    public void The_first_n_training_images_after_the_validation_split_are_kept()
    {
        var (tp, tl) = Images(100);
        var (sp, sl) = Images(20);
        var splits = DatasetBuilder.Build(tp, tl, sp, sl, [1, 2, 2], new ValidationSplit.Count(10, SplitFrom.Start), Preprocessing.Scale01, trainCount: 30)
            .IfLeft(e => throw new Xunit.Sdk.XunitException(e));

        Assert.Equal((30, 10, 20), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        // Validation took images 0..9, so training starts at image 10: its pixels carry the value 10.
        Assert.Equal(10, splits.Train.Pixels[0]);
        Assert.Equal(39, splits.Train.Pixels[^1]);
    }

    [Fact]
    public void A_cap_beyond_the_training_images_is_refused()
    {
        var (tp, tl) = Images(100);
        var (sp, sl) = Images(20);
        var built = DatasetBuilder.Build(tp, tl, sp, sl, [1, 2, 2], null, Preprocessing.Scale01, trainCount: 101);
        Assert.True(built.IsLeft);
    }

    [Fact]
    public void Validation_names_the_dataset_path_and_the_budget_follows_the_cap()
    {
        var spec = new DatasetSpec(DatasetSpec.FashionMnist, Some<ValidationSplit>(new ValidationSplit.Count(5000, SplitFrom.Start)), TrainCount: Some(60000));
        var problem = Assert.Single(ExperimentValidation.DatasetProblems(spec, "datasets.small"));
        Assert.Equal("datasets.small.trainCount: must be between 1 and the 55,000 training images the validation split leaves (got 60000)", problem.ToString());
        var capped = spec with { TrainCount = Some(10000) };
        Assert.Empty(ExperimentValidation.DatasetProblems(capped, "datasets.small"));
        Assert.Equal(10000, capped.TrainImages);
        Assert.Equal(5000, capped.StepsPerEpoch(2));
    }
}
