using NormLab.Core.Networks;

namespace NormLab.Core.Experiments;

/// <summary>
/// Which network an experiment trains: a model by name (a preset, or a model of the file's <c>models</c> section) or an
/// inline network, either one with layer overrides applied in order. <see cref="ModelResolution"/> turns it into a
/// validated <see cref="Network"/>.
/// </summary>
public abstract record ModelSpec(Seq<LayerOverride> Overrides)
{
    /// <summary>YAML <c>model: lenet5</c> or <c>model: {preset: lenet5, override: {...}}</c>.</summary>
    public sealed record Named(string Name, Seq<LayerOverride> Overrides = default) : ModelSpec(Overrides);

    /// <summary>YAML <c>model: {inputShape: [1, 28, 28], layers: [...]}</c>.</summary>
    public sealed record Inline(Network Network, Seq<LayerOverride> Overrides = default) : ModelSpec(Overrides);

    /// <summary>This model with more overrides applied after its own (a variant's <c>override</c>).</summary>
    public ModelSpec WithOverrides(Seq<LayerOverride> more) => this switch
    {
        Named n => n with { Overrides = n.Overrides + more },
        Inline i => i with { Overrides = i.Overrides + more },
        _ => this,
    };
}

/// <summary>
/// Field patches for the layers a selector picks: a layer name (a user name, or a generated one such as
/// <c>batch_norm_2</c>), a name with <c>*</c> wildcards for every layer whose name matches (<c>hidden*</c>, <c>conv2d_*</c>),
/// or <c>all:&lt;kind&gt;</c> for every layer of a kind (<c>all:batch_norm</c>, <c>all:dense</c>).
/// YAML: <c>override: {all:batch_norm: {convention: torch, implementation: native}, hidden*: {units: 64}}</c>.
/// </summary>
public sealed record LayerOverride(string Selector, Seq<FieldSetting> Fields)
{
    public const string AllPrefix = "all:";

    public const char Wildcard = '*';

    /// <summary>Whether a layer name matches a selector with <c>*</c> wildcards (each stands for any run of characters, none included).</summary>
    public static bool Matches(string pattern, string name)
    {
        var parts = pattern.Split(Wildcard);
        if (!name.StartsWith(parts[0], StringComparison.Ordinal)) return false;
        var at = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = name.IndexOf(parts[i], at, StringComparison.Ordinal);
            if (found < 0) return false;
            at = found + parts[i].Length;
        }
        return parts.Length == 1 ? name.Length == at : name.Length - at >= parts[^1].Length && name.EndsWith(parts[^1], StringComparison.Ordinal);
    }
}
