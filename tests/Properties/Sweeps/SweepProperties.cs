using System.Globalization;
using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using NormLab.Tests.Properties.Infrastructure;
using Xunit.Abstractions;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Properties.SweepLaws;

/// <summary>A generated sweep: declared variants (0 = none, the base runs), axes of distinct values, product or zip.</summary>
public sealed record SweepCase(int Variants, Seq<SweepAxis> Axes, bool Zip)
{
    public override string ToString() =>
        $"{Variants} variants, {(Zip ? "zip" : "product")} of " + string.Join("; ", Axes.Map(a => $"{a.Field}: [{string.Join(", ", a.Values)}]"));

    public ExperimentSpec Experiment => new("s", "mnist", new ModelSpec.Named("ioffe_mlp_bn"), new OptimizerSpec.Sgd(0.1), new Budget.Steps(5),
        Variants: Range(0, Variants).Map(i => new VariantSpec($"v{i}")).ToSeq().Strict(),
        Sweep: Some(new Sweep(Axes, Zip)));
}

/// <summary>
/// Sweep expansion law: for every declared variant (or the base), exactly one run variant per point — the product of the
/// axes, or with zip their positions — each named uniquely, and each run variant's fields are the values its name states.
/// </summary>
public static class SweepProperties
{
    static readonly Seq<(string Field, Seq<string> Pool)> Fields = Seq(
        ("batchSize", Seq("2", "8", "16", "32")),
        ("optimizer.lr", Seq("0.001", "0.01", "0.1", "1")),
        ("steps", Seq("1", "3", "10", "100")),
        ("override.all:batch_norm.momentum", Seq("0.01", "0.1", "0.5", "0.9")));

    /// <summary>The 24 orders of four things.</summary>
    static readonly int[][] Orders =
        (from a in Enumerable.Range(0, 4) from b in Enumerable.Range(0, 4) from c in Enumerable.Range(0, 4) from d in Enumerable.Range(0, 4)
         where new[] { a, b, c, d }.Distinct().Count() == 4 select new[] { a, b, c, d }).ToArray();

    static Gen<SweepCase> Cases =>
        from variants in Gen.Choose(0, 3)
        from count in Gen.Choose(1, 4)
        from fieldOrder in Gen.Elements(Orders)
        from zip in Gen.Elements(false, true)
        from sameLength in Gen.Choose(1, 4)
        from lengths in Gen.ArrayOf(Gen.Choose(1, 4), count)
        from shuffles in Gen.ArrayOf(Gen.Elements(Orders), count)
        select new SweepCase(variants, Enumerable.Range(0, count).Select(i =>
        {
            var (name, pool) = Fields[fieldOrder[i]];
            var n = zip ? sameLength : lengths[i];
            return new SweepAxis(name, shuffles[i].Take(n).Select(j => pool[j]).ToSeq().Strict());
        }).ToSeq().Strict(), zip);

    /// <summary>The value a run variant has for a field, as text.</summary>
    static string Actual(ExperimentSpec e, VariantSpec v, string field) => field switch
    {
        "batchSize" => Format.Number(v.BatchSize.IfNone(e.BatchSize)),
        "optimizer.lr" => Format.Number(v.Optimizer.IfNone(e.Optimizer).LearningRate),
        "steps" => Format.Number(v.Budget.IfNone(e.Budget).Value),
        _ => v.Model.IfNone(e.Model).Overrides.Filter(o => o.Selector == "all:batch_norm")
            .Bind(o => o.Fields).Filter(f => f.Key == "momentum").Map(f => ((FieldValue.Scalar)f.Value).Text).LastOrNone().IfNone("–"),
    };

