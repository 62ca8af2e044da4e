using System.Buffers.Binary;
using System.Diagnostics;
using LanguageExt;
using Microsoft.Extensions.Logging.Abstractions;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using NormLab.Engine.Compilation;
using NormLab.Host.Cli;
using NormLab.Host.Results;
using NormLab.Host.Running;
using NormLab.Host.Yaml;
using NormLab.Tests.Unit.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NormLab.Tests.Unit.Results;

/// <summary>
/// model.safetensors: a saved and reloaded network computes the same eval outputs bit for bit and carries its BN
/// buffers (num_batches_tracked included) on; a truncated, corrupt or mismatched file is one line naming the file and
/// the problem, and leaves the network as it was; runs write the file and <c>normlab eval</c> reproduces the test
/// accuracy of summary.json; PyTorch loads the file (where python3 can import torch and safetensors).
/// </summary>
public sealed class ModelWeightsTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Every BN convention and both implementations, a conv, a layer norm and a dropout.</summary>
    private const string AllKinds = """
        name: all_kinds
        inputShape: [1, 6, 6]
        layers:
          - conv2d: {filters: 3, kernel: 3}
          - batch_norm: {convention: torch}
          - activation: relu
          - flatten: {}
          - dense: {units: 8}
          - batch_norm: {convention: cumulative, implementation: scratch}
          - activation: sigmoid
          - dropout: {rate: 0.3}
          - dense: {units: 6}
          - batch_norm: {convention: keras}
          - dense: {units: 5}
          - batch_norm: {convention: window, window: 3}
          - layer_norm: {}
        """;

    /// <summary>Without the window convention, whose ring of recent batch statistics is not part of the state_dict.</summary>
    private const string NoWindow = """
        name: no_window
        inputShape: [1, 6, 6]
        layers:
          - conv2d: {filters: 3, kernel: 3}
          - batch_norm: {convention: cumulative}
          - activation: relu
          - flatten: {}
          - dense: {units: 8}
          - batch_norm: {convention: torch, implementation: scratch}
          - activation: tanh
          - dense: {units: 5}
          - batch_norm: {convention: keras}
        """;

    private static Network Net(string yaml) =>
        YamlDocuments.ReadNetwork(yaml).Match(n => n, p => throw new InvalidOperationException(string.Join("\n", p)));

    private static CompiledNetwork Compile(string yaml, ulong seed) => Interpreter.CompileValid(Net(yaml), seed);

    /// <summary>A few training forwards (running statistics move, counters grow) and a perturbation of every parameter.</summary>
    private static void Train(CompiledNetwork net, int batches, long seed)
    {
        torch.manual_seed(seed);
        net.train();
        using var _ = torch.no_grad();
        for (var b = 0; b < batches; b++)
        {
            using var scope = torch.NewDisposeScope();
            net.forward(torch.randn(4, 1, 6, 6) * 2 + 0.5);
        }
        using var perturb = torch.NewDisposeScope();
        foreach (var p in net.parameters()) p.add_(torch.randn_like(p) * 0.1);
    }

    private static byte[] EvalOutput(CompiledNetwork net, Tensor input)
    {
        net.eval();
        using var _ = torch.no_grad();
        using var y = net.forward(input);
        return y.bytes.ToArray();
    }

    private static Dictionary<string, byte[]> State(CompiledNetwork net) =>
        net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.bytes.ToArray());

    [Theory]
    [InlineData(AllKinds)]
    [InlineData(NoWindow)]
    public void A_saved_and_reloaded_network_gives_identical_eval_outputs_and_buffers(string yaml)
    {
        var path = dir["model.safetensors"];
        using var trained = Compile(yaml, 1);
        Train(trained, 5, 7);
        ModelWeights.Save(trained, path);

        using var fresh = Compile(yaml, 2);
        using var input = torch.randn(9, 1, 6, 6);
        Assert.NotEqual(EvalOutput(trained, input), EvalOutput(fresh, input));
        ModelWeights.Load(fresh, path);

        Assert.Equal(EvalOutput(trained, input), EvalOutput(fresh, input));
        Assert.Equal(State(trained), State(fresh));
        Assert.All(fresh.BatchNormLayers, bn => Assert.Equal(5, bn.num_batches_tracked));
        Assert.Equal(trained.BatchNormLayers.Select(b => b.num_batches_tracked), fresh.BatchNormLayers.Select(b => b.num_batches_tracked));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp-*"));
    }

    [Fact]
    public void Training_goes_on_from_the_loaded_counters_exactly()
    {
        // The cumulative convention weighs batch k by 1/k from the .NET-side counter: SyncAfterLoad must set it.
        var path = dir["model.safetensors"];
        using var a = Compile(NoWindow, 1);
        Train(a, 3, 7);
        ModelWeights.Save(a, path);
        using var b = Compile(NoWindow, 5);
        ModelWeights.Load(b, path);
        Train(a, 2, 11);
        Train(b, 2, 11);
        Assert.Equal(State(a), State(b));
    }

    [Fact]
    public void The_file_is_safetensors_with_pytorch_names_dtypes_and_shapes()
    {
        var path = dir["model.safetensors"];
        using var net = Compile(NoWindow, 1);
        Train(net, 2, 3);
        ModelWeights.Save(net, path);
        var bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var (entries, _, dataStart) = ModelWeights.ReadFile(path);
        Assert.Equal(8 + headerLength, dataStart);
        Assert.Equal(net.state_dict().Keys, entries.Select(e => e.Name));
        var nbt = entries.Single(e => e.Name == "batch_norm_1.num_batches_tracked");
        Assert.Equal(ScalarType.Int64, nbt.DType);
        Assert.Empty(nbt.Shape);
        Assert.Equal(2, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan((int)(dataStart + nbt.Begin))));
        Assert.Equal(new long[] { 3, 1, 3, 3 }, entries.Single(e => e.Name == "conv2d_1.weight").Shape);
        Assert.Equal(ScalarType.Float32, entries.Single(e => e.Name == "batch_norm_3.running_var").DType);
        // Tensors back to back from offset 0, the last one ending at the end of the file (what safetensors checks).
        long end = 0;
        foreach (var e in entries.OrderBy(e => e.Begin))
        {
            Assert.Equal(end, e.Begin);
            end = e.End;
        }
        Assert.Equal(bytes.Length, dataStart + end);
    }

    public static TheoryData<string, Func<byte[], byte[]>, string> Damaged => new()
    {
        { "empty", _ => [], "truncated: 0 bytes" },
        { "five bytes", b => b[..5], "truncated: 5 bytes" },
        { "cut in the header", b => b[..40], "truncated or not a safetensors file" },
        { "cut in the data", b => b[..(b.Length - 30)], "truncated: tensor" },
        { "last byte missing", b => b[..^1], "truncated: tensor" },
        { "huge header length", b => { var c = (byte[])b.Clone(); BinaryPrimitives.WriteUInt64LittleEndian(c, 1UL << 40); return c; }, "truncated or not a safetensors file" },
        { "header not JSON", b => { var c = (byte[])b.Clone(); c.AsSpan(8, 12).Fill((byte)'#'); return c; }, "corrupt header: not valid JSON" },
        { "header a list", b => { var c = (byte[])b.Clone(); c[8] = (byte)'['; return c; }, "corrupt header: not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public void A_damaged_file_is_one_line_naming_the_file_and_the_network_is_untouched(string what, Func<byte[], byte[]> damage, string expected)
    {
        var good = dir["good.safetensors"];
        var bad = dir[$"{what.Replace(' ', '-')}.safetensors"];
        using (var source = Compile(AllKinds, 1))
        {
            Train(source, 2, 3);
            ModelWeights.Save(source, good);
        }
        File.WriteAllBytes(bad, damage(File.ReadAllBytes(good)));
        using var net = Compile(AllKinds, 9);
        var before = State(net);
        var e = Assert.Throws<ModelWeightsException>(() => ModelWeights.Load(net, bad));
        AssertOneLine(e.Message, bad, expected);
        Assert.Equal(before, State(net));
    }

    [Theory]
    [InlineData("dense: {units: 8}", "dense: {units: 7}", "dense_1.weight has shape [8, 48], the network needs [7, 48]")]
    [InlineData("- layer_norm: {}", "- dense: {units: 5}\n  - layer_norm: {}", "missing dense_4.weight, dense_4.bias")]
    [InlineData("\n  - batch_norm: {convention: keras}", "", "unexpected batch_norm_4.weight, batch_norm_4.bias, batch_norm_4.running_mean, batch_norm_4.running_var and 1 more; batch_norm_3.weight has shape [6], the network needs [5]")]
    [InlineData("- layer_norm: {}", "- layer_norm: {affine: false}", "unexpected layer_norm_1.weight, layer_norm_1.bias")]
    public void A_file_of_another_network_names_each_wrong_key_and_shape(string find, string replace, string expected)
    {
        var path = dir["model.safetensors"];
        using (var source = Compile(AllKinds, 1)) ModelWeights.Save(source, path);
        var other = AllKinds.Replace("name: all_kinds", "name: other").Replace(find, replace);
        Assert.NotEqual(AllKinds.Replace("name: all_kinds", "name: other"), other);
        using var net = Compile(other, 2);
        var before = State(net);
        var e = Assert.Throws<ModelWeightsException>(() => ModelWeights.Load(net, path));
        AssertOneLine(e.Message, path, expected);
        Assert.Contains("does not fit network other", e.Message);
        Assert.Equal(before, State(net));
    }

    [Fact]
    public void A_dtype_mismatch_and_a_missing_file_are_named()
    {
        var path = dir["model.safetensors"];
        using var net = Compile(NoWindow, 1);
        var state = net.state_dict();
        using var asDouble = state["conv2d_1.weight"].to_type(ScalarType.Float64);
        ModelWeights.Save(state.Select(kv => kv.Key == "conv2d_1.weight" ? new KeyValuePair<string, Tensor>(kv.Key, asDouble) : kv), path);
        var e = Assert.Throws<ModelWeightsException>(() => ModelWeights.Load(net, path));
        AssertOneLine(e.Message, path, "conv2d_1.weight is F64, the network needs F32");
        var missing = dir["nothing.safetensors"];
        AssertOneLine(Assert.Throws<ModelWeightsException>(() => ModelWeights.Load(net, missing)).Message, missing, "no such file");
    }

    private static void AssertOneLine(string message, string path, string expected)
    {
        Assert.StartsWith(path + ": ", message);
        Assert.Contains(expected, message);
        Assert.DoesNotContain('\n', message);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Runs and the eval verb, on a generated dataset

    private string RunTinyExperiment()
    {
        var data = dir["data"];
        IdxFiles.WriteDataset(data, train: 192, test: 70, rows: 4, cols: 4);
        var yaml = $$"""
            datasets:
              generated: {source: mnist, dataDir: {{data}}}
            experiments:
              - name: tiny
                dataset: generated
                model:
                  inputShape: [1, 4, 4]
                  layers:
                    - conv2d: {filters: 2, kernel: 2}
                    - batch_norm: {convention: cumulative}
                    - activation: relu
                    - flatten: {}
                    - dense: {units: 12}
                    - batch_norm: {convention: keras, implementation: scratch}
                    - activation: relu
                    - dense: {units: 10}
                    - activation: softmax
                optimizer: {type: adam, lr: 0.01}
                batchSize: 16
                steps: 25
                threads: 1
                seeds: [3]
            """;
        var plans = YamlDocuments.ReadPlans(yaml, PlanFilter.All).Match(r => r.Plans, p => throw new InvalidOperationException(string.Join("\n", p)));
        var runner = new ExperimentRunner(new DatasetProvider(dir.Path, NullLogger.Instance), NullLogger.Instance, TextWriter.Null);
        var outDir = dir["results"];
        var outcome = runner.Run(plans, YamlDocuments.WriteRunPlan, new RunRequest(outDir, false, 1),
            new LineProgress(TextWriter.Null, TimeSpan.FromHours(1)), CancellationToken.None);
        Assert.Equal(0, outcome.ExitCode);
        return RunResultReader.RunDir(outDir, "tiny", "base", 3);
    }

    private static (int Code, string Out, string Err) Eval(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var code = CliApp.RunAsync([new EvalVerb(NullLoggerFactory.Instance)], ["eval", .. args], output, error).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_run_writes_its_weights_and_eval_reproduces_the_recorded_test_accuracy()
    {
        var runDir = RunTinyExperiment();
        var weights = Path.Combine(runDir, ModelWeights.FileName);
        Assert.True(File.Exists(weights));
        var summary = SummaryJson.Read(Path.Combine(runDir, SummaryJson.FileName));
        Assert.True(File.GetLastWriteTimeUtc(weights) <= File.GetLastWriteTimeUtc(Path.Combine(runDir, SummaryJson.FileName)));

        var (code, output, error) = Eval(runDir);
        Assert.True(code == 0, error);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains("tiny/base/seed-3: 70 test images, 16 tensors", lines[0]);
        Assert.Contains(FormattableString.Invariant($"now {summary.TestAccuracy:0.0000}"), lines[1]);
        Assert.EndsWith("(equal)", lines[1]);
        Assert.EndsWith("(equal)", lines[2]);
    }

    [Fact]
    public void Eval_of_a_damaged_or_foreign_weights_file_is_one_line_and_exit_2()
    {
        var runDir = RunTinyExperiment();
        var weights = Path.Combine(runDir, ModelWeights.FileName);
        var good = File.ReadAllBytes(weights);

        File.WriteAllBytes(weights, good[..(good.Length - 10)]);
        var (code, output, error) = Eval(runDir);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        AssertOneLine(error.TrimEnd('\n'), weights, "truncated: tensor");

        using (var other = Compile(NoWindow, 1)) ModelWeights.Save(other, weights);
        (code, _, error) = Eval(runDir);
        Assert.Equal(2, code);
        AssertOneLine(error.TrimEnd('\n'), weights, "does not fit network");

        File.Delete(weights);
        (code, _, error) = Eval(runDir);
        Assert.Equal(2, code);
        AssertOneLine(error.TrimEnd('\n'), weights, "no such file");

        (code, _, error) = Eval(dir["no-such-run"]);
        Assert.Equal(2, code);
        Assert.Contains("no such run folder", error);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // PyTorch

    [PythonTorchFact]
    public void PyTorch_loads_the_file_into_the_same_architecture_and_computes_the_same_outputs()
    {
        var weights = dir["model.safetensors"];
        var io = dir["io.safetensors"];
        using var net = Compile(NoWindow, 1);
        Train(net, 4, 5);
        ModelWeights.Save(net, weights);
        using var input = torch.randn(7, 1, 6, 6);
        net.eval();
        using (torch.no_grad())
        using (var output = net.forward(input))
            ModelWeights.Save([new("input", input), new("output", output)], io);

        var script = dir["load.py"];
        File.WriteAllText(script, """
            import sys, json, struct, torch
            from torch import nn
            try:
                from safetensors.torch import load_file
            except ImportError:
                # Debian 12 ships no python3-safetensors: read the format as its spec defines it (an 8-byte little-endian
                # header length, a JSON header of dtype/shape/data_offsets, raw little-endian data) — what load_file does.
                def load_file(path):
                    raw = open(path, "rb").read()
                    n = struct.unpack("<Q", raw[:8])[0]
                    header = json.loads(raw[8:8 + n])
                    dtypes = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64}
                    out = {}
                    for name, t in header.items():
                        if name == "__metadata__":
                            continue
                        a, b = t["data_offsets"]
                        buf = bytearray(raw[8 + n + a:8 + n + b])
                        out[name] = torch.frombuffer(buf, dtype=dtypes[t["dtype"]]).reshape(t["shape"]).clone()
                    return out
            class Net(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv2d_1 = nn.Conv2d(1, 3, 3)
                    self.batch_norm_1 = nn.BatchNorm2d(3, momentum=None)
                    self.dense_1 = nn.Linear(48, 8)
                    self.batch_norm_2 = nn.BatchNorm1d(8)
                    self.dense_2 = nn.Linear(8, 5)
                    self.batch_norm_3 = nn.BatchNorm1d(5, eps=1e-3)
                def forward(self, x):
                    x = torch.relu(self.batch_norm_1(self.conv2d_1(x))).flatten(1)
                    x = torch.tanh(self.batch_norm_2(self.dense_1(x)))
                    return self.batch_norm_3(self.dense_2(x))
            net = Net()
            net.load_state_dict(load_file(sys.argv[1]), strict=True)
            net.eval()
            io = load_file(sys.argv[2])
            assert int(net.batch_norm_1.num_batches_tracked) == 4, net.batch_norm_1.num_batches_tracked
            with torch.no_grad():
                got = net(io["input"])
            diff = (got - io["output"]).abs().max().item()
            assert diff < 1e-5, diff
            print("ok", diff)
            """);
        var (code, text) = PythonTorchFactAttribute.Python(script, weights, io);
        Assert.True(code == 0, text);
        Assert.StartsWith("ok", text.Trim());
    }
}

/// <summary>A fact that runs only where Debian's <c>python3 -c 'import torch'</c> succeeds (setup --test installs python3-torch).</summary>
public sealed class PythonTorchFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            return Python("-c", "import torch").Code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public PythonTorchFactAttribute()
    {
        if (!Available.Value)
            Skip = "/usr/bin/python3 cannot import torch here (./normlab setup --test installs python3-torch)";
    }

    internal static (int Code, string Text) Python(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }
}
