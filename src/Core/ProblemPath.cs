using System.Globalization;

namespace NormLab.Core;

/// <summary>
/// Builds the dotted paths of <see cref="Problem"/>s: <c>Join("experiments[2].model", "layers")</c> gives
/// <c>experiments[2].model.layers</c>, <c>Index("layers", 4)</c> gives <c>layers[4]</c>. An empty prefix adds no dot, so a
/// caller that validates a bare network gets paths like <c>layers[4].units</c>.
/// </summary>
public static class ProblemPath
{
    public static string Join(string prefix, string segment) =>
        prefix.Length == 0 ? segment : segment.Length == 0 ? prefix : $"{prefix}.{segment}";

    public static string Index(string prefix, int index) =>
        $"{prefix}[{index.ToString(CultureInfo.InvariantCulture)}]";
}
