using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using NormLab.Host.Running;
using NormLab.Host.Yaml;
using NormLab.Tests.Unit.Yaml;
using static LanguageExt.Prelude;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;

namespace NormLab.Tests.Unit.Family;

/// <summary>The normalization family's bad input (issue 12): refused by validate with its YAML path, exit 2, nothing written.</summary>
public class FamilyValidationTests
{
    static readonly string BadFile = Lines(
        "datasets:",
        "  odd: {source: fashion-mnist, validation: {count: 7}}     # 59,993 training images",
        "experiments:",
        "  - name: groups",
        "    dataset: fashion-mnist",
        "    model:",
        "      inputShape: [1, 28, 28]",
        "      layers:",
        "        - conv2d: {filters: 4, kernel: 3}",
        "        - group_norm: {groups: 3}",
        "        - batch_norm: {renorm: {rMax: 0.5, dMax: -1}}",
        "        - flatten: {}",
        "        - dense: {units: 10}",
        "    optimizer: {type: sgd, lr: 0.1}",
        "    epochs: 1",
        "  - name: ghost",
        "    dataset: odd",
        "    model:",
        "      inputShape: [1, 28, 28]",
        "      layers:",
        "        - flatten: {}",
        "        - dense: {units: 10}",
        "        - batch_norm: {virtualBatchSize: 3}",
        "    optimizer: {type: sgd, lr: 0.1}",
        "    batchSize: 32",
        "    epochs: 1",
        "    variants:",
        "      three: {}",
        "      one: {override: {batch_norm_1: {virtualBatchSize: 1}}}",
        "      remainder: {override: {batch_norm_1: {virtualBatchSize: 4}}}",
        "      fine: {override: {batch_norm_1: {virtualBatchSize: 16}}}",
        "  - name: frozen",
        "    dataset: fashion-mnist",
        "    model: {inputShape: [1, 28, 28], layers: [{flatten: {}}, {dense: {units: 10}}, {batch_norm: {}}]}",
        "    optimizer: {type: sgd, lr: 0.1}",
        "    epochs: 1",
        "    trainOnly: [batch_norm, instance_norm, batchnorm]",
        "    preciseBn: {batches: 0}");

    /// <summary>Every problem of the bad file: path and line, then the message (columns left out to keep the test readable).</summary>
    static readonly string[] Expected =
    [
        "experiments[0].model.layers[1].groups (line 10, | 3 groups do not divide the 4 channels of the input (4, 26, 26) — use a divisor of 4 such as 2",
        "experiments[0].model.layers[2].renorm.rMax (line 11, | must be >= 1 (got 0.5)",
        "experiments[0].model.layers[2].renorm.dMax (line 11, | must be >= 0 (got -1)",
        "experiments[1].batchSize (line 25, | batch_norm_1 (batch_norm) has virtualBatchSize 3, which does not divide the batch size 32 — use a virtualBatchSize that divides it (2, 4, 8, 16, 32) or a batchSize that is a multiple of 3",
        "experiments[1].batchSize (line 25, | batch_norm_1 (batch_norm) has virtualBatchSize 1: chunks of one sample give it one value per channel",
        "experiments[1].batchSize (line 25, | 59993 training images in batches of 32 leave a last batch of 25, whose last chunk of virtualBatchSize 4 holds 1 image",
        "experiments[2].trainOnly[1] (line 37, | network \"frozen\" has no instance_norm layer (its kinds: flatten, dense, batch_norm) — remove it from trainOnly or add such a layer",
        "experiments[2].trainOnly[2] (line 37, | unknown layer kind \"batchnorm\" — did you mean \"batch_norm\"?",
        "experiments[2].preciseBn.batches (line 38, | must be > 0 (got 0)",
    ];

