namespace NormLab.Core.Data;

/// <summary>Which end of the (unshuffled) training file the validation images are taken from.</summary>
public enum SplitFrom
{
    /// <summary>The first images — Fashion notebook 001: <c>X_valid, X_train = X_train_full[:5000], X_train_full[5000:]</c>.</summary>
    Start,
    /// <summary>The last images — Fashion notebook 002 and Keras' <c>validation_split</c>: <c>X_train_full[-5000:]</c>.</summary>
    End,
}

/// <summary>
/// The images held out of the training file for validation, taken before any shuffling: a closed family, so "a count
/// and a fraction at once" cannot be written. One definition serves the experiment specs (YAML) and the data layer,
/// so the steps per epoch a plan computes always equal the batches the data layer cuts.
/// </summary>
public abstract record ValidationSplit(SplitFrom From)
{
    /// <summary>Exactly <paramref name="Images"/> images.</summary>
    public sealed record Count(int Images, SplitFrom From = SplitFrom.Start) : ValidationSplit(From);

    /// <summary>A fraction in (0, 1) of the training file, rounded as Keras does (the training part is ⌊n·(1−f)⌋).</summary>
    public sealed record Fraction(double Value, SplitFrom From = SplitFrom.Start) : ValidationSplit(From);

    /// <summary>How many images this split takes from a training file of <paramref name="total"/> images.</summary>
    public int ImagesOf(int total) => this switch
    {
        Count c => c.Images,
        // keras-style: split_at = floor(n * (1 - f)); validation is everything after it.
        Fraction f => total - (int)Math.Floor(total * (1.0 - f.Value)),
        _ => 0,
    };

    /// <summary>The two index ranges of a training file of <paramref name="total"/> samples, or what is wrong.</summary>
    public Either<string, SplitRanges> Ranges(int total)
    {
        switch (this)
        {
            case Count { Images: < 0 } c:
                return Left<string, SplitRanges>($"validation.count: must be >= 0 (got {c.Images})");
            case Count c when c.Images >= total:
                return Left<string, SplitRanges>($"validation.count: {c.Images} leaves no training samples (the training file has {total}); use a count below {total}");
            case Fraction f when !(f.Value >= 0.0 && f.Value < 1.0):
                return Left<string, SplitRanges>($"validation.fraction: must be in [0, 1) (got {f.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }
        return Split(total, ImagesOf(total), From);
    }

    /// <summary>No validation split: every training image trains.</summary>
    public static SplitRanges None(int total) => Split(total, 0, SplitFrom.End);

    private static SplitRanges Split(int total, int validation, SplitFrom from)
    {
        var train = total - validation;
        return from == SplitFrom.Start
            ? new SplitRanges(TrainStart: validation, TrainCount: train, ValidationStart: 0, ValidationCount: validation)
            : new SplitRanges(TrainStart: 0, TrainCount: train, ValidationStart: train, ValidationCount: validation);
    }
}

/// <summary>Index ranges [start, start+count) of the training and validation samples inside the training file.</summary>
public sealed record SplitRanges(int TrainStart, int TrainCount, int ValidationStart, int ValidationCount);
