using NormLab.Core.Data;
using NormLab.Core.Networks;
using NormLab.Core.Experiments;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Core.Helpers;
using static NormLab.Tests.Unit.Experiments.ExperimentKit;

namespace NormLab.Tests.Unit.Experiments;

public class ExperimentValidationTests
{
    [Fact]
    public void Every_problem_of_every_experiment_is_reported_at_once_with_its_path()
    {
        var bad = Experiment("bad", model: "lenet6", dataset: "mnst") with
        {
            Optimizer = new OptimizerSpec.Adam(Lr: 0, Beta1: 1.5),
            BatchSize = 0,
            Budget = new Budget.Steps(-5),
            EvalEvery = Some(0),
            Threads = Some(0),
            Loss = "mse",
        };
        var file = File(Experiment("ok"), bad, Experiment("ok"));
        AssertProblems(new[]
        {
            "experiments[1].loss: unknown loss \"mse\" (known: cross_entropy)",
            "experiments[1].threads: must be > 0 (got 0)",
            "experiments[1].dataset: unknown dataset \"mnst\" — did you mean \"mnist\"? (known: mnist, fashion-mnist)",
            "experiments[1].model: unknown model \"lenet6\" — did you mean \"lenet5\"? (known: lenet, lenet_bn1, lenet_bn2, lenet_fc_bn1, lenet_fc_bn2, lenet5, lenet5_bn_all, mlp_300_100, mlp_300_100_bn, mlp_300_100_bn_after, mlp_300_100_bn_before, ioffe_mlp, ioffe_mlp_bn)",
            "experiments[1].optimizer.lr: must be > 0 (got 0)",
            "experiments[1].optimizer.beta1: must be in [0, 1) (got 1.5)",
            "experiments[1].batchSize: must be > 0 (got 0)",
            "experiments[1].steps: must be > 0 (got -5)",
            "experiments[1].evalEvery: must be > 0 (got 0)",
            "experiments[2].name: \"ok\" is already the name of experiments[0] — experiment names must be unique",
        }, ExperimentValidation.Validate(file));
    }

    [Fact]
    public void Seeds_must_be_listed_and_each_only_once()
    {
        var file = File(Experiment("a") with { Seeds = Seq<int>() }, Experiment("b") with { Seeds = Seq(1, 2, 1) });
        AssertProblems(new[]
        {
            "experiments[0].seeds: must list at least one seed",
            "experiments[1].seeds[2]: seed 1 is listed twice",
        }, ExperimentValidation.Validate(file));
    }

    [Fact]
    public void A_network_problem_inside_a_variant_has_the_variants_path()
    {
        var broken = new Network("broken", Seq(1, 28, 28), Seq<Layer>(new Flatten(), new Dense(10), new Dense(-3)));
        var file = File(Experiment() with
        {
            Variants = L<VariantSpec>(Variant("plain"), new VariantSpec("bn", Model: Some<ModelSpec>(new ModelSpec.Inline(broken)))),
        });
        AssertProblems(new[] { "experiments[0].variants.bn.model.layers[2].units: must be > 0 (got -3)" },
            ExperimentValidation.Validate(file));
    }

    [Fact]
    public void A_probe_of_a_missing_layer_names_the_variant_and_the_layers_there_are()
    {
        var file = File(Experiment(model: "ioffe_mlp") with
        {
            Probes = Seq<ProbeSpec>(new ProbeSpec.Percentiles("hiden3", 500), new ProbeSpec.GradNorm(0, Some("activation_1"))),
            Variants = Seq1(Variant("no-bn")),
        });
        AssertProblems(new[]
        {
            "experiments[0].probes[0].layer: no layer \"hiden3\" in network \"ioffe_mlp\" (variant no-bn) — did you mean \"hidden3\"? (its layers: flatten_1, dense_1, activation_1, dense_2, activation_2, hidden3, hidden3_sigmoid, dense_4, activation_4)",
            "experiments[0].probes[1].every: must be > 0 (got 0)",
            "experiments[0].probes[1].layer: layer \"activation_1\" of network \"ioffe_mlp\" (variant no-bn) has no parameters — grad_norm needs a conv2d, dense or affine normalization layer",
        }, ExperimentValidation.Validate(file));
    }

