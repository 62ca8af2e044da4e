using System.Runtime.CompilerServices;

namespace NormLab.Core.Data;

/// <summary>
/// What preprocessing makes of a raw pixel byte: the float the network sees for byte <c>b</c> at pixel <c>j</c> of a sample.
/// A pixel has only 256 possible values, so every preprocessing is a table of precomputed results — each computed once with the
/// exact float64 formula and rounded once to float32, so a lookup is bit-identical to applying the formula. Keeping the bytes and
/// this table instead of a float copy of the dataset holds a split in a quarter of the memory.
/// <list type="bullet">
/// <item><see cref="Preprocessing.Scale01"/>: one table of 256 values shared by every pixel, <c>(float)(b / 255.0)</c>.</item>
/// <item><see cref="Preprocessing.Standardize"/>: one row of 256 values per pixel (C·H·W × 256, ~800 KB for 28×28),
/// <c>(float)((b / 255.0 − mean[j]) / std[j])</c>; entry <c>(j &lt;&lt; 8) | b</c>.</item>
/// </list>
/// A class with factories rather than a positional record: the table's length must agree with its kind and sample size, and a
/// public constructor would let a caller build one that does not.
/// </summary>
public sealed class PixelTable
{
    private readonly float[] values;

    private PixelTable(Preprocessing kind, int sampleSize, float[] values)
    {
        Kind = kind;
        SampleSize = sampleSize;
        this.values = values;
    }

    /// <summary>The preprocessing this table implements.</summary>
    public Preprocessing Kind { get; }

    /// <summary>True when each pixel has its own row of 256 values (standardisation); false when one row serves all pixels.</summary>
    public bool PerPixel => Kind == Preprocessing.Standardize;

    /// <summary>Pixels per sample the table has rows for (C·H·W); 0 for a shared table, which fits any sample size.</summary>
    public int SampleSize { get; }

    /// <summary>Number of floats held: 256, or 256 per pixel.</summary>
    public int Length => values.Length;

    // numpy-style: x / 255.0 is computed in float64 and only then rounded to float32 (Keras casts the float64 array).
    /// <summary><c>(float)(b / 255.0)</c> for every byte; one instance shared by every split.</summary>
    public static PixelTable Scale01 { get; } = BuildScale01();

    private static PixelTable BuildScale01()
    {
        var t = new float[256];
        for (var b = 0; b < 256; b++) t[b] = (float)(b / 255.0);
        return new PixelTable(Preprocessing.Scale01, 0, t);
    }

    /// <summary>
    /// <c>(float)((b/255 − mean[j]) / std[j])</c> for every pixel j and byte b, computed in float64 like numpy and rounded once
    /// to float32: the formula runs 256·C·H·W times instead of once per pixel of every image.
    /// </summary>
    public static PixelTable Standardize(PixelStandardizer standardizer)
    {
        var size = standardizer.SampleSize;
        if (size <= 0) throw new ArgumentException("a standardizer needs at least one pixel", nameof(standardizer));
        var t = new float[size * 256];
        for (var j = 0; j < size; j++)
        for (var b = 0; b < 256; b++)
            t[(j << 8) | b] = (float)((b / 255.0 - standardizer.Mean[j]) / standardizer.Std[j]);
        return new PixelTable(Preprocessing.Standardize, size, t);
    }

    /// <summary>True when samples of <paramref name="sampleSize"/> pixels can be decoded with this table.</summary>
    public bool Fits(int sampleSize) => !PerPixel || sampleSize == SampleSize;

    /// <summary>The float for byte <paramref name="value"/> at pixel <paramref name="pixel"/> of a sample.</summary>
    public float this[int pixel, byte value] => PerPixel ? values[(pixel << 8) | value] : values[value];

    /// <summary>
    /// Writes the floats of one sample's bytes into <paramref name="destination"/> (same length). Allocates nothing: this runs for
    /// every sample of every batch.
    /// </summary>
    public void Decode(ReadOnlySpan<byte> sample, Span<float> destination)
    {
        if (destination.Length != sample.Length)
            throw new ArgumentException($"destination holds {destination.Length} floats for {sample.Length} pixels", nameof(destination));
        if (PerPixel)
        {
            if (sample.Length != SampleSize)
                throw new ArgumentException($"a sample of {sample.Length} pixels does not fit a table fitted on {SampleSize}-pixel samples", nameof(sample));
            DecodePerPixel(sample, destination, values);
        }
        else
        {
            DecodeShared(sample, destination, values);
        }
    }

    // Hot loops over every pixel of every batch: optimised at once, even before tiering and in Debug builds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodeShared(ReadOnlySpan<byte> src, Span<float> dst, float[] table)
    {
        for (var j = 0; j < src.Length; j++) dst[j] = table[src[j]];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DecodePerPixel(ReadOnlySpan<byte> src, Span<float> dst, float[] table)
    {
        for (var j = 0; j < src.Length; j++) dst[j] = table[(j << 8) | src[j]];
    }
}
