using LanguageExt;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using NormLab.Engine.Compilation;
using NormLab.Host.Running;
using NormLab.Host.Yaml;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Running;

/// <summary>A fact that needs CUDA: skipped, with the reason, where <c>torch.cuda.is_available()</c> is false (TorchSharp-cpu).</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!torch.cuda.is_available())
            Skip = "CUDA is not available (this build uses TorchSharp-cpu, or there is no GPU): see README, \"Device\"";
    }
}

/// <summary><c>device: cpu | cuda | auto</c>: the key in defaults and experiments, <c>--device</c>, resolution and its errors.</summary>
public sealed class DeviceTests(ITestOutputHelper output)
{
    static string File(string? defaults, string? experiment, string? variant = null) => string.Join("\n",
        new[]
        {
            defaults is null ? "" : $"defaults: {{device: {defaults}}}",
            "experiments:",
            "  - name: e1",
            "    dataset: mnist",
            "    model: ioffe_mlp",
            "    optimizer: {type: sgd, lr: 0.1}",
            "    steps: 10",
            experiment is null ? "" : $"    device: {experiment}",
            variant is null ? "" : $"    variants: {{v: {{device: {variant}}}}}",
            "  - name: e2",
            "    dataset: mnist",
            "    model: ioffe_mlp",
            "    optimizer: {type: sgd, lr: 0.1}",
            "    steps: 10",
        }.Where(l => l.Length > 0)) + "\n";

    static Seq<RunPlan> Plans(string text) =>
        YamlDocuments.ReadPlans(text, PlanFilter.All).Match(r => r.Plans, p => throw new Xunit.Sdk.XunitException(string.Join("\n", p)));

    static string Problems(string text) =>
        YamlDocuments.ReadPlans(text, PlanFilter.All).Match(_ => "", p => string.Join("\n", p));

    [Fact]
    public void Unset_is_cpu_the_experiment_wins_over_defaults()
    {
        Assert.All(Plans(File(null, null)), p => Assert.Equal(DeviceKind.Cpu, p.Device));
        var plans = Plans(File("auto", "cuda"));
        Assert.Equal(DeviceKind.Cuda, plans.Find(p => p.ExperimentName == "e1").Map(p => p.Device));
        Assert.Equal(DeviceKind.Auto, plans.Find(p => p.ExperimentName == "e2").Map(p => p.Device));
        var file = YamlDocuments.ReadExperiments(File("auto", "cpu")).Match(r => r.File, p => throw new Xunit.Sdk.XunitException(string.Join("\n", p)));
        Assert.Equal(Some(DeviceKind.Cpu), file.Experiments[0].Device);
        Assert.Equal(file, YamlDocuments.ReadExperiments(YamlDocuments.WriteExperiments(file)).Match(r => r.File, _ => throw new Xunit.Sdk.XunitException("does not read back")));
    }

    [Fact]
    public void An_unknown_device_is_a_problem_at_its_path_listing_the_allowed_values()
    {
        var inExperiment = Problems(File(null, "gpu"));
        Assert.Contains("experiments[0].device", inExperiment);
        Assert.Contains("unknown device \"gpu\"", inExperiment);
        Assert.Contains("cpu, cuda, auto", inExperiment);
        var inDefaults = Problems(File("cude", null));
        Assert.Contains("defaults.device", inDefaults);
        Assert.Contains("did you mean \"cuda\"", inDefaults);
        Assert.Contains("\"device\" cannot be set per variant", Problems(File(null, null, variant: "cpu")));
    }

    [Fact]
    public void Config_yaml_records_the_device_and_reads_back()
    {
        foreach (var device in new[] { DeviceKind.Cpu, DeviceKind.Cuda, DeviceKind.Auto })
        {
            var plan = Plans(File(null, null))[0] with { Device = device };
            var text = YamlDocuments.WriteRunPlan(plan);
            Assert.Contains($"\ndevice: {device.Name()}\n", text);
            Assert.Equal(plan, YamlDocuments.ReadRunPlan(text).Match(p => p, p => throw new Xunit.Sdk.XunitException(string.Join("\n", p))));
        }
        // A config.yaml from before devices were recorded ran on the CPU.
        var old = YamlDocuments.WriteRunPlan(Plans(File(null, null))[0]).Replace("device: cpu\n", "");
        Assert.Equal(DeviceKind.Cpu, YamlDocuments.ReadRunPlan(old).Match(p => p.Device, _ => DeviceKind.Auto));
    }

