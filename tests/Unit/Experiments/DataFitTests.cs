using NormLab.Core.Data;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using Xunit;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Experiments;

/// <summary>Issue 11's two defects found by bad inputs, now refused before training.</summary>
public class DataFitTests
{
    private static readonly DatasetSpec First5000Held = new(DatasetSpec.FashionMnist, Some<ValidationSplit>(new ValidationSplit.Count(5000, SplitFrom.Start)));

    [Fact]
    public void A_last_batch_of_one_image_for_a_dense_bn_is_refused_with_a_batch_size_that_works()
    {
        var problems = DataFit.LastBatchProblems("experiments[0].batchSize", Presets.Find("mlp_300_100_bn").IfNone(() => throw new InvalidOperationException()), First5000Held, 7);
        var p = Assert.Single(problems);
        Assert.Equal("experiments[0].batchSize", p.Path);
        Assert.Contains("55000 training images in batches of 7 leave a last batch of 1 image", p.Message);
        Assert.Contains("batch_norm_1", p.Message);
        Assert.Contains("such as 8", p.Message);
    }

    [Fact]
    public void Conv_bn_a_network_without_bn_and_other_batch_sizes_pass()
    {
        var lenetBn = Presets.Find("lenet_bn1").IfNone(() => throw new InvalidOperationException());
        var mlp = Presets.Find("mlp_300_100").IfNone(() => throw new InvalidOperationException());
        var mlpBn = Presets.Find("mlp_300_100_bn").IfNone(() => throw new InvalidOperationException());
        Assert.Empty(DataFit.LastBatchProblems("b", lenetBn, First5000Held, 7));   // 28×28 values per channel even for one image
        Assert.Empty(DataFit.LastBatchProblems("b", mlp, First5000Held, 7));
        Assert.Empty(DataFit.LastBatchProblems("b", mlpBn, First5000Held, 8));
        Assert.Single(DataFit.LastBatchProblems("b", mlpBn, First5000Held, 1));
    }

    [Fact]
    public void A_sample_shape_other_than_the_input_shape_names_both()
    {
        var lenet = Presets.Find("lenet5").IfNone(() => throw new InvalidOperationException());
        var message = DataFit.SampleShapeProblem(lenet, Seq(1, 32, 32)).IfNone("");
        Assert.Contains("[1, 32, 32]", message);
        Assert.Contains("[1, 28, 28]", message);
        Assert.True(DataFit.SampleShapeProblem(lenet, Seq(1, 28, 28)).IsNone);
    }
}
