using System.Globalization;

namespace NormLab.Core;

/// <summary>Invariant-culture number formatting for messages and tables: a user never sees "0,5" or a locale's separator.</summary>
public static class Format
{
    /// <summary>Shortest round-trip text of a double (<c>0.1</c>, <c>1E-05</c>), invariant culture.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Thousands separators like Keras' summary: <c>271,346</c>.</summary>
    public static string Thousands(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A per-sample shape as a tuple, e.g. <c>(6, 28, 28)</c>.</summary>
    public static string Shape(IEnumerable<int> shape) =>
        "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
}
