using NormLab.Core.Data;
using NormLab.Core.Networks;
using NormLab.Core.Experiments;
using NormLab.Host.Yaml;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;

namespace NormLab.Tests.Unit.Yaml;

public class ExperimentParsingTests
{
    static Either<Seq<LocatedProblem>, (ParsedFile File, Seq<RunPlan> Plans)> Plans(string text) =>
        YamlDocuments.ReadPlans(text, PlanFilter.All);

    [Fact]
    public void A_good_file_reads_into_the_records_it_describes()
    {
        var text = Lines(
            "defaults: {seeds: [3, 4], threads: 2}",
            "datasets:",
            "  fm: {source: fashion-mnist, validation: {count: 5000, from: end}, preprocess: standardize}",
            "models:",
            "  torch_bn:",
            "    preset: lenet5_bn_all",
            "    override:",
            "      all:batch_norm: {convention: torch, implementation: scratch}",
            "experiments:",
            "  - name: e1",
            "    dataset: fm",
            "    model: torch_bn",
            "    optimizer: {type: momentum, lr: 0.05}",
            "    batchSize: 64",
            "    steps: 100",
            "    variants:",
            "      a: {}",
            "      b: {optimizer: {lr: 0.1}, epochs: 2, override: {dense_1: {units: 60}}}");
        var parsed = Ok(YamlDocuments.ReadExperiments(text)).File;
        var e = parsed.Experiments.Single();
        Assert.Equal(new DatasetSpec("fashion-mnist", Some<ValidationSplit>(new ValidationSplit.Count(5000, SplitFrom.End)), Preprocessing.Standardize),
            parsed.Datasets["fm"]);
        Assert.Equal(new OptimizerSpec.Sgd(0.05, Momentum: 0.9), e.Optimizer);
        Assert.Equal(Seq(3, 4), e.Seeds);
        Assert.Equal(Some(2), e.Threads);
        var b = e.Variants[1];
        Assert.Equal(Some<OptimizerSpec>(new OptimizerSpec.Sgd(0.1, Momentum: 0.9)), b.Optimizer);
        Assert.Equal(Some<Budget>(new Budget.Epochs(2)), b.Budget);
        var plans = Ok(Plans(text)).Plans;
        Assert.Equal(4, plans.Count);
        Assert.All(plans.Map(p => p.Network.Layers.Filter(l => l is BatchNorm)).Bind(x => x),
            l => Assert.Equal(new BatchNorm(BnConvention.Torch, Implementation: BnImplementation.Scratch), l));
        Assert.Equal(new Dense(60), plans[2].Network.Layers[9]);
        Assert.Equal(new Dense(120), plans[0].Network.Layers[9]);
    }

    [Fact]
    public void Keys_types_and_layers_are_checked_all_at_once_with_lines_and_columns()
    {
        var text = Lines(
            "experiments:",
            "  - name: e1",
            "    dataset: mnist",
            "    epoch: 3",
            "    batchSize: abc",
            "    optimizer: {type: rmsprop, rho: 0.9, lr: [1]}",
            "    model:",
            "      inputShape: [784]",
            "      layers:",
            "        - dense: {unit: 10}",
            "        - activaton: relu",
            "        - dense: 5",
            "        - activation: {kind: leaky, alpha: x}");
        AssertProblems(new[]
        {
            "experiments[0].epoch (line 4, col 5): unknown key \"epoch\" for an experiment — did you mean \"epochs\"?",
            "experiments[0].model.layers[0].unit (line 10, col 25): unknown key \"unit\" for dense — did you mean \"units\"?",
            "experiments[0].model.layers[0].units (line 10, col 11): is required",
            "experiments[0].model.layers[1] (line 11, col 11): unknown layer type \"activaton\" — did you mean \"activation\"? (known: conv2d, dense, batch_norm, activation, max_pool, avg_pool, flatten, dropout, layer_norm, group_norm, instance_norm, noise)",
            "experiments[0].model.layers[2] (line 12, col 11): expected the fields of dense as a mapping (e.g. {units: 100}), got '5'",
            "experiments[0].model.layers[3].kind (line 13, col 30): expected one of relu, leaky_relu, sigmoid, tanh, softmax, identity, got 'leaky' — did you mean \"leaky_relu\"?",
            "experiments[0].model.layers[3].alpha (line 13, col 44): expected a number, got 'x'",
            "experiments[0].optimizer.rho (line 6, col 32): unknown key \"rho\" for rmsprop — did you mean \"alpha\"?",
            "experiments[0].optimizer.lr (line 6, col 46): expected a number, got a list",
            "experiments[0].batchSize (line 5, col 16): expected an integer, got 'abc'",
            "experiments[0] (line 2, col 5): needs a training budget: epochs: N or steps: N",
        }, YamlDocuments.ReadExperiments(text));
    }

