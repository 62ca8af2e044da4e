using LanguageExt;
using NormLab.Core.Reports;
using static LanguageExt.Prelude;

namespace NormLab.Tests.Unit.Reports;

/// <summary>In-memory results for exact-value tests.</summary>
internal static class Build
{
    public static RunSummary Summary(double testAccuracy, double secondsPerEpoch, string bn, string status = "complete") =>
        new(status, None, None, Some(1000L), Some(10.0), Some(testAccuracy), None, Some(testAccuracy + 0.001), None,
            Some(secondsPerEpoch * 10), Some(secondsPerEpoch), Some(5000.0), Some(1000L), bn);

    public static RunData Run(string variant, int seed, Seq<MetricRow> metrics, Option<RunSummary> summary = default, Seq<ProbeRow> probes = default) =>
        new(variant, seed, metrics, probes, summary, Some($"variant: {variant}\nseed: {seed}\n"), new[] { $"exp/{variant}/seed-{seed}/metrics.csv" }.ToSeq());

    public static MetricRow Val(long step, double epoch, double acc, double loss) => new(step, epoch, Split.Val, Some(loss), Some(acc), step * 0.01);

    public static ExperimentData Experiment(Seq<string> variants, params RunData[] runs) =>
        new(new ExperimentInfo("exp", "an experiment", "mnist", "classification", HashMap<string, Reported>(), variants, Seq(0, 1), Empty), runs.ToSeq());
}
