using LanguageExt;
using NormLab.Core;
using static LanguageExt.Prelude;

namespace NormLab.Host.Yaml;

/// <summary>A place in a YAML file, 1-based like an editor shows it.</summary>
public sealed record SourcePosition(int Line, int Column);

/// <summary>
/// Where each path of a parsed file was written: <c>experiments[2].model.layers[4].units</c> → line 57, column 18. Core
/// validation knows only paths; the host turns its problems into located ones through this map. A path that was never
/// written (a field of a preset changed by an override, a required key that is missing) takes the position of its
/// nearest written ancestor.
/// </summary>
public sealed class SourceMap
{
    readonly Dictionary<string, SourcePosition> positions = new(StringComparer.Ordinal);

    public static SourceMap Empty => new();

    /// <summary>Records where <paramref name="path"/> was written (the first record of a path wins).</summary>
    public void Add(string path, SourcePosition position) => positions.TryAdd(path, position);

    public Option<SourcePosition> Exact(string path) =>
        positions.TryGetValue(path, out var p) ? Some(p) : None;

    /// <summary>The position of the path or of its nearest recorded ancestor (<c>a.b[3].c</c> → <c>a.b[3]</c> → <c>a.b</c> → <c>a</c>).</summary>
    public Option<SourcePosition> Locate(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
            if (positions.TryGetValue(p, out var found)) return Some(found);
        return None;
    }

    /// <summary>The path one step up: drops a trailing <c>[i]</c> or <c>.segment</c>.</summary>
    public static string Parent(string path)
    {
        if (path.EndsWith(']'))
        {
            var open = path.LastIndexOf('[');
            if (open >= 0) return path[..open];
        }
        // A key may itself contain ':' (all:batch_norm) but never '.', so the last dot ends the parent.
        var dot = path.LastIndexOf('.');
        return dot < 0 ? "" : path[..dot];
    }

    public LocatedProblem Locate(Problem problem) => new(problem.Path, problem.Message, Locate(problem.Path));
}

/// <summary>A problem with its place in the file where known: <c>path (line L, col C): message</c>.</summary>
public sealed record LocatedProblem(string Path, string Message, Option<SourcePosition> Position)
{
    public override string ToString()
    {
        var where = Position.Match(p => $" (line {p.Line}, col {p.Column})", () => "");
        return Path.Length == 0
            ? Position.Match(p => $"line {p.Line}, col {p.Column}: {Message}", () => Message)
            : $"{Path}{where}: {Message}";
    }
}