    [Fact]
    public void Resolution_auto_follows_availability_and_the_flag_overrides_the_file()
    {
        var plans = Plans(File("auto", "cpu"));
        var without = DeviceResolution.Apply(plans, None, cudaAvailable: false).Match(p => p, e => throw new Xunit.Sdk.XunitException(string.Join("\n", e)));
        Assert.All(without, p => Assert.Equal(DeviceKind.Cpu, p.Device));
        var with = DeviceResolution.Apply(plans, None, cudaAvailable: true).Match(p => p, e => throw new Xunit.Sdk.XunitException(string.Join("\n", e)));
        Assert.Equal(Seq(DeviceKind.Cpu, DeviceKind.Cuda), with.Map(p => p.Device).Distinct().ToSeq());
        var cli = DeviceResolution.Apply(plans, Some(DeviceKind.Cuda), cudaAvailable: true).Match(p => p, e => throw new Xunit.Sdk.XunitException(string.Join("\n", e)));
        Assert.All(cli, p => Assert.Equal(DeviceKind.Cuda, p.Device));
        var cliCpu = DeviceResolution.Apply(Plans(File("cuda", null)), Some(DeviceKind.Cpu), cudaAvailable: false);
        Assert.True(cliCpu.IsRight);
    }

    [Fact]
    public void Auto_resolves_to_cpu_here_and_cuda_is_a_clear_error_naming_the_experiment()
    {
        if (torch.cuda.is_available())
        {
            output.WriteLine("CUDA is available here: auto resolves to cuda and the no-CUDA error cannot be shown; checked with cudaAvailable: false above");
            return;
        }
        var auto = DeviceResolution.Apply(Plans(File("auto", null)), None, DeviceResolution.CudaAvailable());
        Assert.All(auto.Match(p => p, _ => Seq<RunPlan>()), p => Assert.Equal(DeviceKind.Cpu, p.Device));
        Assert.True(auto.IsRight);
        var errors = DeviceResolution.Apply(Plans(File(null, "cuda")), None, DeviceResolution.CudaAvailable())
            .Match(_ => Seq<string>(), e => e);
        var line = Assert.Single(errors);
        Assert.Contains("experiment \"e1\"", line);
        Assert.Contains("TorchSharp's CUDA package", line);
        Assert.Contains("README, \"Device\"", line);
        Assert.Contains("cpu or auto", line);
        var fromCli = DeviceResolution.Apply(Plans(File(null, null)), Some(DeviceKind.Cuda), false).Match(_ => Seq<string>(), e => e);
        Assert.Equal(2, fromCli.Count);
        Assert.All(fromCli, l => Assert.Contains("--device cuda", l));
    }

    [Fact]
    public async Task Run_with_device_cuda_exits_2_before_training_where_there_is_no_cuda()
    {
        if (torch.cuda.is_available())
        {
            output.WriteLine("CUDA is available here: nothing to refuse");
            return;
        }
        var file = Path.GetTempFileName();
        var outDir = Path.Combine(Path.GetTempPath(), "normlab-device-" + Guid.NewGuid().ToString("N"));
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            System.IO.File.WriteAllText(file, File(null, "cuda"));
            var code = await NormLab.Host.Cli.RunVerb.RunAsync(new RunOptions(file, PlanFilter.All, outDir, false, false));
            Assert.Equal(2, code);
            Assert.Contains("experiment \"e1\": device cuda but CUDA is not available", error.ToString());
            Assert.False(Directory.Exists(outDir), "no run folder is made before the device is settled");
        }
        finally
        {
            Console.SetError(previous);
            System.IO.File.Delete(file);
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public void The_device_flag_accepts_cpu_cuda_auto_only()
    {
        var verb = new NormLab.Host.Cli.RunVerb(new NormLab.Host.Cli.ExperimentFiles(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build())).Command;
        foreach (var ok in DeviceKinds.Names) Assert.Empty(verb.Parse(["--device", ok]).Errors);
        var bad = verb.Parse(["--device", "gpu"]).Errors;
        Assert.NotEmpty(bad);
        output.WriteLine(string.Join("\n", bad.Select(e => e.Message)));
        Assert.Contains(bad, e => e.Message.Contains("gpu"));
    }

    [CudaFact]
    public void A_network_trains_a_step_on_cuda()
    {
        var network = new Network("cuda", Seq1(4), Seq<Layer>(new Dense(3), new BatchNorm(), new Activation(ActivationKind.Relu), new Dense(2)));
        using var net = Interpreter.CompileValid(network, 1, DeviceResolution.Torch(DeviceKind.Cuda));
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(8, 4, device: torch.CUDA);
        var logits = net.ForwardLogits(x);
        Assert.Equal(DeviceType.CUDA, logits.device_type);
    }
}
