namespace NormLab.Core.Experiments;

/// <summary>
/// A configuration value as written by a user, before it is typed: a scalar's text or a mapping of fields. Layers and
/// layer overrides are read from these by <see cref="LayerCodec"/>, so the vocabulary of layer fields lives in one pure
/// place; the YAML reader only turns nodes into these (and keeps their line and column by path).
/// </summary>
public abstract record FieldValue
{
    /// <summary>A scalar exactly as written (<c>300</c>, <c>he_normal</c>, <c>1e-3</c>, <c>true</c>).</summary>
    public sealed record Scalar(string Text) : FieldValue;

    /// <summary>A mapping, keys in the order written.</summary>
    public sealed record Fields(Seq<FieldSetting> Items) : FieldValue
    {
        public Option<FieldValue> Find(string key) => Items.Find(i => i.Key == key).Map(i => i.Value);
    }

    public static FieldValue Of(string text) => new Scalar(text);

    public static Fields Map(params FieldSetting[] items) => new(items.ToSeq().Strict());

    /// <summary>How a message names what was found: <c>'abc'</c> or <c>a mapping</c>.</summary>
    public string Describe() => this switch
    {
        Scalar s => $"'{s.Text}'",
        _ => "a mapping",
    };
}

/// <summary>One <c>key: value</c> of a <see cref="FieldValue.Fields"/> mapping.</summary>
public sealed record FieldSetting(string Key, FieldValue Value);
