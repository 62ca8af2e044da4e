using System.Globalization;
using System.Text;

namespace NormLab.Host.Cluster;

/// <summary>What <c>./normlab submit FILE --slurm</c> asks Slurm for.</summary>
public sealed record SlurmRequest(
    string Name,
    string RepositoryRoot,
    string File,
    string ResultsDir,
    int Shards,
    string? Partition,
    string? Time,
    int? CpusPerTask);

/// <summary>
/// The two batch scripts of a submission, as text: an array job whose task K runs <c>./normlab run FILE --shard K/N
/// --resume</c> under <c>srun</c> (so Slurm's <c>--signal=TERM@120</c> and <c>scancel --signal=TERM</c> reach it as a job
/// step), with <c>--requeue</c>; a task the signal stopped (exit 130, its checkpoint written) requeues itself and comes
/// back to continue from the checkpoint. The report job renders the shared folder once every task has ended.
/// </summary>
public static class SlurmScripts
{
    /// <summary>The exit code of a run stopped by SIGTERM/SIGINT after writing its checkpoint (see RunBatchOutcome).</summary>
    public const int StoppedBySignal = 130;

    public static string ArrayScript(SlurmRequest r)
    {
        var b = new StringBuilder();
        b.Append("#!/bin/bash\n");
        b.Append($"#SBATCH --job-name=normlab-{r.Name}\n");
        b.Append($"#SBATCH --array=1-{r.Shards.ToString(CultureInfo.InvariantCulture)}\n");
        // Two minutes before the time limit (or on preemption) the run gets SIGTERM: it checkpoints and exits 130.
        b.Append("#SBATCH --signal=TERM@120\n");
        b.Append("#SBATCH --requeue\n");
        b.Append("#SBATCH --open-mode=append\n");
        b.Append($"#SBATCH --output={Path.Combine(r.ResultsDir, "slurm", r.Name)}-%A_%a.out\n");
        Options(b, r);
        b.Append("set -u\n");
        b.Append($"cd {Quote(r.RepositoryRoot)}\n");
        b.Append($"srun ./normlab run {Quote(r.File)} --shard \"${{SLURM_ARRAY_TASK_ID}}/{r.Shards.ToString(CultureInfo.InvariantCulture)}\" --resume --yes --no-report --out {Quote(r.ResultsDir)}\n");
        b.Append("rc=$?\n");
        b.Append($"# {StoppedBySignal.ToString(CultureInfo.InvariantCulture)}: stopped by SIGTERM (time limit, preemption, scancel --signal=TERM) with its checkpoint written:\n");
        b.Append("# back into the queue, to continue from the checkpoint (--resume).\n");
        b.Append($"if [ \"$rc\" -eq {StoppedBySignal.ToString(CultureInfo.InvariantCulture)} ]; then\n");
        b.Append("  scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n");
        b.Append("fi\n");
        b.Append("exit \"$rc\"\n");
        return b.ToString();
    }

    public static string ReportScript(SlurmRequest r)
    {
        var b = new StringBuilder();
        b.Append("#!/bin/bash\n");
        b.Append($"#SBATCH --job-name=normlab-{r.Name}-report\n");
        b.Append($"#SBATCH --output={Path.Combine(r.ResultsDir, "slurm", r.Name)}-report-%j.out\n");
        Options(b, r);
        b.Append("set -u\n");
        b.Append($"cd {Quote(r.RepositoryRoot)}\n");
        b.Append($"./normlab status {Quote(r.ResultsDir)}\n");
        b.Append($"exec ./normlab report {Quote(r.ResultsDir)}\n");
        return b.ToString();
    }

    static void Options(StringBuilder b, SlurmRequest r)
    {
        if (r.Partition is not null) b.Append($"#SBATCH --partition={r.Partition}\n");
        if (r.Time is not null) b.Append($"#SBATCH --time={r.Time}\n");
        if (r.CpusPerTask is int c) b.Append($"#SBATCH --cpus-per-task={c.ToString(CultureInfo.InvariantCulture)}\n");
    }

    /// <summary>Single quotes for bash (a quote inside becomes '\'').</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
