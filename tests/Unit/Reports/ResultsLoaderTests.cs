using NormLab.Core.Reports;
using NormLab.Host.Reports;
using NormLab.Host.Results;
using NormLab.Tests.Unit.Data;
using Xunit;
using static LanguageExt.Prelude;
using ReportProbeRow = NormLab.Core.Reports.ProbeRow;
using ResultsSummary = NormLab.Host.Results.RunSummary;

namespace NormLab.Tests.Unit.Reports;

/// <summary>
/// The report reads what the results writers write, through the writers' own parsers: a folder written with
/// <see cref="MetricsCsvWriter"/>, <see cref="ProbesCsvWriter"/>, <see cref="SummaryJson"/> and <see cref="ExperimentJson"/>
/// comes back field for field; anything the writers never write is a warning naming file and line.
/// </summary>
public sealed class ResultsLoaderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string RunDir(string variant, int seed) => Directory.CreateDirectory(RunResultReader.RunDir(_dir.Path, "exp", variant, seed)).FullName;

    private void WriteFolder()
    {
        ExperimentJson.Write(Path.Combine(_dir.Path, "exp", ExperimentJson.FileName), new ExperimentManifest
        {
            Name = "exp", Description = "two variants", Dataset = "mnist", Kind = "training",
            Variants = ["plain", "bn"], Seeds = [0],
            Reported = new Dictionary<string, ReportedResult> { ["bn"] = new() { TestAccuracy = 0.97 } },
        });

        var done = RunDir("bn", 0);
        using (var m = new MetricsCsvWriter(Path.Combine(done, MetricsCsv.FileName)))
        {
            m.Append(100, 0.5, MetricsSplit.Train, 0.25, 0.9, 1.5);
            m.Append(100, 0.5, MetricsSplit.Val, null, 0.875, 1.75);
            m.Append(200, 1, MetricsSplit.Test, double.NaN, 0.95, 3);
        }
        using (var p = new ProbesCsvWriter(Path.Combine(done, ProbesCsv.FileName)))
        {
            p.Append(100, "percentiles", "hidden,1", "p15", -1.25);
            p.Append(100, "grad_norm", "dense1", "l2", double.PositiveInfinity);
        }
        File.WriteAllText(Path.Combine(done, RunResultReader.ConfigFileName), "bn: torch\n");
        SummaryJson.Write(Path.Combine(done, SummaryJson.FileName), new ResultsSummary
        {
            Experiment = "exp", Variant = "bn", Seed = 0, Status = RunStatus.Complete,
            Steps = 200, Epochs = 1, TestAccuracy = 0.95, TestLoss = 0.2, BestValAccuracy = 0.875, FinalTrainAccuracy = 0.9,
            WallSeconds = 3, SecondsPerEpoch = 3, ImagesPerSecond = 1000, Params = new ParamCounts(1234, 1200, 34), BnConvention = "torch",
        });

        var diverged = RunDir("plain", 0);
        using (var m = new MetricsCsvWriter(Path.Combine(diverged, MetricsCsv.FileName)))
            m.Append(50, 0.25, MetricsSplit.Train, 9.5, 0.1, 0.5);
        SummaryJson.Write(Path.Combine(diverged, SummaryJson.FileName), new ResultsSummary
        {
            Experiment = "exp", Variant = "plain", Seed = 0, Status = RunStatus.Diverged, DivergedAtStep = 51,
            Message = "loss became NaN at step 51", Steps = 51, Epochs = 0.255, WallSeconds = 0.6, BnConvention = "none",
        });
    }

    private LoadedResults Load() => ResultsLoader.Load(_dir.Path).IfLeft(e => throw new Xunit.Sdk.XunitException(e));

    private RunData Run(LoadedResults loaded, string variant) =>
        loaded.Experiments.Head.Runs.Find(r => r.Variant == variant).IfNone(() => throw new Xunit.Sdk.XunitException($"{variant} missing"));

    [Fact]
    public void A_folder_the_writers_wrote_comes_back_field_for_field()
    {
        WriteFolder();
        var loaded = Load();

        Assert.Empty(loaded.Warnings);
        var info = Assert.Single(loaded.Experiments).Info;
        Assert.Equal(("exp", "two variants", "mnist", "training"), (info.Name, info.Description, info.Dataset, info.Kind));
        Assert.Equal(new[] { "plain", "bn" }, info.Variants.ToArray());
        Assert.Equal(new[] { 0 }, info.Seeds.ToArray());
        Assert.Equal(new Reported(Some(0.97), None), info.Reported["bn"]);

        var bn = Run(loaded, "bn");
        Assert.Equal(
            new[] { new MetricRow(100, 0.5, Split.Train, Some(0.25), Some(0.9), 1.5), new MetricRow(100, 0.5, Split.Val, None, Some(0.875), 1.75) },
            bn.Metrics.Take(2).ToArray());
        var test = bn.Metrics[2];
        Assert.Equal((200L, 1.0, Split.Test, Some(0.95), 3.0), (test.Step, test.Epoch, test.Split, test.Accuracy, test.Time));
        Assert.True(double.IsNaN(test.Loss.IfNone(0)));
        Assert.Equal(
            new[] { new ReportProbeRow(100, "percentiles", "hidden,1", "p15", -1.25), new ReportProbeRow(100, "grad_norm", "dense1", "l2", double.PositiveInfinity) },
            bn.Probes.ToArray());
        Assert.Equal(
            new NormLab.Core.Reports.RunSummary("complete", None, None, Some(200L), Some(1.0), Some(0.95), Some(0.2), Some(0.875), Some(0.9),
                Some(3.0), Some(3.0), Some(1000.0), Some(1234L), "torch", Some(1200L)),
            bn.Summary.IfNone(() => throw new Xunit.Sdk.XunitException("no summary")));
        Assert.Equal(Some("bn: torch\n"), bn.ConfigText);
        Assert.Equal(new[] { "exp/bn/seed-0/config.yaml", "exp/bn/seed-0/metrics.csv", "exp/bn/seed-0/probes.csv", "exp/bn/seed-0/summary.json" }, bn.Files.ToArray());

        var plain = Run(loaded, "plain");
        Assert.Equal(
            new NormLab.Core.Reports.RunSummary("diverged", Some(51L), Some("loss became NaN at step 51"), Some(51L), Some(0.255), None, None, None, None,
                Some(0.6), None, None, Some(0L), "none", Some(0L)),
            plain.Summary.IfNone(() => throw new Xunit.Sdk.XunitException("no summary")));
        Assert.True(plain.Probes.IsEmpty);
        Assert.True(plain.ConfigText.IsNone);
    }

    /// <summary>
    /// The report used to read metrics.csv by column name and guess at spellings ("validation", "Train", missing epoch or
    /// time columns). The writer never writes those, so they are now what they are: problems, each a warning naming
    /// file and line, while the well-formed rows and files around them are still shown.
    /// </summary>
    [Fact]
    public void What_the_writers_never_write_is_a_warning_not_a_guess()
    {
        WriteFolder();
        var bnMetrics = Path.Combine(RunDir("bn", 0), MetricsCsv.FileName);
        File.AppendAllText(bnMetrics, "300,1.5,validation,0.1,0.9,4\n300,1.5,Train,0.1,0.9,4\n300,,train,0.1,0.9,4\n");
        var plainMetrics = Path.Combine(RunDir("plain", 0), MetricsCsv.FileName);
        File.WriteAllText(plainMetrics, "step,split,loss,accuracy\n50,train,9.5,0.1\n");
        var plainSummary = Path.Combine(RunDir("plain", 0), SummaryJson.FileName);
        File.WriteAllText(plainSummary, """{"status":"diverged","steps":51}""");

        var loaded = Load();

        Assert.Equal(
            new[]
            {
                $"{bnMetrics}:5: split 'validation' is not train, val or test",
                $"{bnMetrics}:6: split 'Train' is not train, val or test",
                $"{bnMetrics}:7: epoch is empty",
                $"{plainMetrics}:1: header is 'step,split,loss,accuracy', expected 'step,epoch,split,loss,accuracy,time'",
            },
            loaded.Warnings.Take(4).ToArray());
        Assert.Equal(6, loaded.Warnings.Count);
        Assert.StartsWith($"{plainSummary}:", loaded.Warnings[4]); // the strict parser names what is missing
        Assert.Contains("experiment", loaded.Warnings[4]);
        Assert.Equal($"{RunDir("plain", 0)}: neither metrics.csv nor summary.json; the run has no results yet", loaded.Warnings[5]);

        Assert.Equal(3, Run(loaded, "bn").Metrics.Count); // the written rows survive the bad ones
        Assert.True(Run(loaded, "bn").Summary.IsSome);
        Assert.True(Run(loaded, "plain").Metrics.IsEmpty);
        Assert.True(Run(loaded, "plain").Summary.IsNone);
    }
}
