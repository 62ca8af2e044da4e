namespace NormLab.Core.Networks;

/// <summary>
/// Spatial padding of a <see cref="Conv2D"/>, always symmetric (PyTorch-style: the same number of zeros on every side).
/// <list type="bullet">
/// <item><see cref="Valid"/>: no padding (Keras' and PyTorch's default).</item>
/// <item><see cref="Same"/>: keeps height and width; allowed only with stride 1 and an odd kernel k, where it pads (k−1)/2 on
/// each side. (Keras would pad an even kernel asymmetrically and allows stride &gt; 1 — "same" there means ⌈in/stride⌉ —
/// but symmetric padding cannot express either, so validation rejects them and asks for an explicit padding.)</item>
/// <item><see cref="Explicit"/>: Amount zeros on each side.</item>
/// </list>
/// </summary>
public abstract record Padding
{
    public sealed record Valid : Padding;

    public sealed record Same : Padding;

    public sealed record Explicit(int Amount) : Padding;

    /// <summary>Zeros added on each side for a kernel of size <paramref name="kernel"/> (Same: (k−1)/2).</summary>
    public int PerSide(int kernel) => this switch
    {
        Explicit e => e.Amount,
        Same => (kernel - 1) / 2,
        _ => 0,
    };

    /// <summary>The name as written in YAML: <c>valid</c>, <c>same</c> or the number.</summary>
    // sealed: otherwise each derived record's generated ToString ("Same { }") would replace this one.
    public sealed override string ToString() => this switch
    {
        Explicit e => Format.Number(e.Amount),
        Same => "same",
        _ => "valid",
    };
}
