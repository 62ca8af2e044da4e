namespace NormLab.Host.Reports;

/// <summary>The marker drawn on a series every few points, and on its legend entry.</summary>
public enum MarkerShape { Circle, Square, Triangle, Diamond, InvertedTriangle, Cross, Plus }

/// <summary>Colour, dash pattern and marker of one style index.</summary>
public sealed record LineStyle(string Colour, string Dash, MarkerShape Marker);

/// <summary>
/// The style table behind <c>StyleIndex</c>. Colours are the Okabe–Ito palette (safe for the common colour-vision
/// deficiencies; yellow left out, it vanishes on white). Every index also differs in dash pattern and marker, so
/// curves stay apart in grayscale print where blue and vermillion turn into similar greys.
/// </summary>
public static class ChartStyles
{
    private static readonly LineStyle[] Table =
    {
        new("#0072B2", "", MarkerShape.Circle),               // blue, solid
        new("#D55E00", "8 4", MarkerShape.Square),            // vermillion, dashed
        new("#009E73", "2 3", MarkerShape.Triangle),          // bluish green, dotted
        new("#CC79A7", "10 3 2 3", MarkerShape.Diamond),      // reddish purple, dash-dot
        new("#E69F00", "5 5", MarkerShape.InvertedTriangle),  // orange, even dashes
        new("#56B4E9", "14 4", MarkerShape.Cross),            // sky blue, long dashes
        new("#000000", "6 2 2 2 2 2", MarkerShape.Plus),      // black, dash-dot-dot
    };

    public static LineStyle For(int styleIndex) => Table[((styleIndex % Table.Length) + Table.Length) % Table.Length];

    public static int Count => Table.Length;
}
