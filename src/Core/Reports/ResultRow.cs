using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// One line of an experiment's results table. Estimates are over the runs that finished ("complete"); diverged,
/// cancelled or failed runs are counted and explained in <see cref="Problems"/> instead of being averaged in.
/// <see cref="DeltaPoints"/> is our mean test accuracy minus the reported one, in percentage points.
/// </summary>
public sealed record ResultRow(
    string Variant,
    bool UsesBn,
    string BnConvention,
    int Runs,
    int Complete,
    Option<Estimate> TestAccuracy,
    Option<Estimate> BestValAccuracy,
    Option<Estimate> WallSeconds,
    Option<Estimate> SecondsPerEpoch,
    Option<Estimate> ImagesPerSecond,
    Option<double> ReportedTestAccuracy,
    Option<double> DeltaPoints,
    Option<double> ReportedWallSeconds,
    Seq<string> Problems);