    [Fact]
    public void Percentiles_outside_0_to_100_are_rejected_and_the_default_is_15_50_85()
    {
        Assert.Equal(Seq(15.0, 50.0, 85.0), new ProbeSpec.Percentiles("hidden3", 10).Values);
        var file = File(Experiment(model: "ioffe_mlp") with { Probes = Seq1<ProbeSpec>(new ProbeSpec.Percentiles("hidden3", 10, Seq(50.0, 101.0))) });
        AssertProblems(new[] { "experiments[0].probes[0].percentiles[1]: must be in [0, 100] (got 101)" }, ExperimentValidation.Validate(file));
    }

    [Fact]
    public void Landscape_step_sizes_must_be_positive_finite_and_distinct_and_the_default_is_santurkars()
    {
        Assert.Equal(Seq(0.025, 0.05, 0.1, 0.2, 0.4), new ProbeSpec.Landscape(100).StepSizes);
        var file = File(Experiment(model: "ioffe_mlp") with
        {
            Probes = Seq<ProbeSpec>(new ProbeSpec.Landscape(0, Seq(0.1, -0.2, 0.1, double.PositiveInfinity)), new ProbeSpec.Landscape(10)),
        });
        AssertProblems(new[]
        {
            "experiments[0].probes[0].every: must be > 0 (got 0)",
            "experiments[0].probes[0].stepSizes[1]: must be a step size > 0 (got -0.2)",
            "experiments[0].probes[0].stepSizes[2]: 0.1 is listed twice",
            "experiments[0].probes[0].stepSizes[3]: must be a step size > 0 (got Infinity)",
        }, ExperimentValidation.Validate(file));
    }

    [Fact]
    public void Variant_names_must_be_unique_and_usable_as_folders_and_reported_names_must_be_variants()
    {
        var file = File(Experiment() with
        {
            Variants = L<VariantSpec>(Variant("a"), Variant("a"), Variant("b/c")),
            Reported = Map(("ab", new ReportedResult(Some(1.5)))),
        });
        AssertProblems(new[]
        {
            "experiments[0].variants.a: variant \"a\" is listed twice",
            "experiments[0].variants.b/c: a variant name may contain only letters, digits, '_', '-' and '.' (got \"b/c\")",
            "experiments[0].reported.ab: unknown variant \"ab\" — did you mean \"a\"? (known: a, a, b/c)",
            "experiments[0].reported.ab.testAccuracy: must be in [0, 1] (got 1.5)",
        }, ExperimentValidation.Validate(file));
    }

    [Fact]
    public void Datasets_check_their_source_and_split()
    {
        var file = new ExperimentFile(
            Datasets: Map(
                ("a", new DatasetSpec("fashion", Some<ValidationSplit>(new ValidationSplit.Count(60000)))),
                ("b", new DatasetSpec("mnist", Some<ValidationSplit>(new ValidationSplit.Fraction(1.0))))),
            Experiments: Seq1(Experiment(dataset: "a")));
        AssertProblems(new[]
        {
            "datasets.a.source: unknown source \"fashion\" — did you mean \"fashion-mnist\"? (known: mnist, fashion-mnist)",
            "datasets.a.validation.count: must be between 1 and 59999 (got 60000)",
            "datasets.b.validation.fraction: must be in (0, 1) (got 1)",
        }, ExperimentValidation.Validate(file));
    }

    [Fact]
    public void Sgd_with_nesterov_needs_momentum_and_no_dampening()
    {
        var file = File(Experiment() with { Optimizer = new OptimizerSpec.Sgd(0.1, Nesterov: true) });
        AssertProblems(new[] { "experiments[0].optimizer.nesterov: needs momentum > 0 and dampening 0" }, ExperimentValidation.Validate(file));
    }

    [Fact]
    public void A_broken_file_model_is_reported_once_at_models_not_again_where_it_is_used()
    {
        var file = new ExperimentFile(
            Models: Map(("mine", (ModelSpec)new ModelSpec.Named("lenet5", Seq1(new LayerOverride("dense_9", L<FieldSetting>()))))),
            Experiments: Seq1(Experiment(model: "mine")));
        AssertProblems(new[]
        {
            "models.mine.override.dense_9: no layer \"dense_9\" in network \"lenet5\" — did you mean \"dense_1\"? (its layers: conv2d_1, activation_1, max_pool_1, conv2d_2, activation_2, max_pool_2, flatten_1, dense_1, activation_3, dense_2, activation_4, dense_3, activation_5; or use all:<kind>)",
        }, ExperimentValidation.Validate(file));
    }
}
