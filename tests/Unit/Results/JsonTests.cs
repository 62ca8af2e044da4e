using System.Text.Json.Nodes;
using NormLab.Host.Results;
using NormLab.Tests.Unit.Data;
using Xunit;

namespace NormLab.Tests.Unit.Results;

public sealed class JsonTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RunSummary Sample() => new()
    {
        Experiment = "fashion-mlp-bn",
        Variant = "with-bn",
        Seed = 1,
        Status = RunStatus.Complete,
        Steps = 17190,
        Epochs = 10,
        TestAccuracy = 0.8921,
        TestLoss = 0.31,
        BestValAccuracy = 0.9012,
        FinalTrainAccuracy = 0.93,
        WallSeconds = 82.5,
        SecondsPerEpoch = 8.25,
        ImagesPerSecond = 6666.7,
        Params = new ParamCounts(271346, 268978, 2368),
        BnConvention = "keras",
        Device = "cpu",
        TorchSharpVersion = "0.107.0",
        LibtorchVersion = "2.10.0+cpu",
    };

    [Fact]
    public void Summary_round_trips_with_contract_names()
    {
        var path = _dir["summary.json"];
        SummaryJson.Write(path, Sample());
        var json = File.ReadAllText(path);
        var node = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(
            ["experiment", "variant", "seed", "status", "divergedAtStep", "message", "steps", "epochs", "testAccuracy", "testLoss",
             "bestValAccuracy", "finalTrainAccuracy", "wallSeconds", "secondsPerEpoch", "imagesPerSecond", "params", "bnConvention",
             "device", "torchSharpVersion", "libtorchVersion", "preciseBn"],
            node.Select(p => p.Key));
        Assert.Equal("complete", (string?)node["status"]);
        Assert.Null(node["divergedAtStep"]);
        Assert.Equal(2368, (long)node["params"]!["nonTrainable"]!);
        Assert.Equal(0.8921, (double)node["testAccuracy"]!);
        Assert.Equal("cpu", (string?)node["device"]);
        Assert.Equal(Sample() with { Params = Sample().Params }, SummaryJson.Read(path) with { Extra = null });
    }

    [Fact]
    public void Precise_bn_results_round_trip_beside_the_conventions_own()
    {
        var path = _dir["summary.json"];
        var withPrecise = Sample() with { PreciseBn = new PreciseBnResult(200, 0.8934, 0.305, 0.9021, double.NaN) };
        SummaryJson.Write(path, withPrecise);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(["batches", "testAccuracy", "testLoss", "valAccuracy", "valLoss"], node["preciseBn"]!.AsObject().Select(p => p.Key));
        Assert.Equal(0.8934, (double)node["preciseBn"]!["testAccuracy"]!);
        Assert.Null(node["preciseBn"]!["valLoss"]);   // non-finite: null, like every other metric
        Assert.Equal(withPrecise with { PreciseBn = withPrecise.PreciseBn! with { ValLoss = null } }, SummaryJson.Read(path) with { Extra = null });
    }

    [Fact]
    public void Diverged_run_writes_null_for_non_finite_values()
    {
        var diverged = Sample() with
        {
            Status = RunStatus.Diverged, DivergedAtStep = 312, Message = "loss became NaN at step 312",
            TestAccuracy = null, TestLoss = double.NaN, FinalTrainAccuracy = double.PositiveInfinity,
        };
        var json = SummaryJson.Serialize(diverged);
        Assert.Contains("\"status\": \"diverged\"", json);
        Assert.Contains("\"divergedAtStep\": 312", json);
        Assert.Contains("\"testLoss\": null", json);
        var back = SummaryJson.Deserialize(json);
        Assert.Equal((RunStatus.Diverged, 312L, (double?)null, (double?)null), (back.Status, back.DivergedAtStep, back.TestLoss, back.FinalTrainAccuracy));
    }

    [Fact]
    public void Unknown_fields_survive_a_round_trip_and_bad_files_are_named()
    {
        var json = SummaryJson.Serialize(Sample()).Replace("\"bnConvention\"", "\"gpu\": \"H100\",\n  \"bnConvention\"");
        var back = SummaryJson.Deserialize(json);
        Assert.Equal("H100", back.Extra!["gpu"].GetString());
        Assert.Contains("\"gpu\": \"H100\"", SummaryJson.Serialize(back));

        var path = _dir["summary.json"];
        File.WriteAllText(path, """{"experiment":"e","variant":"v","status":"complete"}""");
        var e = Assert.Throws<ResultsFormatException>(() => SummaryJson.Read(path));
        Assert.StartsWith($"{path}", e.Message);
        Assert.Contains("seed", e.Message);

        File.WriteAllText(path, """{"experiment":"e","variant":"v","seed":1,"status":"exploded"}""");
        Assert.StartsWith($"{path}", Assert.Throws<ResultsFormatException>(() => SummaryJson.Read(path)).Message);
    }

    [Fact]
    public void Experiment_manifest_round_trips_keeping_variant_names_and_figures()
    {
        var manifest = new ExperimentManifest
        {
            Name = "fashion-mlp-bn",
            Description = "Fashion-MNIST MLP 300-100, LeakyReLU, he_normal, SGD, 10 epochs",
            Dataset = "fashion-mnist",
            Kind = "mlp",
            Reported = new Dictionary<string, ReportedResult>
            {
                ["no-bn"] = new() { TestAccuracy = 0.8732, WallSeconds = 82.0 },
                ["With BN"] = new() { TestAccuracy = 0.8920, WallSeconds = 82.7 },
            },
            Variants = ["no-bn", "With BN"],
            Seeds = [1, 2, 3],
            Figures = new JsonArray(new JsonObject { ["kind"] = "curve", ["metric"] = "valAccuracy" }),
        };
        var path = _dir["experiment.json"];
        ExperimentJson.Write(path, manifest);
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(0.892, (double)node["reported"]!["With BN"]!["testAccuracy"]!);
        var back = ExperimentJson.Read(path);
        Assert.Equal(manifest.Variants, back.Variants);
        Assert.Equal(manifest.Seeds, back.Seeds);
        Assert.Equal(82.7, back.Reported["With BN"].WallSeconds);
        Assert.Equal("valAccuracy", (string?)back.Figures![0]!["metric"]);
    }
}
