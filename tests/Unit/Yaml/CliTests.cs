using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NormLab.Host.Cli;
using static NormLab.Tests.Unit.Yaml.YamlTestKit;

namespace NormLab.Tests.Unit.Yaml;

/// <summary>The verbs run in-process, as Program.cs wires them, with stdout and stderr captured.</summary>
public class CliTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(
                new Dictionary<string, string?> { ["NORMLAB_ROOT"] = RepoRoot() }).Build())
            .AddSingleton<ExperimentFiles>()
            .AddVerb<ValidateVerb>()
            .AddVerb<SummaryVerb>()
            .BuildServiceProvider();
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var code = CliApp.RunAsync(services.GetServices<ICliVerb>(), args, output, error).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }

    internal static string TempFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"normlab-cli-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Validate_of_the_shipped_file_prints_one_ok_line_and_exits_0()
    {
        var (code, output, error) = Run("validate", ShippedFile);
        Assert.Equal((0, $"OK {ShippedFile}: 5 experiments, 13 variants, 39 runs\n", ""), (code, output, error));
    }

    [Fact]
    public void Validate_without_a_file_finds_experiments_yaml_through_NORMLAB_ROOT()
    {
        var (code, output, _) = Run("validate");
        Assert.Equal(0, code);
        Assert.EndsWith("experiments.yaml: 5 experiments, 13 variants, 39 runs\n", output);
    }

    [Fact]
    public void Validate_of_a_bad_file_prints_every_problem_on_stderr_and_exits_2()
    {
        var path = TempFile(Lines(
            "experiments:",
            "  - name: e1",
            "    dataset: mnist",
            "    model: lenet6",
            "    optimizer: {type: sgd, lr: 0.1}",
            "    epochs: 0"));
        try
        {
            var (code, output, error) = Run("validate", path);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Equal(Lines(
                "experiments[0].model (line 4, col 12): unknown model \"lenet6\" — did you mean \"lenet5\"? (known: lenet, lenet_bn1, lenet_bn2, lenet_fc_bn1, lenet_fc_bn2, lenet5, lenet5_bn_all, mlp_300_100, mlp_300_100_bn, mlp_300_100_bn_after, mlp_300_100_bn_before, ioffe_mlp, ioffe_mlp_bn)",
                "experiments[0].epochs (line 6, col 13): must be > 0 (got 0)",
                $"{path}: 2 problems"), error);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Validate_of_a_missing_file_or_broken_yaml_exits_2_without_a_stack_trace()
    {
        var (code, _, error) = Run("validate", "/nonexistent/x.yaml");
        Assert.Equal((2, Lines("/nonexistent/x.yaml: no such file — give the path of an experiments file (default: experiments.yaml)",
            "/nonexistent/x.yaml: 1 problem")), (code, error));

        var path = TempFile("experiments: [\n");
        try
        {
            var (c2, _, e2) = Run("validate", path);
            Assert.Equal(2, c2);
            Assert.StartsWith("line 2, col 1: YAML syntax error: ", e2);
            Assert.DoesNotContain("   at ", e2);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Summary_prints_the_table_of_a_preset()
    {
        var (code, output, error) = Run("summary", "mlp_300_100_bn");
        Assert.Equal((0, ""), (code, error));
        Assert.StartsWith("Model: \"mlp_300_100_bn\"\n", output);
        Assert.EndsWith("Total params: 271,346, trainable: 268,978, non-trainable: 2,368\n", output);
    }

    [Fact]
    public void Summary_prints_a_model_defined_in_the_file_with_its_overrides()
    {
        var path = TempFile(Lines(
            "models:",
            "  wide: {preset: mlp_300_100, override: {dense_1: {units: 400}}}",
            "experiments: []"));
        try
        {
            var (code, output, _) = Run("summary", "wide", "--file", path);
            Assert.Equal(0, code);
            Assert.StartsWith("Model: \"wide\"\n", output);
            // 784·400+400 + 400·100+100 + 100·10+10
            Assert.EndsWith("Total params: 355,110, trainable: 355,110, non-trainable: 0\n", output);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Summary_of_an_unknown_model_lists_presets_and_file_models_and_exits_2()
    {
        var path = TempFile(Lines("models:", "  wide: {preset: mlp_300_100}", "experiments: []"));
        try
        {
            var (code, output, error) = Run("summary", "wid", "--file", path);
            Assert.Equal((2, ""), (code, output));
            Assert.Equal(Lines(
                "unknown model \"wid\" — did you mean \"wide\"?",
                "presets: lenet, lenet_bn1, lenet_bn2, lenet_fc_bn1, lenet_fc_bn2, lenet5, lenet5_bn_all, mlp_300_100, mlp_300_100_bn, mlp_300_100_bn_after, mlp_300_100_bn_before, ioffe_mlp, ioffe_mlp_bn",
                $"models in {path}: wide"), error);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_missing_argument_is_a_usage_error_with_exit_2()
    {
        var (code, _, error) = Run("summary");
        Assert.Equal((2, Lines("Required argument missing for command: 'summary'.", "see: normlab summary --help")), (code, error));
    }
}