    [Fact]
    public void Meaning_errors_from_core_validation_get_the_line_and_column_of_the_yaml_node()
    {
        var text = Lines(
            "experiments:",
            "  - name: e1",
            "    dataset: mnst",
            "    model:",
            "      inputShape: [784]",
            "      layers:",
            "        - dense: {units: 100}",
            "        - dense: {units: -3}",
            "    optimizer: {type: sgd, lr: 0}",
            "    epochs: 1",
            "    probes:",
            "      - {type: percentiles, layer: hidden3, every: 10}");
        AssertProblems(new[]
        {
            "experiments[0].dataset (line 3, col 14): unknown dataset \"mnst\" — did you mean \"mnist\"? (known: mnist, fashion-mnist)",
            "experiments[0].model.layers[1].units (line 8, col 26): must be > 0 (got -3)",
            "experiments[0].optimizer.lr (line 9, col 32): must be > 0 (got 0)",
        }, Plans(text));
    }

    [Fact]
    public void A_probe_on_a_missing_layer_and_a_network_problem_in_a_variant_point_at_their_lines()
    {
        var text = Lines(
            "experiments:",
            "  - name: e1",
            "    dataset: mnist",
            "    model: ioffe_mlp",
            "    optimizer: {type: sgd, lr: 0.1}",
            "    steps: 10",
            "    probes:",
            "      - {type: batch_stats, layer: hiden3, every: 5}",
            "    variants:",
            "      bn:",
            "        override: {dense_9: {units: 3}}");
        AssertProblems(new[]
        {
            "experiments[0].variants.bn.model.override.dense_9 (line 11, col 20): no layer \"dense_9\" in network \"ioffe_mlp\" — did you mean \"dense_1\"? (its layers: flatten_1, dense_1, activation_1, dense_2, activation_2, hidden3, hidden3_sigmoid, dense_4, activation_4; or use all:<kind>)",
        }, Plans(text));
    }

    [Fact]
    public void Epochs_and_steps_together_and_variant_only_keys_are_refused()
    {
        var text = Lines(
            "experiments:",
            "  - name: e1",
            "    dataset: mnist",
            "    model: lenet5",
            "    optimizer: adam",
            "    epochs: 1",
            "    steps: 10",
            "    variants:",
            "      a: {seeds: [1, 2], batchsize: 3}");
        AssertProblems(new[]
        {
            "experiments[0] (line 2, col 5): give either epochs or steps, not both",
            "experiments[0].variants.a.seeds (line 9, col 11): \"seeds\" cannot be set per variant — a variant may set: description, model, override, optimizer, batchSize, epochs, steps, evalEvery, dataset, probes, sampler",
            "experiments[0].variants.a.batchsize (line 9, col 26): unknown key \"batchsize\" for variant \"a\" — did you mean \"batchSize\"?",
        }, YamlDocuments.ReadExperiments(text));
    }

    [Fact]
    public void Syntax_errors_duplicate_keys_and_an_empty_file_are_located_problems_not_exceptions()
    {
        AssertProblems(new[] { "line 2, col 14: YAML syntax error: While parsing a flow sequence, did not find expected ',' or ']'." },
            YamlDocuments.ReadExperiments(Lines("experiments:", "  - {name: [x}")));
        AssertProblems(new[] { "line 3, col 1: duplicate key — a key may appear only once in a mapping" },
            YamlDocuments.ReadExperiments(Lines("datasets: {}", "experiments: []", "datasets: {}")));
        AssertProblems(new[] { "the file is empty — it needs an experiments list" }, YamlDocuments.ReadExperiments(""));
    }

    [Fact]
    public void Sgd_needs_a_learning_rate_and_unknown_optimizers_get_a_hint()
    {
        var text = Lines(
            "experiments:",
            "  - {name: a, dataset: mnist, model: lenet5, epochs: 1, optimizer: sgd}",
            "  - {name: b, dataset: mnist, model: lenet5, epochs: 1, optimizer: {type: adma}}");
        AssertProblems(new[]
        {
            "experiments[0].optimizer.lr (line 2, col 68): is required for SGD (PyTorch's SGD has no default; Keras' is 0.01)",
            "experiments[1].optimizer.type (line 3, col 68): unknown optimizer \"adma\" — did you mean \"adam\"? (known: sgd, momentum, adam, rmsprop)",
        }, YamlDocuments.ReadExperiments(text));
    }
}
