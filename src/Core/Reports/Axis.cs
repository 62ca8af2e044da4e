using LanguageExt;

namespace NormLab.Core.Reports;

/// <summary>
/// One axis of a chart: its label carries the unit ("test accuracy (fraction)", "training steps"), the range is what the
/// plot area spans, the ticks are where labelled grid lines go. On a log axis Min, Max and Ticks are data values (not
/// their logarithms); the renderer maps them through log10.
/// </summary>
public sealed record Axis(string Label, double Min, double Max, Seq<double> Ticks, bool Log = false)
{
    /// <summary>A linear axis whose range and ticks are the "nice" cover of [lo, hi] (see <see cref="NiceTicks"/>).</summary>
    public static Axis Nice(string label, double lo, double hi, int targetTicks = 6)
    {
        var ticks = NiceTicks.Linear(lo, hi, targetTicks);
        return new Axis(label, ticks.Head, ticks.Last, ticks);
    }

    /// <summary>A log10 axis spanning whole decades around [lo, hi] (both must be &gt; 0).</summary>
    public static Axis NiceLog(string label, double lo, double hi)
    {
        var ticks = NiceTicks.Decades(lo, hi);
        return new Axis(label, ticks.Head, ticks.Last, ticks, Log: true);
    }
}
