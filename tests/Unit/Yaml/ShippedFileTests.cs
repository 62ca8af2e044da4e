using NormLab.Core.Data;
using NormLab.Core.Networks;
using NormLab.Core.Experiments;
using NormLab.Host.Yaml;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;

namespace NormLab.Tests.Unit.Yaml;

/// <summary>The shipped experiments.yaml: valid, reproducing the five studies, and every record surviving a round trip.</summary>
public class ShippedFileTests
{
    static readonly Lazy<(ParsedFile File, Seq<RunPlan> Plans)> Shipped =
        new(() => Ok(YamlDocuments.ReadPlans(System.IO.File.ReadAllText(ShippedFile), PlanFilter.All)));

    [Fact]
    public void The_shipped_file_defines_the_five_studies_and_their_variants()
    {
        var (file, plans) = Shipped.Value;
        Assert.Equal(new[] { "mnist-lenet5-bn", "fashion-mlp-bn", "fashion-bn-placement", "lenet-bn-study", "ioffe-szegedy-fig1" },
            file.File.Experiments.Map(e => e.Name).ToArray());
        var variants = new[]
        {
            "mnist-lenet5-bn/bn", "mnist-lenet5-bn/no-bn",
            "fashion-mlp-bn/no-bn", "fashion-mlp-bn/bn",
            "fashion-bn-placement/bn-after", "fashion-bn-placement/bn-before",
            "lenet-bn-study/lenet", "lenet-bn-study/lenet_bn1", "lenet-bn-study/lenet_bn2",
            "lenet-bn-study/lenet_fc_bn1", "lenet-bn-study/lenet_fc_bn2",
            "ioffe-szegedy-fig1/no-bn", "ioffe-szegedy-fig1/bn",
        };
        // Seeds vary fastest: every variant runs for seed 1, 2, then 3 (three seeds: a mean, a std and a t interval).
        Assert.Equal(variants.SelectMany(v => new[] { v + "/seed-1", v + "/seed-2", v + "/seed-3" }).ToArray(),
            plans.Map(p => p.RelativeFolder).ToArray());
    }

    [Fact]
    public void The_shipped_settings_are_the_studies_own()
    {
        var plans = Shipped.Value.Plans;
        RunPlan Run(string experiment, string variant) => plans.Find(p => p.ExperimentName == experiment && p.VariantName == variant)
            .IfNone(() => throw new Xunit.Sdk.XunitException($"{experiment}/{variant} missing"));

        var lenet5 = Run("mnist-lenet5-bn", "bn");
        Assert.Equal(Presets.Lenet5BnAll, lenet5.Network);
        Assert.Equal(new OptimizerSpec.RmsProp(Lr: 0.001, Alpha: 0.9, Eps: 1e-7), lenet5.Optimizer);
        Assert.Equal((1000, (Budget)new Budget.Epochs(6)), (lenet5.BatchSize, lenet5.Budget));
        Assert.Equal(Some(new ReportedResult(Some(0.9752))), lenet5.Reported);

        var mlp = Run("fashion-mlp-bn", "no-bn");
        Assert.Equal(Presets.Mlp300100, mlp.Network);
        Assert.Equal(new DatasetSpec("fashion-mnist", Some<ValidationSplit>(new ValidationSplit.Count(5000))), mlp.Dataset);
        Assert.Equal(new OptimizerSpec.Sgd(0.01), mlp.Optimizer);
        Assert.Equal(Some(new ReportedResult(Some(0.8732), Some(82.0))), mlp.Reported);
        Assert.Equal(Some(new ReportedResult(Some(0.8920), Some(82.7))), Run("fashion-mlp-bn", "bn").Reported);

        var before = Run("fashion-bn-placement", "bn-before");
        Assert.Equal(Presets.Mlp300100BnBefore, before.Network);
        Assert.Equal(Preprocessing.Standardize, before.Dataset.Preprocess);
        Assert.Equal(Some<ValidationSplit>(new ValidationSplit.Count(5000, SplitFrom.End)), before.Dataset.Validation);

        var fc2 = Run("lenet-bn-study", "lenet_fc_bn2");
        Assert.Equal(Presets.LenetFcBn2, fc2.Network);
        Assert.Equal(new OptimizerSpec.Adam(Lr: 0.001, Eps: 1e-7), fc2.Optimizer);
        Assert.Equal((64, (Budget)new Budget.Epochs(10)), (fc2.BatchSize, fc2.Budget));
        Assert.Equal(54000, fc2.Dataset.TrainImages);

        var ioffe = Run("ioffe-szegedy-fig1", "bn");
        Assert.Equal(Presets.IoffeMlpBn, ioffe.Network);
        Assert.Equal((60, (Budget)new Budget.Steps(50000), Some(500)), (ioffe.BatchSize, ioffe.Budget, ioffe.EvalEvery));
        Assert.Equal(Seq1<ProbeSpec>(new ProbeSpec.Percentiles(Presets.IoffePreActivation, 500)), ioffe.Probes);
        // LeNets use both cores; the MLP studies one thread (small ops: OpenMP's synchronisation costs more than it buys).
        var mlpStudies = new[] { "fashion-mlp-bn", "fashion-bn-placement", "ioffe-szegedy-fig1" };
        Assert.All(plans, p => Assert.Equal(Some(mlpStudies.Contains(p.ExperimentName) ? 1 : 2), p.Threads));
        Assert.All(plans, p => Assert.Contains(p.Seed, new[] { 1, 2, 3 }));
    }

    [Fact]
    public void The_shipped_file_written_and_read_back_is_equal()
    {
        var file = Shipped.Value.File.File;
        var again = Ok(YamlDocuments.ReadExperiments(YamlDocuments.WriteExperiments(file))).File;
        Assert.Equal(file, again);
    }

    [Fact]
    public void Every_run_plan_of_the_shipped_file_reads_back_from_its_config_yaml()
    {
        foreach (var plan in Shipped.Value.Plans)
            Assert.Equal(plan, Ok(YamlDocuments.ReadRunPlan(YamlDocuments.WriteRunPlan(plan))));
    }

    [Fact]
    public void A_run_config_states_the_bn_convention_of_every_bn_layer()
    {
        var plan = Shipped.Value.Plans.Find(p => p.VariantName == "lenet_bn1").IfNone(() => throw new InvalidOperationException());
        var text = YamlDocuments.WriteRunPlan(plan);
        Assert.Contains("- batch_norm: {convention: window, epsilon: 1E-08, affine: true, trackRunningStats: true, implementation: scratch, window: 5}", text);
        Assert.StartsWith(Lines("experiment: lenet-bn-study", "variant: lenet_bn1", "seed: 1"), text);
    }

    [Fact]
    public void The_schema_example_in_the_README_is_a_valid_file()
    {
        // The schema example lives in the README's "Experiments" section: its first yaml block.
        var doc = System.IO.File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var start = doc.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
        var (_, plans) = Ok(YamlDocuments.ReadPlans(yaml, PlanFilter.All));
        Assert.Equal(9, plans.Count);
    }
}
