using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Data;

/// <summary>
/// Turns the raw bytes of a training file and a test file into the three float splits a run trains on: the validation split is
/// cut from the training file first, then preprocessing is fitted on what remains for training (never on validation or test
/// images, which would leak their statistics) and applied to every split.
/// </summary>
public static class DatasetBuilder
{
    public static Either<string, DatasetSplits> Build(
        ReadOnlyMemory<byte> trainPixels, ReadOnlyMemory<byte> trainLabels,
        ReadOnlyMemory<byte> testPixels, ReadOnlyMemory<byte> testLabels,
        int[] sampleShape, ValidationSplit? validation, Preprocessing preprocessing, int numClasses = 10)
    {
        var sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        if (sampleSize <= 0) return Left<string, DatasetSplits>($"sample shape [{string.Join(", ", sampleShape)}] has no pixels");
        if (trainPixels.Length != trainLabels.Length * sampleSize)
            return Left<string, DatasetSplits>($"training data has {trainPixels.Length} pixel bytes for {trainLabels.Length} labels of {sampleSize} pixels each");
        if (testPixels.Length != testLabels.Length * sampleSize)
            return Left<string, DatasetSplits>($"test data has {testPixels.Length} pixel bytes for {testLabels.Length} labels of {sampleSize} pixels each");

        var rangesOrError = validation is null
            ? Right<string, SplitRanges>(ValidationSplit.None(trainLabels.Length))
            : validation.Ranges(trainLabels.Length);
        if (rangesOrError.IsLeft) return Left<string, DatasetSplits>(rangesOrError.LeftToSeq().Head());
        var r = rangesOrError.RightToSeq().Head();

        var trainP = trainPixels.Slice(r.TrainStart * sampleSize, r.TrainCount * sampleSize);
        var validP = trainPixels.Slice(r.ValidationStart * sampleSize, r.ValidationCount * sampleSize);
        var trainL = trainLabels.Span.Slice(r.TrainStart, r.TrainCount).ToArray();
        var validL = trainLabels.Span.Slice(r.ValidationStart, r.ValidationCount).ToArray();

        float[] trainX, validX, testX;
        switch (preprocessing)
        {
            case Preprocessing.Scale01:
                trainX = PixelScaling.Scale01(trainP);
                validX = PixelScaling.Scale01(validP);
                testX = PixelScaling.Scale01(testPixels);
                break;
            case Preprocessing.Standardize:
                var standardizer = PixelScaling.FitStandardizer(trainP, sampleSize);
                trainX = standardizer.Apply(trainP);
                validX = standardizer.Apply(validP);
                testX = standardizer.Apply(testPixels);
                break;
            default:
                return Left<string, DatasetSplits>($"unknown preprocessing {preprocessing}");
        }

        return new DatasetSplits(
            new DatasetArrays(trainX, trainL, r.TrainCount, sampleShape),
            new DatasetArrays(validX, validL, r.ValidationCount, sampleShape),
            new DatasetArrays(testX, testLabels.ToArray(), testLabels.Length, sampleShape))
        {
            NumClasses = numClasses,
        };
    }
}