    [Fact]
    public void Every_family_mistake_is_reported_at_validate_with_its_path_and_exit_2()
    {
        var path = CliTests.TempFile(BadFile);
        try
        {
            var (code, output, error) = CliTests.Run("validate", path);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var e in Expected)
            {
                var (at, message) = (e.Split(" | ")[0], e.Split(" | ")[1]);
                Assert.True(lines.Any(l => l.StartsWith(at, StringComparison.Ordinal) && l.Contains(message)), $"missing: {e}\nin:\n{error}");
            }
            Assert.Contains($"{path}: {Expected.Length} problems", error);
            // A virtual batch that divides the batch and leaves no chunk of one image is fine.
            Assert.DoesNotContain("virtualBatchSize 16", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrainOnly_and_preciseBn_belong_to_the_experiment_not_to_a_variant()
    {
        var fine = "      fine: {override: {batch_norm_1: {virtualBatchSize: 16}}}\n";
        var path = CliTests.TempFile(BadFile.Replace(fine, fine + "      too-many: {preciseBn: {batches: 3}, trainOnly: [dense]}\n"));
        try
        {
            var (code, _, error) = CliTests.Run("validate", path);
            Assert.Equal(2, code);
            Assert.Contains("experiments[1].variants.too-many.preciseBn (line 32, col 18): \"preciseBn\" cannot be set per variant", error);
            Assert.Contains("experiments[1].variants.too-many.trainOnly (line 32, col 43): \"trainOnly\" cannot be set per variant", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static string Problems(string yaml) =>
        YamlDocuments.ReadPlans(yaml, PlanFilter.All).Match(
            Left: problems => string.Join("\n", problems.Map(p => p.ToString())),
            Right: ok => "valid");

    [Fact]
    public void PreciseBn_batches_beyond_one_epoch_and_networks_without_batch_norm_are_refused()
    {
        var yaml = Lines(
            "experiments:",
            "  - name: p",
            "    dataset: fashion-mnist",
            "    model: {inputShape: [1, 28, 28], layers: [{flatten: {}}, {dense: {units: 10}}]}",
            "    optimizer: {type: sgd, lr: 0.1}",
            "    batchSize: 1000",
            "    epochs: 1",
            "    preciseBn: {batches: 61}");
        var text = Problems(yaml);
        Assert.Contains("experiments[0].preciseBn.batches (line 8, col 26): 61 is more than the 60 batches of one epoch (60000 training images in batches of 1000) — use at most 60", text);
        Assert.Contains("experiments[0].preciseBn (line 8, col 16): network \"p\" has no batch_norm layer with running statistics to re-estimate — remove preciseBn", text);
    }

    static int RunVerb(RunOptions options) => NormLab.Host.Cli.RunVerb.RunAsync(options).GetAwaiter().GetResult();

    [Fact]
    public void A_run_of_a_file_with_family_mistakes_exits_2_and_writes_nothing()
    {
        var file = Path.GetTempFileName();
        var outDir = Path.Combine(Path.GetTempPath(), $"normlab-family-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(file, BadFile);
            var error = new StringWriter();
            var previous = Console.Error;
            Console.SetError(error);
            int code;
            try { code = RunVerb(new RunOptions(file, PlanFilter.All, outDir, false, false)); }
            finally { Console.SetError(previous); }
            Assert.Equal(2, code);
            Assert.Contains("renorm.rMax", error.ToString());
            Assert.False(Directory.Exists(outDir), "a refused file must not create the results folder");
        }
        finally
        {
            File.Delete(file);
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public void TrainOnly_freezes_every_other_layer_with_parameters_and_config_yaml_says_so()
    {
        var yaml = Lines(
            "experiments:",
            "  - name: bn-only",
            "    dataset: fashion-mnist",
            "    model: {inputShape: [1, 28, 28], layers: [{flatten: {}}, {dense: {units: 20}}, {batch_norm: {}}, {activation: relu}, {dense: {units: 10}}]}",
            "    optimizer: {type: sgd, lr: 0.1}",
            "    epochs: 1",
            "    trainOnly: [batch_norm]",
            "    preciseBn: {batches: 5}");
        var (_, plans) = Ok(YamlDocuments.ReadPlans(yaml, PlanFilter.All));
        var plan = plans.Head();
        Assert.Equal(new[] { true, false, true, true, false },
            plan.Network.Layers.Map(l => l.Trainable).ToArray());
        var config = YamlDocuments.WriteRunPlan(plan);
        Assert.Contains("- dense: {units: 20, useBias: true, trainable: false}", config);
        Assert.Contains("trainOnly: [batch_norm]", config);
        Assert.Contains("preciseBn: {batches: 5}", config);
        Assert.Equal(plan, Ok(YamlDocuments.ReadRunPlan(config)));
        var shape = ShapeInference.Infer(plan.Network).Match(s => s, _ => throw new InvalidOperationException());
        Assert.Equal(40, shape.TrainableParams);   // γ and β of 20 channels
        Assert.Equal(784 * 20 + 20 + 40 + 20 * 10 + 10, shape.NonTrainableParams);
    }
}
