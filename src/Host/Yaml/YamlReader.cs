using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static LanguageExt.Prelude;

namespace NormLab.Host.Yaml;

/// <summary>
/// The shared state of one hand-written walk over a YAML document: the problems found so far (every one, the walk never
/// stops at the first) and the <see cref="SourceMap"/> of every path visited. Host-side and short-lived: one per parse.
/// </summary>
public sealed class YamlReader
{
    readonly List<Problem> problems = new();

    public SourceMap Map { get; } = new();

    public IReadOnlyList<Problem> Problems => problems;

    public bool HasProblems => problems.Count > 0;

    public void Error(string path, string message) => problems.Add(new Problem(path, message));

    public void AddAll(IEnumerable<Problem> found) => problems.AddRange(found);

    public void Mark(string path, YamlNode node) => Map.Add(path, Position(node.Start));

    public static SourcePosition Position(Mark mark) => new((int)mark.Line, (int)mark.Column);

    /// <summary>How a message names a node: <c>'abc'</c>, <c>a mapping</c>, <c>a list</c>.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => $"'{s.Value}'",
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "an alias",
    };

    /// <summary>A null YAML value: <c>key:</c> with nothing, <c>~</c> or <c>null</c> (plain).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && (s.Value is null or "" or "~" or "null");

    /// <summary>The node as a mapping with only <paramref name="keys"/>, or null (with a problem) when it is something else.</summary>
    public MappingView? Mapping(YamlNode node, string path, string owner, Seq<string> keys,
        IReadOnlyDictionary<string, string>? hints = null)
    {
        Mark(path, node);
        if (node is YamlMappingNode m) return new MappingView(this, m, path, owner, keys, hints);
        Error(path, $"expected a mapping ({owner}), got {Describe(node)}");
        return null;
    }

    /// <summary>The node as a list, or null (with a problem).</summary>
    public YamlSequenceNode? List(YamlNode node, string path, string example)
    {
        Mark(path, node);
        if (node is YamlSequenceNode s) return s;
        Error(path, $"expected a list like {example}, got {Describe(node)}");
        return null;
    }

    /// <summary>A scalar's text, or null (with a problem: <c>expected {expected}, got a mapping</c>).</summary>
    public string? Scalar(YamlNode node, string path, string expected)
    {
        Mark(path, node);
        if (node is YamlScalarNode s) return s.Value ?? "";
        Error(path, $"expected {expected}, got {Describe(node)}");
        return null;
    }

    public T? Parse<T>(YamlNode node, string path, string expected, Func<string, Option<T>> parse) where T : struct
    {
        var text = Scalar(node, path, expected);
        if (text is null) return null;
        var value = parse(text.Trim());
        if (value.IsSome) return value.IfNone(default(T));
        Error(path, $"expected {expected}, got '{text}'");
        return null;
    }

    public int? Int(YamlNode node, string path) => Parse(node, path, "an integer", FieldReader.ParseInt);

    public double? Double(YamlNode node, string path) => Parse(node, path, "a number", FieldReader.ParseDouble);

    public bool? Bool(YamlNode node, string path) => Parse(node, path, "true or false", FieldReader.ParseBool);

    /// <summary>A YAML node as an untyped <see cref="FieldValue"/> (scalars as written, mappings in order), marking every
    /// path inside it; lists are not field values and give a problem.</summary>
    public FieldValue? Field(YamlNode node, string path)
    {
        Mark(path, node);
        switch (node)
        {
            case YamlScalarNode s:
                return FieldValue.Of(s.Value ?? "");
            case YamlMappingNode m:
                var items = new List<FieldSetting>();
                foreach (var (k, v) in m.Children)
                {
                    var key = (k as YamlScalarNode)?.Value ?? "";
                    var value = Field(v, ProblemPath.Join(path, key));
                    if (value is not null) items.Add(new FieldSetting(key, value));
                }
                return new FieldValue.Fields(items.ToSeq().Strict());
            default:
                Error(path, $"expected a value or a mapping, got {Describe(node)}");
                return null;
        }
    }
}

/// <summary>
/// A YAML mapping being read: unknown keys are reported on construction (with "did you mean"), then each getter reads
/// one key, marks its path and reports a wrong type. Getters return null for a missing or broken value.
/// </summary>
public sealed class MappingView
{
    readonly YamlReader reader;
    readonly Dictionary<string, YamlNode> values = new(StringComparer.Ordinal);

    public string Path { get; }

    public YamlMappingNode Node { get; }

    public MappingView(YamlReader reader, YamlMappingNode node, string path, string owner, Seq<string> keys,
        IReadOnlyDictionary<string, string>? hints)
    {
        this.reader = reader;
        Node = node;
        Path = path;
        foreach (var (k, v) in node.Children)
        {
            if (k is not YamlScalarNode { Value: { } key })
            {
                reader.Mark(path, k);
                reader.Error(path, $"expected a name as key, got {YamlReader.Describe(k)}");
                continue;
            }
            var at = ProblemPath.Join(path, key);
            if (keys.Contains(key))
            {
                values[key] = v;
                continue;
            }
            reader.Map.Add(at, YamlReader.Position(k.Start));
            if (hints is not null && hints.TryGetValue(key, out var hint))
                reader.Error(at, $"unknown key \"{key}\" for {owner} — did you mean \"{hint}\"?");
            else
                reader.Error(at, FieldReader.UnknownKey(key, keys, owner));
        }
    }

    public string PathOf(string key) => ProblemPath.Join(Path, key);

    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/> (marked), or null when absent.</summary>
    public YamlNode? this[string key]
    {
        get
        {
            if (!values.TryGetValue(key, out var node)) return null;
            reader.Mark(PathOf(key), node);
            return node;
        }
    }

    public void Required(string key, string hint = "")
    {
        if (!Has(key)) reader.Error(PathOf(key), "is required" + hint);
    }

    public int? Int(string key) => this[key] is { } n ? reader.Int(n, PathOf(key)) : null;

    public double? Double(string key) => this[key] is { } n ? reader.Double(n, PathOf(key)) : null;

    public bool? Bool(string key) => this[key] is { } n ? reader.Bool(n, PathOf(key)) : null;

    public string? Text(string key) => this[key] is { } n ? reader.Scalar(n, PathOf(key), "a text") : null;

    /// <summary>One of a fixed set of words; a problem (with "did you mean") otherwise.</summary>
    public T? Word<T>(string key, Seq<(string Word, T Value)> words) where T : struct
    {
        var text = Text(key);
        if (text is null) return null;
        var hit = words.Find(w => w.Word == text.Trim());
        if (hit.IsSome) return hit.Map(h => h.Value).IfNone(default(T));
        reader.Error(PathOf(key), $"expected one of {string.Join(", ", words.Map(w => w.Word))}, got '{text}'"
            + Suggestions.DidYouMean(text, words.Map(w => w.Word)));
        return null;
    }
}
