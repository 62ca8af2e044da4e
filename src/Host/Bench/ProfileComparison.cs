using System.Text.Json;
using NormLab.Torch;

namespace NormLab.Host.Bench;

/// <summary>
/// One side's run under libtorch's op profiler (<c>profile N</c> of the worker protocol): wall time, units (optimizer
/// steps, or passes for inference) and the per-op totals. Self time is time inside an op minus the ops it called, on the
/// thread that called it; what the wall clock has beyond the sum of self times is spent outside libtorch's ops — the
/// Python interpreter or the .NET runtime and binding, data batching, metrics.
/// </summary>
public sealed record ProfiledRun(double Seconds, long Units, IReadOnlyList<OpTime> Ops)
{
    public double WallMsPerUnit => Seconds * 1e3 / Units;

    public double InsideOpsMsPerUnit => Ops.Sum(o => o.SelfMicros) / 1e3 / Units;

    public double OutsideOpsMsPerUnit => WallMsPerUnit - InsideOpsMsPerUnit;

    public OpTime? Find(string name) => Ops.FirstOrDefault(o => o.Name == name);

    /// <summary>Reads a worker's reply: <c>{"seconds", "steps", "ops": [{"name", "calls", "selfUs", "totalUs"}]}</c>.</summary>
    public static ProfiledRun FromReply(JsonElement reply) => new(
        reply.GetProperty("seconds").GetDouble(),
        reply.GetProperty("steps").GetInt64(),
        reply.GetProperty("ops").EnumerateArray()
            .Select(o => new OpTime(o.GetProperty("name").GetString() ?? "?", o.GetProperty("calls").GetInt64(),
                o.GetProperty("selfUs").GetDouble(), o.GetProperty("totalUs").GetDouble()))
            .OrderByDescending(o => o.SelfMicros)
            .ToArray());
}

/// <summary>One op name on both sides, per unit (step or pass): self milliseconds and calls.</summary>
public sealed record OpRow(string Name, double NormLabMs, double NormLabCalls, double PyTorchMs, double PyTorchCalls)
{
    /// <summary>NormLab minus PyTorch: positive where NormLab spends more.</summary>
    public double DifferenceMs => NormLabMs - PyTorchMs;
}

/// <summary>Both sides of one workload under the profiler.</summary>
public sealed record ProfileComparison(BenchWorkload Workload, ProfiledRun NormLab, ProfiledRun PyTorch)
{
    /// <summary>The <paramref name="top"/> op names with the most self time on either side, by that time.</summary>
    public IReadOnlyList<OpRow> Rows(int top) =>
        NormLab.Ops.Select(o => o.Name).Union(PyTorch.Ops.Select(o => o.Name))
            .Select(Row)
            .OrderByDescending(r => Math.Max(r.NormLabMs, r.PyTorchMs))
            .Take(top)
            .ToArray();

    private OpRow Row(string name)
    {
        var n = NormLab.Find(name);
        var p = PyTorch.Find(name);
        return new OpRow(name,
            (n?.SelfMicros ?? 0) / 1e3 / NormLab.Units, (double)(n?.Calls ?? 0) / NormLab.Units,
            (p?.SelfMicros ?? 0) / 1e3 / PyTorch.Units, (double)(p?.Calls ?? 0) / PyTorch.Units);
    }
}
