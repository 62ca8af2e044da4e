namespace NormLab.Core.Experiments;

/// <summary>Which end of the (unshuffled) training file the validation images are taken from.</summary>
public enum SplitFrom
{
    /// <summary>The first images, like seed 001's <c>X_train_full[:5000]</c>.</summary>
    Start,
    /// <summary>The last images, like seed 002's <c>X_train_full[-5000:]</c>.</summary>
    End,
}

/// <summary>The images held out of the training file for validation, taken before any shuffling.</summary>
public abstract record ValidationSplit(SplitFrom From)
{
    /// <summary>Exactly <paramref name="Images"/> images.</summary>
    public sealed record Count(int Images, SplitFrom From = SplitFrom.Start) : ValidationSplit(From);

    /// <summary>A fraction in (0, 1) of the training file, rounded down to whole images.</summary>
    public sealed record Fraction(double Value, SplitFrom From = SplitFrom.Start) : ValidationSplit(From);

    /// <summary>How many images this split takes from a training file of <paramref name="trainImages"/>.</summary>
    public int ImagesOf(int trainImages) => this switch
    {
        Count c => c.Images,
        Fraction f => (int)Math.Floor(f.Value * trainImages),
        _ => 0,
    };
}
