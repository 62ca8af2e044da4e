using NormLab.Core.Data;
using NormLab.Core.Networks;
using NormLab.Core.Experiments;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Core.Helpers;
using static NormLab.Tests.Unit.Experiments.ExperimentKit;

namespace NormLab.Tests.Unit.Experiments;

public class PlanExpansionTests
{
    static readonly ExperimentFile TwoStudies = File(
        Experiment("a") with { Seeds = Seq(1, 2, 3), Variants = L<VariantSpec>(Variant("bn", "lenet5_bn_all"), Variant("no-bn")) },
        Experiment("b", model: "mlp_300_100") with { Seeds = Seq1(7), Budget = new Budget.Epochs(2), BatchSize = 100 });

    static string[] Runs(Seq<RunPlan> plans) => plans.Map(p => $"{p.ExperimentName}/{p.VariantName}/{p.Seed}").ToArray();

    [Fact]
    public void Experiments_times_variants_times_seeds_in_file_order_and_base_when_there_are_no_variants()
    {
        var plans = Ok(Plans.Expand(TwoStudies));
        Assert.Equal(new[] { "a/bn/1", "a/bn/2", "a/bn/3", "a/no-bn/1", "a/no-bn/2", "a/no-bn/3", "b/base/7" }, Runs(plans));
        Assert.Equal("lenet5_bn_all", plans[0].Network.Name);
        Assert.Equal("lenet5", plans[3].Network.Name);
        Assert.Equal(Presets.Mlp300100, plans[6].Network);
    }

    [Fact]
    public void Filters_pick_experiments_variants_and_the_first_seeds()
    {
        var filter = new PlanFilter(Only: Seq1("a"), Variants: Seq1("no-bn"), Seeds: Some(2));
        Assert.Equal(new[] { "a/no-bn/1", "a/no-bn/2" }, Runs(Ok(Plans.Expand(TwoStudies, filter))));
    }

    [Fact]
    public void Max_steps_caps_budgets_turning_epochs_into_steps()
    {
        var plans = Ok(Plans.Expand(TwoStudies, new PlanFilter(Only: Seq1("b"), MaxSteps: Some(50))));
        Assert.Equal(new Budget.Steps(50), plans.Single().Budget);
        // 2 epochs of 60,000 images at batch 100 = 1,200 steps: under a cap of 5,000 they stay 1,200.
        var uncapped = Ok(Plans.Expand(TwoStudies, new PlanFilter(Only: Seq1("b"), MaxSteps: Some(5000))));
        Assert.Equal(new Budget.Steps(1200), uncapped.Single().Budget);
    }

    [Fact]
    public void Unknown_names_in_filters_list_the_valid_ones()
    {
        AssertProblems(new[]
        {
            "--only: unknown experiment \"c\" (known: a, b)",
            "--variant: unknown variant \"bm\" — did you mean \"bn\"? (known: bn, no-bn, base)",
            "--seeds: must be > 0 (got 0)",
            "--max-steps: must be > 0 (got -1)",
        }, Plans.Expand(TwoStudies, new PlanFilter(Only: Seq1("c"), Variants: Seq1("bm"), Seeds: Some(0), MaxSteps: Some(-1))));
    }

    [Fact]
    public void Variants_override_optimizer_batch_budget_and_probes_and_keep_the_rest()
    {
        var file = File(Experiment("x", model: "ioffe_mlp") with
        {
            EvalEvery = Some(100),
            Probes = Seq1<ProbeSpec>(new ProbeSpec.Percentiles("hidden3", 10)),
            Variants = Seq1(new VariantSpec("fast", Optimizer: Some<OptimizerSpec>(new OptimizerSpec.Sgd(0.5)),
                BatchSize: Some(60), Budget: Some<Budget>(new Budget.Steps(10)), Probes: Some(Seq<ProbeSpec>()),
                Description: Some("faster"))),
        });
        var plan = Ok(Plans.Expand(file)).Single();
        Assert.Equal(new RunPlan("x", "faster", "fast", 1, Presets.IoffeMlpPlain, "mnist", DatasetSpec.Builtin("mnist"),
            new OptimizerSpec.Sgd(0.5), "cross_entropy", 60, new Budget.Steps(10), Some(100), Seq<ProbeSpec>(), None, None), plan);
    }

    [Fact]
    public void Steps_per_epoch_round_up_over_the_training_split()
    {
        var d = new DatasetSpec("fashion-mnist", Some<ValidationSplit>(new ValidationSplit.Count(5000)));
        Assert.Equal(55000, d.TrainImages);
        Assert.Equal(1719, d.StepsPerEpoch(32));
        Assert.Equal(54000, new DatasetSpec("mnist", Some<ValidationSplit>(new ValidationSplit.Fraction(0.1, SplitFrom.End))).TrainImages);
    }

    [Fact]
    public void Suggestions_prefer_few_edits_then_similar_length_then_prefixes()
    {
        Assert.Equal(Some("lenet5"), Suggestions.Closest("lenet6", Presets.Names));
        Assert.Equal(Some("epochs"), Suggestions.Closest("epoch", Seq("epochs", "steps")));
        Assert.Equal(Some("batchSize"), Suggestions.Closest("batch", Seq("batchSize", "seeds")));
        Assert.True(Suggestions.Closest("zzzz", Seq("epochs", "steps")).IsNone);
    }
}
