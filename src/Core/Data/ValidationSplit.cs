using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Data;

/// <summary>Which end of the training file the validation images are taken from.</summary>
public enum SplitFrom
{
    /// <summary>Fashion notebook 001: <c>X_valid, X_train = X_train_full[:5000], X_train_full[5000:]</c>.</summary>
    Start,
    /// <summary>Fashion notebook 002 and Keras <c>validation_split</c>: <c>X_train_full[-5000:]</c>.</summary>
    End,
}

/// <summary>
/// How many training-file samples become the validation split: none, an exact count, or a fraction.
/// A fraction follows Keras <c>validation_split</c>: train keeps <c>floor(n·(1−f))</c> samples, validation the rest.
/// </summary>
public sealed record ValidationSplit(int? Count = null, double? Fraction = null, SplitFrom From = SplitFrom.End)
{
    public static readonly ValidationSplit None = new();

    public static ValidationSplit OfCount(int count, SplitFrom from = SplitFrom.End) => new(Count: count, From: from);

    public static ValidationSplit OfFraction(double fraction, SplitFrom from = SplitFrom.End) => new(Fraction: fraction, From: from);

    /// <summary>
    /// The two index ranges of a training file of <paramref name="total"/> samples, or a message saying what is wrong
    /// (count and fraction both set, negative, or leaving no training samples).
    /// </summary>
    public Either<string, SplitRanges> Ranges(int total)
    {
        if (Count is not null && Fraction is not null)
            return Left<string, SplitRanges>("validation: give either a count or a fraction, not both");
        int validation;
        if (Count is int c)
        {
            if (c < 0) return Left<string, SplitRanges>($"validation.count: must be >= 0 (got {c})");
            if (c >= total)
                return Left<string, SplitRanges>($"validation.count: {c} leaves no training samples (the training file has {total}); use a count below {total}");
            validation = c;
        }
        else if (Fraction is double f)
        {
            if (!(f >= 0.0 && f < 1.0))
                return Left<string, SplitRanges>($"validation.fraction: must be in [0, 1) (got {f.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
            // keras-style: split_at = floor(n * (1 - f)); validation is everything after it.
            validation = total - (int)Math.Floor(total * (1.0 - f));
        }
        else
        {
            validation = 0;
        }

        var train = total - validation;
        return From == SplitFrom.Start
            ? new SplitRanges(TrainStart: validation, TrainCount: train, ValidationStart: 0, ValidationCount: validation)
            : new SplitRanges(TrainStart: 0, TrainCount: train, ValidationStart: train, ValidationCount: validation);
    }
}

/// <summary>Index ranges [start, start+count) of the training and validation samples inside the training file.</summary>
public sealed record SplitRanges(int TrainStart, int TrainCount, int ValidationStart, int ValidationCount);
