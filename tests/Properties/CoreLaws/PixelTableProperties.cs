using NormLab.Core.Data;
using NormLab.Tests.Properties.Infrastructure;

namespace NormLab.Tests.Properties.CoreLaws;

/// <summary>
/// Samples of <paramref name="Size"/> bytes and the preprocessing to decode them with: scale01 when
/// <paramref name="Standardizer"/> is null, else standardisation with its statistics (fitted on the bytes, or arbitrary).
/// </summary>
public sealed record PixelCase(int Size, byte[] Pixels, PixelStandardizer? Standardizer)
{
    public int Count => Pixels.Length / Size;

    public override string ToString() =>
        $"{Count} samples × {Size} pixels [{string.Join(",", Pixels.Take(24))}{(Pixels.Length > 24 ? ",…" : "")}], " +
        (Standardizer is null ? "scale01" : $"standardize mean [{string.Join(",", Standardizer.Mean.Take(6).Select(m => m.ToString("R")))}…] " +
            $"std [{string.Join(",", Standardizer.Std.Take(6).Select(s => s.ToString("R")))}…]");
}

/// <summary>
/// 15. A split stored as bytes plus a <see cref="PixelTable"/> decodes to exactly the floats the old whole-array preprocessing
/// produced: <c>(float)(b / 255.0)</c> for scale01 and <c>(float)((b / 255.0 − mean[j]) / std[j])</c> for standardisation —
/// compared bit by bit, so the network sees the same numbers as before the representation changed.
/// </summary>
public static class PixelTableProperties
{
    static Gen<double> Means => Gen.Choose(-2_000_000, 2_000_000).Select(m => m / 1e6);

    // Log-uniform over 1e-4..10: tiny spreads amplify rounding differences, so they are where a sloppy table would show.
    static Gen<double> Stds => Gen.Choose(-4000, 1000).Select(e => Math.Pow(10, e / 1000.0));

    static Arbitrary<PixelCase> Cases =>
        Arb.From(
            from size in Gen.Choose(1, 64)
            from count in Gen.Choose(1, 16)
            from pixels in Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(size * count)
            from kind in Gen.Elements(0, 1, 2)
            from mean in Means.ArrayOf(size)
            from std in Stds.ArrayOf(size)
            select new PixelCase(size, pixels, kind switch
            {
                0 => null,
                1 => PixelScaling.FitStandardizer(pixels, size),
                _ => new PixelStandardizer(mean, std, 0),
            }));

    /// <summary>The floats the old float-array preprocessing gave for the case's bytes (the reference).</summary>
    public static float[] Formula(PixelCase c) =>
        c.Pixels.Select((b, k) => c.Standardizer is { } s
            ? (float)((b / 255.0 - s.Mean[k % c.Size]) / s.Std[k % c.Size])
            : (float)(b / 255.0)).ToArray();

    /// <summary>Decoding through the real table, as a split does.</summary>
    public static float[] Decode(PixelCase c)
    {
        var table = c.Standardizer is { } s ? PixelTable.Standardize(s) : PixelTable.Scale01;
        return new DatasetArrays(c.Pixels, new byte[c.Count], c.Count, [1, 1, c.Size], table).DecodeAll();
    }

    public static PropertyDef<PixelCase> P15_DecodingIsBitIdentical(Func<PixelCase, float[]> decode, int maxTest = 500) => new(
        "P15 bytes decoded through the pixel table equal the float64 preprocessing formulas bit for bit",
        Cases,
        c =>
        {
            var expected = Formula(c);
            var actual = decode(c);
            if (actual.Length != expected.Length)
                throw new PropertyViolation($"decoded {actual.Length} floats for {expected.Length} pixels");
            for (var k = 0; k < expected.Length; k++)
                if (BitConverter.SingleToInt32Bits(actual[k]) != BitConverter.SingleToInt32Bits(expected[k]))
                    throw new PropertyViolation(
                        $"sample {k / c.Size} pixel {k % c.Size} byte {c.Pixels[k]}: decoded {actual[k]:R}, formula {expected[k]:R}");
        },
        maxTest);
}
