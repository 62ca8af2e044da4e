using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Data;

/// <summary>
/// Turns the raw bytes of a training file and a test file into the three splits a run trains on: the validation split is
/// cut from the training file first, then preprocessing is fitted on what remains for training (never on validation or test
/// images, which would leak their statistics) and becomes one <see cref="PixelTable"/> shared by every split. The splits keep
/// bytes; nothing here converts a whole split to floats.
/// </summary>
public static class DatasetBuilder
{
    /// <summary>
    /// Builds the splits. The arrays are handed over, not borrowed: a split that covers a whole array (the test split always, the
    /// training split when there is no validation split) keeps that array as its storage rather than copying it — 47 MB for
    /// MNIST's training images — so the caller must not change them afterwards. A split cut out of an array is a copy.
    /// <paramref name="trainCount"/>: keep only the first N images of the training range.
    /// </summary>
    public static Either<string, DatasetSplits> Build(
        byte[] trainPixels, byte[] trainLabels, byte[] testPixels, byte[] testLabels,
        int[] sampleShape, ValidationSplit? validation, Preprocessing preprocessing, int numClasses = 10, int? trainCount = null)
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
        // A cap on the training images keeps the first N of the training range; preprocessing is fitted on those alone.
        if (trainCount is int cap)
        {
            if (cap <= 0 || cap > r.TrainCount)
                return Left<string, DatasetSplits>($"trainCount {cap} must be between 1 and the {r.TrainCount} training images the validation split leaves");
            r = r with { TrainCount = cap };
        }

        var trainP = Cut(trainPixels, r.TrainStart * sampleSize, r.TrainCount * sampleSize);
        var validP = Cut(trainPixels, r.ValidationStart * sampleSize, r.ValidationCount * sampleSize);
        var trainL = Cut(trainLabels, r.TrainStart, r.TrainCount);
        var validL = Cut(trainLabels, r.ValidationStart, r.ValidationCount);

        PixelTable table;
        switch (preprocessing)
        {
            case Preprocessing.Scale01:
                table = PixelTable.Scale01;
                break;
            case Preprocessing.Standardize:
                table = PixelTable.Standardize(PixelScaling.FitStandardizer(trainP, sampleSize));
                break;
            default:
                return Left<string, DatasetSplits>($"unknown preprocessing {preprocessing}");
        }

        return new DatasetSplits(
            new DatasetArrays(trainP, trainL, r.TrainCount, sampleShape, table),
            new DatasetArrays(validP, validL, r.ValidationCount, sampleShape, table),
            new DatasetArrays(testPixels, testLabels, testLabels.Length, sampleShape, table))
        {
            NumClasses = numClasses,
        };
    }

    /// <summary>[start, start+length) of <paramref name="source"/>: the array itself when that is all of it, else a copy.</summary>
    private static byte[] Cut(byte[] source, int start, int length) =>
        start == 0 && length == source.Length ? source : source.AsSpan(start, length).ToArray();
}
