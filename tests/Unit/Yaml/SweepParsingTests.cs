using NormLab.Core.Experiments;
using NormLab.Host.Cli;
using NormLab.Host.Yaml;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;

namespace NormLab.Tests.Unit.Yaml;

/// <summary><c>sweep:</c> and <c>baseline:</c> in YAML: read into records, written back equal, every mistake at its line.</summary>
public class SweepParsingTests
{
    static string File(params string[] sweep) => Lines(new[]
    {
        "experiments:",
        "  - name: gn-vs-bn",
        "    dataset: mnist",
        "    model: ioffe_mlp_bn",
        "    optimizer: {type: sgd, lr: 0.1}",
        "    steps: 10",
        "    seeds: [1, 2, 3]",
        "    baseline: bn",
        "    variants:",
        "      bn: {}",
        "      torch: {override: {all:batch_norm: {convention: torch}}}",
        "    sweep:",
    }.Concat(sweep).ToArray());

    [Fact]
    public void A_sweep_reads_into_axes_plans_its_runs_and_writes_back_equal()
    {
        var text = File(
            "      batchSize: [8, 16]",
            "      optimizer.lr: [0.01, 0.1]",
            "      override.all:batch_norm.momentum: 0.5",
            "      zip: false");
        var (parsed, plans) = Ok(YamlDocuments.ReadPlans(text, PlanFilter.All));
        var e = parsed.File.Experiments.Single();
        Assert.Equal(new Sweep(Seq(new SweepAxis("batchSize", Seq("8", "16")), new SweepAxis("optimizer.lr", Seq("0.01", "0.1")),
            new SweepAxis("override.all:batch_norm.momentum", Seq1("0.5")))), e.Sweep.IfNone(() => throw new InvalidOperationException()));
        Assert.Equal(Some("bn"), e.Baseline);
        Assert.Equal(2 * 4 * 3, plans.Count);
        Assert.Equal("torch/batch=16/lr=0.1/momentum=0.5", plans.Last().VariantName);
        Assert.Equal(Some("bn/batch=16/lr=0.1/momentum=0.5"), plans.Last().Baseline);
        var again = Ok(YamlDocuments.ReadExperiments(YamlDocuments.WriteExperiments(parsed.File))).File;
        Assert.Equal(YamlDocuments.WriteExperiments(parsed.File), YamlDocuments.WriteExperiments(again));
        Assert.Equal(e.Sweep, again.Experiments.Single().Sweep);
        Assert.Equal(e.Baseline, again.Experiments.Single().Baseline);
    }

    [Fact]
    public void Sweep_mistakes_have_their_lines_and_a_variant_cannot_sweep()
    {
        var text = File(
            "      batchSize: [8, {a: 1}]",
            "      optimiser.lr: [0.1]",
            "      zip: maybe") + Lines(
            "  - name: two",
            "    dataset: mnist",
            "    model: ioffe_mlp_bn",
            "    optimizer: {type: sgd, lr: 0.1}",
            "    steps: 10",
            "    variants:",
            "      a: {sweep: {batchSize: [8]}}",
            "    sweep: [batchSize]");
        AssertProblems(new[]
        {
            "experiments[0].sweep.batchSize[1] (line 13, col 22): expected one value (a number or a name), got a mapping — sweep one field per axis, e.g. override.all:batch_norm.convention: [torch, keras]",
            "experiments[0].sweep.zip (line 15, col 12): expected true or false, got 'maybe'",
            "experiments[1].sweep (line 23, col 12): expected a mapping of fields to their values, e.g. {batchSize: [16, 32, 64], optimizer.lr: [0.01, 0.1]}, got a list",
            "experiments[1].variants.a.sweep (line 22, col 11): \"sweep\" cannot be set per variant — a variant may set: description, model, override, optimizer, batchSize, epochs, steps, evalEvery, dataset, probes, sampler",
        }, YamlDocuments.ReadExperiments(text));
    }

    [Fact]
    public void An_unknown_sweep_field_is_a_located_problem_with_a_did_you_mean()
    {
        var text = File("      batchsize: [8, 16]");
        var problems = Problems(YamlDocuments.ReadPlans(text, PlanFilter.All));
        Assert.Equal("experiments[0].sweep.batchsize (line 13, col 7): no field \"batchsize\" to sweep — did you mean \"batchSize\"? "
            + "(fields: batchSize, epochs, steps, evalEvery, dataset, model, optimizer.lr, optimizer.momentum, optimizer.dampening, optimizer.weightDecay, "
            + "optimizer.nesterov, override.all:<kind>.<field>, override.<layer name>.<field>)", Assert.Single(problems));
    }

    [Fact]
    public void Validate_prints_how_many_runs_each_sweep_plans()
    {
        var (parsed, plans) = Ok(YamlDocuments.ReadPlans(File("      batchSize: [8, 16, 32]", "      optimizer.lr: [0.01, 0.1]"), PlanFilter.All));
        Assert.Equal("1 experiment, 12 variants, 36 runs", ValidateVerb.Describe(parsed.File, plans));
        Assert.Equal(new[] { "  gn-vs-bn: sweep of 2 axes, 6 points × 2 variants × 3 seeds = 36 runs" }, ValidateVerb.DescribeSweeps(parsed.File, plans).ToArray());
        var many = string.Join(", ", Enumerable.Range(1, 20).Select(i => (8 * i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var (bigFile, bigPlans) = Ok(YamlDocuments.ReadPlans(File($"      batchSize: [{many}]", "      zip: true"), PlanFilter.All));
        Assert.Equal(new[] { "  gn-vs-bn: sweep of 1 axis (zipped), 20 points × 2 variants × 3 seeds = 120 runs — more than 100: ./normlab run asks for --yes" },
            ValidateVerb.DescribeSweeps(bigFile.File, bigPlans).ToArray());
    }
}
