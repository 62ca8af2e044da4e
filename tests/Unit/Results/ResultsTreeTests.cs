using NormLab.Host.Results;
using NormLab.Tests.Unit.Data;
using Xunit;

namespace NormLab.Tests.Unit.Results;

public sealed class ResultsTreeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Run(string experiment, string variant, long seed, RunStatus? status)
    {
        var dir = RunResultReader.RunDir(_dir.Path, experiment, variant, seed);
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, "config.yaml"), $"name: {experiment}\n");
        using (var m = new MetricsCsvWriter(Path.Combine(dir, MetricsCsv.FileName)))
            m.Append(10, 0.5, MetricsSplit.Test, 0.3, 0.9, 1.0);
        if (status is { } s)
            SummaryJson.Write(Path.Combine(dir, SummaryJson.FileName), new RunSummary
            {
                Experiment = experiment, Variant = variant, Seed = seed, Status = s, Steps = 10, TestAccuracy = 0.9,
            });
    }

    [Fact]
    public void Scan_orders_variants_as_declared_and_seeds_numerically()
    {
        ExperimentJson.Write(_dir["lenet/experiment.json"], new ExperimentManifest { Name = "lenet", Variants = ["lenet", "lenet_bn1", "lenet_bn2"] });
        Run("lenet", "lenet_bn2", 10, RunStatus.Complete);
        Run("lenet", "lenet_bn2", 2, RunStatus.Complete);
        Run("lenet", "lenet", 1, RunStatus.Diverged);
        Run("lenet", "lenet_bn1", 1, null); // still running: no summary yet
        Run("ioffe", "bn", 0, RunStatus.Complete);
        Directory.CreateDirectory(_dir["lenet/figures"]); // not a variant: no seed folders

        var tree = ResultsTree.Scan(_dir.Path);
        Assert.Empty(tree.Problems);
        Assert.Equal(["ioffe", "lenet"], tree.Experiments.Select(e => e.Name));
        var lenet = tree.Experiments[1];
        Assert.Equal("lenet", lenet.Manifest!.Name);
        Assert.Equal(["lenet", "lenet_bn1", "lenet_bn2"], lenet.Variants.Select(v => v.Name));
        Assert.Equal([2L, 10L], lenet.Variants[2].Seeds.Select(s => s.Seed));
        Assert.Null(lenet.Variants[1].Seeds[0].Summary);
        Assert.Equal(RunStatus.Diverged, lenet.Variants[0].Seeds[0].Summary!.Status);
        Assert.Null(tree.Experiments[0].Manifest);
    }

    [Fact]
    public void Broken_summary_is_a_problem_not_a_crash()
    {
        Run("e", "v", 1, RunStatus.Complete);
        var bad = RunResultReader.RunDir(_dir.Path, "e", "v", 2);
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, "summary.json"), "{\"experiment\": ");
        var tree = ResultsTree.Scan(_dir.Path);
        var seeds = tree.Experiments.Single().Variants.Single().Seeds;
        Assert.NotNull(seeds[0].Summary);
        Assert.NotNull(seeds[1].Problem);
        Assert.StartsWith(Path.Combine(bad, "summary.json"), Assert.Single(tree.Problems));
        Assert.False(RunResultReader.IsComplete(bad));
    }

    [Fact]
    public void Run_reader_returns_every_file_and_resume_needs_complete()
    {
        Run("e", "v", 3, RunStatus.Complete);
        Run("e", "v", 4, RunStatus.Cancelled);
        Run("e", "v", 5, null);
        var dir = RunResultReader.RunDir(_dir.Path, "e", "v", 3);
        Assert.Equal(Path.Combine(_dir.Path, "e", "v", "seed-3"), dir);

        var run = RunResultReader.Read(dir);
        Assert.True(run.IsComplete);
        Assert.Equal("name: e\n", run.ConfigYaml);
        Assert.Equal([new MetricsRow(10, 0.5, MetricsSplit.Test, 0.3, 0.9, 1.0)], run.Metrics);
        Assert.Empty(run.Probes);

        Assert.True(RunResultReader.IsComplete(dir));
        Assert.False(RunResultReader.IsComplete(RunResultReader.RunDir(_dir.Path, "e", "v", 4)));
        Assert.False(RunResultReader.IsComplete(RunResultReader.RunDir(_dir.Path, "e", "v", 5)));
        Assert.False(RunResultReader.IsComplete(RunResultReader.RunDir(_dir.Path, "e", "v", 6)));
    }

    [Fact]
    public void Missing_results_folder_is_reported()
    {
        var tree = ResultsTree.Scan(_dir["nope"]);
        Assert.Empty(tree.Experiments);
        Assert.Equal($"{_dir["nope"]}: no such results folder", Assert.Single(tree.Problems));
    }
}
