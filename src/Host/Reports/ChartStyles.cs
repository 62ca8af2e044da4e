using ScottPlot;

namespace NormLab.Host.Reports;

/// <summary>Colour, dash pattern and marker of one style index, in ScottPlot's terms.</summary>
public sealed record LineStyleSpec(string Hex, LinePattern Pattern, MarkerShape Marker)
{
    public Color Colour => Color.FromHex(Hex);
}

/// <summary>
/// The style table behind <c>StyleIndex</c>. Colours are the Okabe–Ito palette (safe for the common colour-vision
/// deficiencies; yellow left out, it vanishes on white). Every index also differs in dash pattern and marker, so
/// curves stay apart in grayscale print where blue and vermillion turn into similar greys.
/// </summary>
public static class ChartStyles
{
    private static LinePattern Dash(string name, params float[] intervals) => new(intervals, 0, name);

    private static readonly LineStyleSpec[] Table =
    {
        new("#0072B2", LinePattern.Solid, MarkerShape.FilledCircle),                       // blue, solid
        new("#D55E00", Dash("dashed", 8, 4), MarkerShape.FilledSquare),                     // vermillion, dashed
        new("#009E73", Dash("dotted", 2, 3), MarkerShape.FilledTriangleUp),                 // bluish green, dotted
        new("#CC79A7", Dash("dash-dot", 10, 3, 2, 3), MarkerShape.FilledDiamond),           // reddish purple, dash-dot
        new("#E69F00", Dash("even", 5, 5), MarkerShape.FilledTriangleDown),                 // orange, even dashes
        new("#56B4E9", Dash("long", 14, 4), MarkerShape.Eks),                               // sky blue, long dashes
        new("#000000", Dash("dash-dot-dot", 6, 2, 2, 2, 2, 2), MarkerShape.Cross),          // black, dash-dot-dot
    };

    /// <summary>A companion line (15th/85th percentile beside the median): thin and finely dotted in the variant's colour.</summary>
    public static readonly LinePattern Secondary = Dash("fine dots", 1.5f, 3);

    public static LineStyleSpec For(int styleIndex) => Table[((styleIndex % Table.Length) + Table.Length) % Table.Length];

    public static int Count => Table.Length;
}
