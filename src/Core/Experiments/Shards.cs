using NormLab.Core.Networks;

namespace NormLab.Core.Experiments;

/// <summary>Shard K of N (1 ≤ K ≤ N), as <c>--shard K/N</c> and a Slurm array task name it.</summary>
public sealed record ShardSpec(int Index, int Count)
{
    public override string ToString() => $"{Format.Number(Index)}/{Format.Number(Count)}";
}

/// <summary>
/// A deterministic partition of a run plan into N shards, balanced by each run's estimated cost, so that N processes —
/// on any machines that share the results folder — together train exactly the runs of one process. Pure: the same plan
/// and N give the same partition on every machine, which is what lets each Slurm array task pick its runs alone.
/// </summary>
public static class Shards
{
    /// <summary><c>K/N</c> with 1 ≤ K ≤ N; otherwise a one-line message naming the fix.</summary>
    public static Either<string, ShardSpec> Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            return $"--shard {text}: expected K/N with whole numbers, e.g. --shard 1/4 for the first of four shards";
        if (n < 1) return $"--shard {text}: N must be at least 1 (got {Format.Number(n)})";
        if (k < 1 || k > n) return $"--shard {text}: K must be between 1 and {Format.Number(n)} (got {Format.Number(k)}); shards are numbered 1 to N";
        return new ShardSpec(k, n);
    }

    /// <summary>
    /// A run's estimated cost: optimizer steps × batch size × parameters — proportional to the multiply-adds of training
    /// for the dense and convolutional networks NormLab runs (a convolution's weights are reused over its positions, so
    /// this under-weights conv nets; the partition only needs costs in the right order).
    /// </summary>
    public static double Cost(RunPlan plan)
    {
        var parameters = ShapeInference.Infer(plan.Network).Match(s => s.TotalParams, _ => 1L);
        return (double)plan.TotalSteps * plan.BatchSize * Math.Max(1, parameters);
    }

    /// <summary>
    /// The shard (0-based) of every run: longest-processing-time first — runs by falling cost (ties: plan order) each go to
    /// the shard with the least cost so far (ties: the lowest shard) — which keeps the longest shard within 4/3 of the
    /// best possible.
    /// </summary>
    public static int[] Assign(IReadOnlyList<double> costs, int shardCount)
    {
        var assignment = new int[costs.Count];
        var load = new double[shardCount];
        var order = Enumerable.Range(0, costs.Count).OrderByDescending(i => costs[i]).ThenBy(i => i);
        foreach (var i in order)
        {
            var best = 0;
            for (var s = 1; s < shardCount; s++)
                if (load[s] < load[best]) best = s;
            assignment[i] = best;
            load[best] += costs[i];
        }
        return assignment;
    }

    /// <summary>The runs of shard <paramref name="shard"/>, in plan order.</summary>
    public static Seq<RunPlan> Select(Seq<RunPlan> plans, ShardSpec shard)
    {
        var list = plans.ToList();
        var assignment = Assign(list.Select(Cost).ToList(), shard.Count);
        return list.Where((_, i) => assignment[i] == shard.Index - 1).ToSeq().Strict();
    }
}
