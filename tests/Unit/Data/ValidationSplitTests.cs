using NormLab.Core.Data;
using Xunit;

namespace NormLab.Tests.Unit.Data;

public sealed class ValidationSplitTests
{
    private static SplitRanges Right(ValidationSplit split, int total) =>
        split.Ranges(total).Match(r => r, e => throw new Xunit.Sdk.XunitException(e));

    private static string Left(ValidationSplit split, int total) =>
        split.Ranges(total).Match(r => throw new Xunit.Sdk.XunitException($"expected an error, got {r}"), e => e);

    [Fact]
    public void Count_from_start_is_fashion_notebook_001()
    {
        // X_valid, X_train = X_train_full[:5000], X_train_full[5000:]
        Assert.Equal(new SplitRanges(TrainStart: 5000, TrainCount: 55000, ValidationStart: 0, ValidationCount: 5000),
            Right(new ValidationSplit.Count(5000, SplitFrom.Start), 60000));
    }

    [Fact]
    public void Count_from_end_is_fashion_notebook_002()
    {
        // X_train = X_train_full[:-5000]; X_valid = X_train_full[-5000:]
        Assert.Equal(new SplitRanges(0, 55000, 55000, 5000), Right(new ValidationSplit.Count(5000, SplitFrom.End), 60000));
    }

    [Fact]
    public void Fraction_follows_keras_floor_of_the_training_part()
    {
        // keras: split_at = floor(10 * 0.75) = 7 -> 7 train, 3 validation
        Assert.Equal(new SplitRanges(0, 7, 7, 3), Right(new ValidationSplit.Fraction(0.25, SplitFrom.End), 10));
        // floor(60000 * 0.9) = 54000 — 0.9 is not exact in binary, the floor must still land on 54000
        Assert.Equal(new SplitRanges(6000, 54000, 0, 6000), Right(new ValidationSplit.Fraction(0.1, SplitFrom.Start), 60000));
    }

    [Fact]
    public void None_keeps_every_sample_for_training()
    {
        Assert.Equal(new SplitRanges(0, 100, 100, 0), ValidationSplit.None(100));
    }

    [Fact]
    public void Count_and_fraction_agree_with_the_keras_rounding_the_plans_use()
    {
        // The plan's steps per epoch come from ImagesOf, the data layer's batches from Ranges: one rule for both.
        foreach (var f in new[] { 0.1, 0.15, 0.3333, 0.07 })
        {
            var split = new ValidationSplit.Fraction(f, SplitFrom.End);
            Assert.Equal(split.ImagesOf(60000), Right(split, 60000).ValidationCount);
        }
        Assert.Equal(6000, new ValidationSplit.Fraction(0.1, SplitFrom.End).ImagesOf(60000));
    }

    [Fact]
    public void Bad_splits_say_what_and_why()
    {
        Assert.Equal("validation.count: 60000 leaves no training samples (the training file has 60000); use a count below 60000",
            Left(new ValidationSplit.Count(60000, SplitFrom.End), 60000));
        Assert.Equal("validation.count: must be >= 0 (got -1)", Left(new ValidationSplit.Count(-1, SplitFrom.End), 10));
        Assert.Equal("validation.fraction: must be in [0, 1) (got 1.5)", Left(new ValidationSplit.Fraction(1.5, SplitFrom.End), 10));
    }
}
