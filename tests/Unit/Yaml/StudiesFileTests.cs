using NormLab.Core.Experiments;
using NormLab.Host.Results;
using NormLab.Host.Yaml;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;

namespace NormLab.Tests.Unit.Yaml;

/// <summary>The shipped studies.yaml, the <c>study:</c> and <c>sampler:</c> keys, and their mistakes.</summary>
public sealed class StudiesFileTests
{
    static string StudiesFile => Path.Combine(RepoRoot(), "studies.yaml");

    static readonly Lazy<(ParsedFile File, Seq<RunPlan> Plans)> Shipped =
        new(() => Ok(YamlDocuments.ReadPlans(File.ReadAllText(StudiesFile), PlanFilter.All)));

    [Fact]
    public void The_studies_file_holds_the_five_papers_with_three_seeds_each()
    {
        var (file, plans) = Shipped.Value;
        var experiments = file.File.Experiments;
        Assert.Equal(new[] { "gn-batch-size", "santurkar-landscape", "bjorck-learning-rate", "ioffe-bn-x5-x30", "batch-renorm",
            "frankle-bn-only-mlp", "frankle-bn-only-lenet" }, experiments.Map(e => e.Name).ToArray());
        Assert.All(experiments, e => Assert.True(e.Study.IsSome, e.Name));
        Assert.All(experiments, e => Assert.True(e.Seeds.Count >= 3, e.Name));
        Assert.Equal(6, experiments.Map(e => e.Study.Map(s => s.Analysis.TypeName).IfNone("")).Distinct().Count());
        Assert.All(plans, p => Assert.True(p.Study.IsSome));
        // 5 batch sizes × 4 norms, 9 learning rates × 2, 5 and 4 widths × 3 modes, … — every run variant three times.
        Assert.Equal(3 * (20 + 3 + 18 + 4 + 7 + 15 + 12), plans.Count);
    }

    [Fact]
    public void The_skewed_variants_carry_their_sampler_into_the_plan_and_config()
    {
        var (_, plans) = Shipped.Value;
        var skewed = plans.Filter(p => p.ExperimentName == "batch-renorm" && p.VariantName.StartsWith("skewed", StringComparison.Ordinal)).Strict();
        Assert.Equal(9, skewed.Count);
        Assert.All(skewed, p => Assert.Equal(Some(new SamplerSpec(2)), p.Sampler));
        Assert.Contains("sampler: {classesPerBatch: 2}", SpecWriter.Emit(SpecWriter.RunPlan(skewed.Head)));
        Assert.True(plans.Find(p => p.VariantName == "micro-bn").Bind(p => p.Sampler).IsNone);
    }

    [Fact]
    public void Wildcard_width_axes_change_the_hidden_layers_and_leave_the_output_alone()
    {
        var (_, plans) = Shipped.Value;
        var wide = plans.Find(p => p.VariantName == "bn-only/units=512").IfNone(() => throw new Xunit.Sdk.XunitException("no bn-only/units=512"));
        var dense = wide.Network.Layers.OfType<NormLab.Core.Networks.Dense>().ToArray();
        Assert.Equal(new[] { 512, 512, 512, 512, 10 }, dense.Select(d => d.Units));
        Assert.Equal(new[] { false, false, false, false, false }, dense.Select(d => d.Trainable));
        var output = plans.Find(p => p.VariantName == "output-only/units=512").IfNone(() => throw new Xunit.Sdk.XunitException("no output-only"));
        Assert.Equal(new[] { false, false, false, false, true }, output.Network.Layers.OfType<NormLab.Core.Networks.Dense>().Select(d => d.Trainable));
    }

    static string Study(string analysis, string variants = "{bn: {}, gn: {}}", string sweep = "{batchSize: [2, 32]}") => Lines(
        "experiments:",
        "  - name: s",
        "    dataset: mnist",
        "    model: lenet5",
        "    optimizer: {type: sgd, lr: 0.1}",
        "    epochs: 1",
        $"    variants: {variants}",
        $"    sweep: {sweep}",
        "    study:",
        "      paper: A & B 2018",
        "      claim: it works",
        $"      analysis: {analysis}");

    [Fact]
    public void An_analysis_that_names_a_missing_variant_or_axis_is_refused_before_training()
    {
        Ok(YamlDocuments.ReadPlans(Study("{type: error_vs_batch}"), PlanFilter.All));
        var missing = Assert.Single(Problems(YamlDocuments.ReadPlans(Study("{type: error_vs_batch, gn: group}"), PlanFilter.All)));
        Assert.StartsWith("experiments[0].study.analysis.gn", missing);
        Assert.Contains("group", missing);
        var axis = Problems(YamlDocuments.ReadPlans(Study("{type: error_vs_batch, x: batchsize}"), PlanFilter.All));
        Assert.Contains(axis, p => p.Contains("the sweep has no axis labelled \"batchsize\"") && p.Contains("did you mean \"batch\""));
        var unknown = Problems(YamlDocuments.ReadPlans(Study("{type: error_vs_batches}"), PlanFilter.All));
        Assert.Contains(unknown, p => p.StartsWith("experiments[0].study.analysis.type") && p.Contains("did you mean \"error_vs_batch\""));
    }

    [Fact]
    public void Study_and_sampler_mistakes_name_their_place()
    {
        var noClaim = Study("error_vs_batch").Replace("      claim: it works\n", "");
        Assert.Contains(Problems(YamlDocuments.ReadPlans(noClaim, PlanFilter.All)), p => p.StartsWith("experiments[0].study") && p.Contains("claim"));
        var sampler = Study("error_vs_batch").Replace("    epochs: 1\n", "    epochs: 1\n    sampler: {classesPerBatch: 0}\n");
        Assert.Contains(Problems(YamlDocuments.ReadPlans(sampler, PlanFilter.All)), p => p.StartsWith("experiments[0].sampler.classesPerBatch") && p.Contains("between 1 and 10"));
        var variantSampler = Study("error_vs_batch", variants: "{bn: {sampler: {classes: 2}}, gn: {}}");
        Assert.Contains(Problems(YamlDocuments.ReadPlans(variantSampler, PlanFilter.All)), p => p.Contains("variants.bn.sampler") && p.Contains("classes"));
    }

    [Fact]
    public void A_study_survives_the_yaml_writer_and_experiment_json()
    {
        var (file, _) = Shipped.Value;
        foreach (var e in file.File.Experiments)
        {
            var study = e.Study.IfNone(() => throw new Xunit.Sdk.XunitException(e.Name));
            Assert.Equal(study, StudyJson.Of(study).ToSpec().IfNone(() => throw new Xunit.Sdk.XunitException(e.Name)));
            var json = System.Text.Json.JsonSerializer.Serialize(StudyJson.Of(study));
            var back = System.Text.Json.JsonSerializer.Deserialize<StudyJson>(json)!;
            Assert.Equal(study, back.ToSpec().IfNone(() => throw new Xunit.Sdk.XunitException(e.Name)));
        }
        var text = SpecWriter.Emit(SpecWriter.File(file.File));
        var again = Ok(YamlDocuments.ReadPlans(text, PlanFilter.All));
        Assert.Equal(file.File.Experiments.Map(e => e.Study), again.File.File.Experiments.Map(e => e.Study));
        Assert.Equal(file.File.Experiments.Map(e => e.Variants.Map(v => v.Sampler)), again.File.File.Experiments.Map(e => e.Variants.Map(v => v.Sampler)));
    }
}
