using System.Globalization;
using LanguageExt;
using static LanguageExt.Prelude;

namespace NormLab.Core.Reports;

/// <summary>
/// The BN effect of an experiment in one sentence, computed from the table (never hand-written). The baseline is the
/// first variant without BN; every BN variant is compared with it. When all variants use BN (e.g. BN before vs after
/// the activation) or none does, each is compared with the first. Accuracy differences are in percentage points,
/// time differences in percent of the baseline's time per epoch.
/// </summary>
public static class BnEffect
{
    public static string Sentence(Seq<ResultRow> rows)
    {
        var measured = rows.Filter(r => r.TestAccuracy.IsSome);
        if (measured.IsEmpty) return "No run has finished with a test accuracy yet.";
        if (measured.Count == 1)
        {
            var only = measured.Head;
            var reported = from r in only.ReportedTestAccuracy from d in only.DeltaPoints
                           select $"; the source study reported {F4(r)} ({Points(d)})";
            return $"Only {only.Variant} ({(only.UsesBn ? "with" : "without")} BN) has results: test accuracy {Acc(only)}{reported.IfNone("")}.";
        }

        var noBn = measured.Filter(r => !r.UsesBn);
        var bn = measured.Filter(r => r.UsesBn);
        if (!noBn.IsEmpty && bn.Count == 1)
        {
            var (with, without) = (bn.Head, noBn.Head);
            return $"With BN, test accuracy is {Acc(with)} vs {Acc(without)} without ({Points(Diff(with, without))}){Time(with, without, "; time per epoch ")}.";
        }
        if (!noBn.IsEmpty)
        {
            var baseline = noBn.Head;
            return $"Against {baseline.Variant} without BN ({Acc(baseline)}), test accuracy with BN is "
                   + string.Join("; ", bn.Map(r => $"{Acc(r)} for {r.Variant} ({Points(Diff(r, baseline))}{Time(r, baseline, ", time per epoch ")})"))
                   + ".";
        }
        var first = measured.Head;
        var prefix = bn.IsEmpty ? "No variant uses BN" : "All variants use BN";
        return $"{prefix}; against {first.Variant} ({Acc(first)}), test accuracy is "
               + string.Join("; ", measured.Tail.Map(r => $"{Acc(r)} for {r.Variant} ({Points(Diff(r, first))}{Time(r, first, ", time per epoch ")})"))
               + ".";
    }

    private static double Diff(ResultRow a, ResultRow b) =>
        (a.TestAccuracy.Map(e => e.Mean).IfNone(0) - b.TestAccuracy.Map(e => e.Mean).IfNone(0)) * 100;

    private static string Acc(ResultRow r) => r.TestAccuracy.Map(e => e.Format()).IfNone("n/a");

    private static string Points(double d) => d.ToString("+0.00;-0.00;+0.00", CultureInfo.InvariantCulture) + " points";

    private static string Time(ResultRow a, ResultRow baseline, string lead) =>
        (from ta in a.SecondsPerEpoch
         from tb in baseline.SecondsPerEpoch
         where tb.Mean > 0
         select lead + ((ta.Mean / tb.Mean - 1) * 100).ToString("+0.0;-0.0;+0.0", CultureInfo.InvariantCulture) + "%").IfNone("");

    private static string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
