using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Core.Helpers;
using static NormLab.Tests.Unit.Experiments.ExperimentKit;

namespace NormLab.Tests.Unit.Experiments;

/// <summary>Sweep expansion (<see cref="Sweeps"/>) through plan expansion: names, product and zip, every field kind, the
/// baseline pairing, and every bad axis reported with its path.</summary>
public class SweepTests
{
    static SweepAxis Axis(string field, params string[] values) => new(field, values.ToSeq().Strict());

    static ExperimentSpec Swept(bool zip, params SweepAxis[] axes) =>
        Experiment("s", model: "ioffe_mlp_bn") with { Sweep = Some(new Sweep(axes.ToSeq().Strict(), zip)) };

    static string[] Names(Seq<RunPlan> plans) => plans.Map(p => $"{p.VariantName}#{p.Seed}").ToArray();

    [Fact]
    public void The_product_varies_the_first_axis_slowest_and_names_runs_label_equals_value()
    {
        var plans = Ok(Plans.Expand(File(Swept(false, Axis("batchSize", "8", "16"), Axis("optimizer.lr", "0.01", "0.1")))));
        Assert.Equal(new[] { "batch=8/lr=0.01#1", "batch=8/lr=0.1#1", "batch=16/lr=0.01#1", "batch=16/lr=0.1#1" }, Names(plans));
        Assert.Equal(new[] { 8, 8, 16, 16 }, plans.Map(p => p.BatchSize).ToArray());
        Assert.Equal(new[] { 0.01, 0.1, 0.01, 0.1 }, plans.Map(p => p.Optimizer.LearningRate).ToArray());
        Assert.Equal(new[] { "s/batch=8/lr=0.01/seed-1" }, plans.Take(1).Map(p => p.RelativeFolder).ToArray());
    }

    [Fact]
    public void Zip_pairs_the_values_position_by_position()
    {
        var plans = Ok(Plans.Expand(File(Swept(true, Axis("batchSize", "8", "16"), Axis("optimizer.lr", "0.01", "0.1")))));
        Assert.Equal(new[] { "batch=8/lr=0.01#1", "batch=16/lr=0.1#1" }, Names(plans));
    }

    [Fact]
    public void A_sweep_combines_with_variants_and_seeds_and_each_variant_keeps_its_own_settings()
    {
        var e = Swept(false, Axis("batchSize", "8", "16")) with
        {
            Seeds = Seq(1, 2),
            Variants = L(Variant("bn"), new VariantSpec("adam", Optimizer: Some<OptimizerSpec>(new OptimizerSpec.Adam(Lr: 0.002)))),
        };
        var plans = Ok(Plans.Expand(File(e)));
        Assert.Equal(new[] { "bn/batch=8#1", "bn/batch=8#2", "bn/batch=16#1", "bn/batch=16#2",
                             "adam/batch=8#1", "adam/batch=8#2", "adam/batch=16#1", "adam/batch=16#2" }, Names(plans));
        Assert.All(plans.Filter(p => p.VariantName.StartsWith("adam/")), p => Assert.Equal(new OptimizerSpec.Adam(Lr: 0.002), p.Optimizer));
        // --variant picks a declared variant's every point, or one point.
        Assert.Equal(4, Ok(Plans.Expand(File(e), new PlanFilter(Variants: Seq1("adam")))).Count);
        Assert.Equal(new[] { "adam/batch=16#1", "adam/batch=16#2" }, Names(Ok(Plans.Expand(File(e), new PlanFilter(Variants: Seq1("adam/batch=16"))))));
    }

    [Fact]
    public void Dataset_model_budget_and_layer_override_axes_set_their_fields()
    {
        var plans = Ok(Plans.Expand(File(Swept(false, Axis("dataset", "mnist", "fashion-mnist"), Axis("model", "ioffe_mlp_bn", "mlp_300_100_bn"),
            Axis("override.all:batch_norm.momentum", "0.5"), Axis("steps", "7")))));
        Assert.Equal(new[] { "dataset=mnist/model=ioffe_mlp_bn/momentum=0.5/steps=7#1", "dataset=mnist/model=mlp_300_100_bn/momentum=0.5/steps=7#1",
                             "dataset=fashion-mnist/model=ioffe_mlp_bn/momentum=0.5/steps=7#1", "dataset=fashion-mnist/model=mlp_300_100_bn/momentum=0.5/steps=7#1" },
            Names(plans));
        Assert.Equal(new[] { "mnist", "mnist", "fashion-mnist", "fashion-mnist" }, plans.Map(p => p.DatasetName).ToArray());
        Assert.Equal(new[] { "ioffe_mlp_bn", "mlp_300_100_bn", "ioffe_mlp_bn", "mlp_300_100_bn" }, plans.Map(p => p.Network.Name).ToArray());
        // The override patches the swept model (the model axis is applied first): every BN layer of both networks.
        Assert.All(plans, p => Assert.All(p.Network.Layers.OfType<BatchNorm>(), b => Assert.Equal(0.5, b.Momentum)));
        Assert.All(plans, p => Assert.Equal(new Budget.Steps(7), p.Budget));
    }

