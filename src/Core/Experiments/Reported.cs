namespace NormLab.Core.Experiments;

/// <summary>A source study's own numbers for one variant, shown beside ours in reports (nothing is checked against them).</summary>
public sealed record ReportedResult(Option<double> TestAccuracy = default, Option<double> WallSeconds = default);
