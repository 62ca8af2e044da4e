namespace NormLab.Core.Experiments;

/// <summary>
/// Plan expansion, pure: a validated file becomes its runs — experiments × variants × seeds, in file order — narrowed by
/// a <see cref="PlanFilter"/>. Unknown names in a filter are problems listing the valid ones.
/// </summary>
public static class Plans
{
    public static Validation<Problem, Seq<RunPlan>> Expand(ExperimentFile file, PlanFilter filter) =>
        ExperimentValidation.Validate(file).Bind(all => Apply(all, file, filter));

    public static Validation<Problem, Seq<RunPlan>> Expand(ExperimentFile file) => Expand(file, PlanFilter.All);

    static Validation<Problem, Seq<RunPlan>> Apply(Seq<RunPlan> all, ExperimentFile file, PlanFilter filter)
    {
        var experimentNames = file.Experiments.Map(e => e.Name).Strict();
        var onlyProblems = filter.Only.Filter(n => !experimentNames.Contains(n))
            .Map(n => new Problem("--only", Suggestions.Unknown("experiment", n, experimentNames))).Strict();
        var selected = filter.Only.IsEmpty ? all : all.Filter(p => filter.Only.Contains(p.ExperimentName)).Strict();
        // Variant names are looked up among the chosen experiments, or among all when --only chose none that exists.
        var restricted = !filter.Only.IsEmpty && !selected.IsEmpty;
        var variantNames = (restricted ? selected : all).Map(p => p.VariantName).Distinct().ToSeq().Strict();
        var variantProblems = filter.Variants.Filter(n => !variantNames.Exists(v => Selects(n, v)))
            .Map(n => new Problem("--variant", Suggestions.Unknown("variant", n, variantNames)
                + (restricted ? " among the experiments chosen with --only" : ""))).Strict();
        var numberProblems =
            filter.Seeds.Match(k => k > 0 ? Seq<Problem>() : Seq1(new Problem("--seeds", $"must be > 0 (got {Format.Number(k)})")), () => Seq<Problem>())
            + filter.MaxSteps.Match(n => n > 0 ? Seq<Problem>() : Seq1(new Problem("--max-steps", $"must be > 0 (got {Format.Number(n)})")), () => Seq<Problem>());
        var problems = (onlyProblems + variantProblems + numberProblems).Strict();
        if (!problems.IsEmpty) return Validation<Problem, Seq<RunPlan>>.Fail(problems.Strict());

        var byVariant = filter.Variants.IsEmpty ? selected : selected.Filter(p => filter.Variants.Exists(n => Selects(n, p.VariantName))).Strict();
        var bySeed = filter.Seeds.Match(
            k => byVariant.Filter(p => file.Experiments.Find(e => e.Name == p.ExperimentName)
                .Map(e => e.Seeds.Take(k).Exists(s => s == p.Seed)).IfNone(true)),
            () => byVariant).Strict();
        var capped = filter.MaxSteps.Match(n => bySeed.Map(p => Cap(p, n)), () => bySeed);
        return Success<Problem, Seq<RunPlan>>(capped.Strict());
    }

    /// <summary>A <c>--variant</c> name picks that variant and, of a sweep, every point of it: <c>gn</c> picks <c>gn/batch=8</c>;
    /// <c>gn/batch=8</c> picks <c>gn/batch=8/lr=0.1</c>.</summary>
    static bool Selects(string filter, string variant) =>
        variant == filter || variant.StartsWith(filter + "/", StringComparison.Ordinal);

    /// <summary>The plan with its budget at most <paramref name="maxSteps"/> optimizer steps, as a step budget.</summary>
    public static RunPlan Cap(RunPlan plan, int maxSteps) =>
        plan with { Budget = new Budget.Steps((int)Math.Min(plan.TotalSteps, maxSteps)) };
}