    public static PropertyDef<SweepCase> P15_SweepExpansion(Func<ExperimentSpec, string, Checked<Seq<SweptVariant>>> expand, int maxTest = 200) => new(
        "P15 sweep expansion: one run variant per declared variant × point, uniquely named, fields equal to their names",
        Arb.From(Cases),
        c =>
        {
            var e = c.Experiment;
            var result = expand(e, "experiments[0]");
            if (!result.Problems.IsEmpty) throw new PropertyViolation("problems: " + string.Join("; ", result.Problems));
            var points = c.Zip ? c.Axes.Head.Values.Count : c.Axes.Fold(1, (n, a) => n * a.Values.Count);
            var declared = Math.Max(1, c.Variants);
            var runs = result.Value;
            if (runs.Count != declared * points) throw new PropertyViolation($"expected {declared} × {points} run variants, got {runs.Count}");
            if (runs.Map(r => r.Name).Distinct().Count() != runs.Count) throw new PropertyViolation("run variant names repeat: " + string.Join(", ", runs.Map(r => r.Name)));
            foreach (var run in runs)
            {
                // The name is [variant/]label=value/…, one segment per axis in axis order.
                var segments = run.Name.Split('/');
                var values = segments[^c.Axes.Count..].Select(s => s[(s.IndexOf('=') + 1)..]).ToArray();
                foreach (var (axis, i) in c.Axes.Select((a, i) => (a, i)))
                {
                    if (Actual(e, run.Variant, axis.Field) != values[i])
                        throw new PropertyViolation($"{run.Name}: {axis.Field} is {Actual(e, run.Variant, axis.Field)}, its name says {values[i]}");
                    if (axis.Values[run.Point[i]] != values[i])
                        throw new PropertyViolation($"{run.Name}: point index {run.Point[i]} on {axis.Field} is {axis.Values[run.Point[i]]}");
                }
            }
            // Every point occurs once per declared variant: the product's tuples, or zip's diagonal.
            var expected = c.Zip
                ? Enumerable.Range(0, points).Select(i => string.Join(",", c.Axes.Map(_ => i)))
                : c.Axes.Fold(new[] { "" }.AsEnumerable(), (acc, a) => acc.SelectMany(p => Enumerable.Range(0, a.Values.Count).Select(i => p.Length == 0 ? $"{i}" : $"{p},{i}")));
            foreach (var group in runs.GroupBy(r => r.Declared))
                if (!group.Select(r => string.Join(",", r.Point)).OrderBy(x => x, StringComparer.Ordinal)
                        .SequenceEqual(expected.OrderBy(x => x, StringComparer.Ordinal)))
                    throw new PropertyViolation($"variant {group.Key}: points {string.Join(" ", group.Select(r => string.Join(",", r.Point)))}");
        },
        maxTest);
}

public class SweepPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void P15_sweep_expansion_plans_every_point_once_with_its_values() =>
        PropertyRunner.Check(SweepProperties.P15_SweepExpansion(Sweeps.Expand));

    /// <summary>Drops each axis's last value (an off-by-one in the grid).</summary>
    static Checked<Seq<SweptVariant>> DropsLastValue(ExperimentSpec e, string path) =>
        Sweeps.Expand(e with { Sweep = e.Sweep.Map(s => s with { Axes = s.Axes.Map(a => a.Values.Count > 1 ? a with { Values = a.Values.Init.Strict() } : a).Strict() }) }, path);

    /// <summary>Sets every run variant's fields from its neighbour's point (names and values out of step).</summary>
    static Checked<Seq<SweptVariant>> ShiftsSettings(ExperimentSpec e, string path)
    {
        var r = Sweeps.Expand(e, path);
        var runs = r.Value;
        return r with { Value = runs.Select((v, i) => v with { Variant = runs[(i + 1) % runs.Count].Variant with { Name = v.Name } }).ToSeq().Strict() };
    }

    /// <summary>Names each run after its variant and the first axis only (names collide across the others).</summary>
    static Checked<Seq<SweptVariant>> ShortNames(ExperimentSpec e, string path)
    {
        var r = Sweeps.Expand(e, path);
        return r with { Value = r.Value.Map(v => v with { Variant = v.Variant with { Name = string.Join("/", v.Name.Split('/').SkipLast(Math.Max(0, e.Sweep.Map(s => s.Axes.Count).IfNone(1) - 1))) } }).Strict() };
    }

    private void Killed(IProperty property)
    {
        var failure = property.Falsify();
        Assert.True(failure is not null, $"{property.Name} did not catch the mutant");
        output.WriteLine(failure!.Describe());
        Assert.True(failure.IsViolation, failure.Describe());
    }

    [Fact] public void P15_catches_a_grid_that_drops_values() => Killed(SweepProperties.P15_SweepExpansion(DropsLastValue));

    [Fact] public void P15_catches_settings_out_of_step_with_names() => Killed(SweepProperties.P15_SweepExpansion(ShiftsSettings));

    [Fact] public void P15_catches_names_that_collide() => Killed(SweepProperties.P15_SweepExpansion(ShortNames));
}
