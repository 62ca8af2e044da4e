using LanguageExt;
using NormLab.Core.Experiments;
using NormLab.Core.Reports;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Studies;

/// <summary>In-memory study results: runs named as sweeps name them, with the accuracies and curves a test needs.</summary>
internal static class StudyKit
{
    public static RunSummary Summary(double testAccuracy, string status = "complete", long steps = 1000, long trainable = 1000) =>
        new(status, status == "diverged" ? Some(10L) : None, None, Some(steps), Some(1.0), Some(testAccuracy), None, None, None,
            Some(10.0), Some(10.0), Some(5000.0), Some(2000L), "torch", Some(trainable));

    public static RunData Run(string variant, int seed, double accuracy, string status = "complete", Seq<MetricRow> metrics = default,
        Seq<ProbeRow> probes = default, long steps = 1000, long trainable = 1000) =>
        new(variant, seed, metrics, probes, Some(Summary(accuracy, status, steps, trainable)), None, Seq<string>());

    /// <summary>Three seeds of one run variant with the given final accuracies.</summary>
    public static Seq<RunData> Seeds(string variant, params double[] accuracies) =>
        accuracies.Select((a, i) => Run(variant, i + 1, a)).ToSeq().Strict();

    public static ExperimentData Experiment(StudyAnalysis analysis, params Seq<RunData>[] runs)
    {
        var all = runs.ToSeq().Bind(r => r).Strict();
        var info = new ExperimentInfo("study", "a study", "fashion-mnist", "training", HashMap<string, Reported>(),
            all.Map(r => r.Variant).Distinct().ToSeq().Strict(), Seq(1, 2, 3), Seq<string>(),
            Study: Some(new StudySpec("Someone 2018, a paper", "the paper's claim", analysis)));
        return new ExperimentData(info, all);
    }

    public static MetricRow Test(long step, double accuracy) => new(step, step / 1000.0, Split.Test, Some(0.5), Some(accuracy), step * 0.01);

    public static MetricRow Train(long step, double accuracy) => new(step, step / 1000.0, Split.Train, Some(0.5), Some(accuracy), step * 0.01);
}
