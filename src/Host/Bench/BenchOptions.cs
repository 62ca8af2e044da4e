namespace NormLab.Host.Bench;

/// <summary>
/// The options of <c>./normlab bench</c>. Everything has the default the CLI wants; tests and other machines override
/// paths. <see cref="Reps"/> null: 5 repetitions (quick: 2). <see cref="Only"/> empty: every workload.
/// <see cref="OutDir"/> null: <c>&lt;repo&gt;/bench</c> (results.md goes there).
/// </summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }
    public int? Reps { get; init; }
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>After the timed repetitions, one more training run per side with a stopwatch around each phase of the step
    /// (data, forward, backward, optimizer); ms per step in results.md.</summary>
    public bool Profile { get; init; }
    public string? OutDir { get; init; }

    /// <summary>The repository root; null: $NORMLAB_ROOT, else upward from the current directory to NormLab.slnx.</summary>
    public string? ProjectRoot { get; init; }

    /// <summary>Intra-op threads on both sides; null: every core of the machine.</summary>
    public int? Threads { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Debian's python, the one with torch 1.13 (a pyenv python3 on PATH has none).</summary>
    public string Python { get; init; } = "/usr/bin/python3";

    /// <summary>How to start a NormLab worker (program, then arguments before the verb's own); null: this executable.</summary>
    public IReadOnlyList<string>? WorkerCommand { get; init; }

    public int ResolvedReps => Reps ?? (Quick ? 2 : 5);

    public int ResolvedThreads => Threads ?? Environment.ProcessorCount;
}