    [Fact]
    public void Labels_that_would_clash_use_the_full_field()
    {
        var plans = Ok(Plans.Expand(File(Swept(false, Axis("override.dense_1.units", "50"), Axis("override.dense_2.units", "60")))));
        Assert.Equal("dense_1.units=50/dense_2.units=60", plans.Head.VariantName);
        Assert.Equal(50, ((Dense)plans.Head.Network.Layers[1]).Units);
    }

    [Fact]
    public void The_baseline_of_a_swept_variant_is_the_baseline_variant_at_the_same_point()
    {
        var e = Swept(false, Axis("batchSize", "8", "16")) with { Variants = L(Variant("bn"), Variant("plain", "ioffe_mlp")), Baseline = Some("bn") };
        var plans = Ok(Plans.Expand(File(e)));
        Assert.Equal(new[] { "bn/batch=8", "bn/batch=16", "bn/batch=8", "bn/batch=16" }, plans.Map(p => p.Baseline.IfNone("")).ToArray());
        // A full run-variant name is the one baseline of every run.
        var fixedBaseline = Ok(Plans.Expand(File(e with { Baseline = Some("bn/batch=16") })));
        Assert.All(fixedBaseline, p => Assert.Equal(Some("bn/batch=16"), p.Baseline));
    }

    [Fact]
    public void Every_bad_axis_is_reported_with_its_path_and_a_did_you_mean()
    {
        var e = Swept(true, Axis("lr", "0.1"), Axis("optimizer.lrr", "0.1"), Axis("override.all:batch_norm.momentun", "0.1"),
            Axis("batchSize", "8", "x", "8"), Axis("dataset"), Axis("optimizer.momentum", "0.9"), Axis("model", "a/b"));
        AssertProblems(new[]
        {
            "experiments[0].sweep.lr: no field \"lr\" to sweep — did you mean \"optimizer.lr\"? (fields: batchSize, epochs, steps, evalEvery, dataset, model, optimizer.lr, optimizer.momentum, optimizer.dampening, optimizer.weightDecay, optimizer.nesterov, override.all:<kind>.<field>, override.<layer name>.<field>)",
            "experiments[0].sweep.optimizer.lrr: sgd has no field \"lrr\" — did you mean \"lr\"? (its fields: lr, momentum, dampening, weightDecay, nesterov)",
            "experiments[0].sweep.override.all:batch_norm.momentun: batch_norm has no field \"momentun\" — did you mean \"momentum\"? (its fields: convention, momentum, epsilon, affine, trackRunningStats, implementation, window, virtualBatchSize, renorm, trainable)",
            "experiments[0].sweep.batchSize[1]: expected an integer, got 'x'",
            "experiments[0].sweep.batchSize[2]: 8 is listed twice on this axis",
            "experiments[0].sweep.dataset: lists no values — give at least one (an empty axis would plan no runs)",
            "experiments[0].sweep.model[0]: \"a/b\" becomes part of the runs' folder names: use letters, digits, '_', '-', '.' and '+' only",
            "experiments[0].sweep.zip: zip: true pairs the axes' values position by position, so every axis needs as many values — got lr 1, optimizer.lrr 1, override.all:batch_norm.momentun 1, batchSize 3, dataset 0, optimizer.momentum 1, model 1 (or leave zip out for every combination)",
        }, Plans.Expand(File(e)));
    }

    [Fact]
    public void An_optimizer_field_must_exist_for_every_variant_s_optimizer()
    {
        var e = Swept(false, Axis("optimizer.beta1", "0.8")) with
        {
            Variants = L(new VariantSpec("adam", Optimizer: Some<OptimizerSpec>(new OptimizerSpec.Adam())), Variant("sgd")),
        };
        AssertProblems(new[] { "experiments[0].sweep.optimizer.beta1: sgd has no field \"beta1\" (its fields: lr, momentum, dampening, weightDecay, nesterov)" },
            Plans.Expand(File(e)));
    }

