using System.Globalization;

namespace NormLab.Core.Experiments;

/// <summary>A value read from a field together with the problems found reading it (the value is a placeholder when there are some).</summary>
public readonly record struct Checked<T>(T Value, Seq<Problem> Problems)
{
    public static Checked<T> Ok(T value) => new(value, Seq<Problem>());
}

/// <summary>
/// Reads typed fields out of a <see cref="FieldValue.Fields"/> mapping at a path, collecting every problem instead of
/// stopping: unknown keys (with a "did you mean" hint), missing required keys, and values of the wrong type
/// (<c>expected a number, got 'abc'</c>). Scalars are parsed with the invariant culture.
/// </summary>
public sealed class FieldReader
{
    readonly FieldValue.Fields fields;
    readonly string path;

    public FieldReader(FieldValue.Fields fields, string path, Seq<string> allowedKeys, string owner)
    {
        this.fields = fields;
        this.path = path;
        KeyProblems = fields.Items
            .Filter(i => !allowedKeys.Contains(i.Key))
            .Map(i => new Problem(ProblemPath.Join(path, i.Key), UnknownKey(i.Key, allowedKeys, owner)))
            .Strict();
    }

    /// <summary>Unknown keys: <c>unknown key "unit" for dense — did you mean "units"?</c> or the list of keys.</summary>
    public static string UnknownKey(string key, Seq<string> allowed, string owner)
    {
        var hint = Suggestions.DidYouMean(key, allowed);
        return hint.Length > 0
            ? $"unknown key \"{key}\" for {owner}{hint}"
            : $"unknown key \"{key}\" for {owner} (known: {string.Join(", ", allowed)})";
    }

    public Seq<Problem> KeyProblems { get; }

    public string PathOf(string key) => ProblemPath.Join(path, key);

    public Option<FieldValue> Find(string key) => fields.Find(key);

    Checked<T> Scalar<T>(string key, T fallback, bool required, Func<string, Option<T>> parse, string expected) =>
        fields.Find(key).Match(
            Some: v => v is FieldValue.Scalar s
                ? parse(s.Text.Trim()).Match(
                    x => Checked<T>.Ok(x),
                    () => new Checked<T>(fallback, Seq1(new Problem(PathOf(key), $"expected {expected}, got {v.Describe()}"))))
                : new Checked<T>(fallback, Seq1(new Problem(PathOf(key), $"expected {expected}, got {v.Describe()}"))),
            None: () => required
                ? new Checked<T>(fallback, Seq1(new Problem(PathOf(key), "is required")))
                : Checked<T>.Ok(fallback));

    public static Option<int> ParseInt(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? Some(v) : None;

    public static Option<double> ParseDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? Some(v) : None;

    public static Option<bool> ParseBool(string text) =>
        text.Equals("true", StringComparison.OrdinalIgnoreCase) ? Some(true)
        : text.Equals("false", StringComparison.OrdinalIgnoreCase) ? Some(false) : None;

    public Checked<int> Int(string key, int fallback = 0, bool required = false) =>
        Scalar(key, fallback, required, ParseInt, "an integer");

    public Checked<int?> OptionalInt(string key) =>
        Scalar<int?>(key, null, false, t => ParseInt(t).Map(v => (int?)v), "an integer");

    public Checked<double> Double(string key, double fallback = 0, bool required = false) =>
        Scalar(key, fallback, required, ParseDouble, "a number");

    public Checked<double?> OptionalDouble(string key) =>
        Scalar<double?>(key, null, false, t => ParseDouble(t).Map(v => (double?)v), "a number");

    public Checked<bool> Bool(string key, bool fallback) => Scalar(key, fallback, false, ParseBool, "true or false");

    public Checked<string?> Text(string key) => Scalar<string?>(key, null, false, t => Some<string?>(t), "a name");

    /// <summary>One of a fixed set of lower-case words, e.g. <c>torch | keras | cumulative | window</c>.</summary>
    public Checked<T> Word<T>(string key, T fallback, Seq<(string Word, T Value)> words, bool required = false)
    {
        var known = words.Map(w => w.Word);
        return fields.Find(key).Match(
            Some: v => v is FieldValue.Scalar s && words.Exists(w => w.Word == s.Text.Trim())
                ? Checked<T>.Ok(words.Find(w => w.Word == s.Text.Trim()).Map(w => w.Value).IfNone(fallback))
                : new Checked<T>(fallback, Seq1(new Problem(PathOf(key),
                    $"expected one of {string.Join(", ", known)}, got {v.Describe()}" +
                    (v is FieldValue.Scalar sc ? Suggestions.DidYouMean(sc.Text, known) : "")))),
            None: () => required
                ? new Checked<T>(fallback, Seq1(new Problem(PathOf(key), "is required")))
                : Checked<T>.Ok(fallback));
    }
}