    [Fact]
    public void Problems_only_the_network_or_data_can_show_are_traced_back_to_the_axis_value_once_with_their_runs()
    {
        var e = Swept(false, Axis("optimizer.lr", "0.1", "-1"), Axis("override.dense_9.units", "5"), Axis("dataset", "mnist", "fashion")) with
        {
            Variants = L(Variant("a"), Variant("b")),
        };
        AssertProblems(new[]
        {
            "experiments[0].sweep.override.dense_9.units[0]: no layer \"dense_9\" in network \"ioffe_mlp_bn\" — did you mean \"dense_1\"? (its layers: flatten_1, dense_1, batch_norm_1, activation_1, dense_2, batch_norm_2, activation_2, dense_3, hidden3, hidden3_sigmoid, dense_4, activation_4; or use all:<kind>) (in 8 runs, e.g. \"a/lr=0.1/units=5/dataset=mnist\")",
            "experiments[0].sweep.dataset[1]: unknown dataset \"fashion\" — did you mean \"fashion-mnist\"? (known: mnist, fashion-mnist) (in 4 runs, e.g. \"a/lr=0.1/units=5/dataset=fashion\")",
            "experiments[0].sweep.optimizer.lr[1]: must be > 0 (got -1) (in 4 runs, e.g. \"a/lr=-1/units=5/dataset=mnist\")",
        }, Plans.Expand(File(e)));
    }

    [Fact]
    public void A_layer_field_out_of_range_and_a_last_batch_of_one_point_at_the_axis_value()
    {
        var e = Swept(false, Axis("batchSize", "1", "32"), Axis("override.all:batch_norm.momentum", "2", "0.1")) with
        {
            Variants = L(Variant("a"), Variant("b")),
        };
        AssertProblems(new[]
        {
            "experiments[0].sweep.override.all:batch_norm.momentum[0]: must be in [0, 1] (got 2) (in 4 runs, e.g. \"a/batch=1/momentum=2\")",
            "experiments[0].sweep.batchSize[0]: batches of 1 give batch_norm_1 (batch_norm) one value per channel, which training cannot normalise — use a batchSize of at least 2 (runs \"a/batch=1/momentum=0.1\", \"b/batch=1/momentum=0.1\")",
        }, Plans.Expand(File(e)));
    }

    [Fact]
    public void A_sweep_needs_an_axis_and_a_baseline_must_name_a_variant()
    {
        AssertProblems(new[] { "experiments[0].sweep: has no axes — give at least one field and its values, e.g. batchSize: [16, 32, 64]" },
            Plans.Expand(File(Swept(false))));
        var e = Swept(false, Axis("batchSize", "8")) with { Variants = L(Variant("bn")), Baseline = Some("bnn") };
        AssertProblems(new[] { "experiments[0].baseline: unknown variant \"bnn\" — did you mean \"bn\"? (known: bn)" }, Plans.Expand(File(e)));
    }

    [Fact]
    public void More_than_the_set_number_of_runs_needs_confirmation()
    {
        var values = Enumerable.Range(1, 51).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var file = File(Swept(false, Axis("steps", values)) with { Seeds = Seq(1, 2) }, Experiment("plain"));
        var plans = Ok(Plans.Expand(file));
        Assert.Equal(103, plans.Count);
        Assert.Equal(new[] { "experiments[0].sweep: plans 102 runs, more than 100 — pass --yes to run them (--resume skips the complete ones), or narrow the sweep or the run with --variant, --seeds" },
            Sweeps.Unconfirmed(file, plans).Map(p => p.ToString()).ToArray());
        Assert.Empty(Sweeps.Unconfirmed(file, Ok(Plans.Expand(file, new PlanFilter(Seeds: Some(1))))));
    }

    [Fact]
    public void A_sweep_of_hundreds_of_runs_plans_at_once()
    {
        var many = Enumerable.Range(1, 20).Select(i => (i * 8).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var e = Swept(false, Axis("batchSize", many), Axis("optimizer.lr", "0.001", "0.01", "0.1", "1")) with
        {
            Seeds = Seq(1, 2, 3),
            Variants = L(Variant("bn"), Variant("plain", "ioffe_mlp")),
        };
        var plans = Ok(Plans.Expand(File(e)));
        Assert.Equal(20 * 4 * 2 * 3, plans.Count);
        Assert.Equal(plans.Count, plans.Map(p => p.RelativeFolder).Distinct().Count());
    }
}
