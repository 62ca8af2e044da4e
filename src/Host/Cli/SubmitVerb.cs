using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using NormLab.Host.Cluster;
using NormLab.Host.Results;
using NormLab.Host.Yaml;

namespace NormLab.Host.Cli;

/// <summary>
/// <c>./normlab submit FILE --slurm [--shards N] [--partition P] [--time HH:MM:SS] [--cpus-per-task C] [--out DIR] [--dry-run]</c>:
/// writes <c>results/slurm/&lt;name&gt;.sbatch</c> (an array job, one shard per task, <see cref="SlurmScripts"/>) and
/// <c>&lt;name&gt;-report.sbatch</c>, submits the first with <c>sbatch</c> and the second with
/// <c>--dependency=afterany:&lt;id&gt;</c>, and says how to watch. NormLab uses the cluster's engine; it schedules nothing
/// itself. The file is checked first (exit 2, nothing written); sbatch's own refusal is passed on (exit 2, scripts removed).
/// </summary>
public sealed class SubmitVerb(ExperimentFiles files) : ICliVerb
{
    public Command Command
    {
        get
        {
            var file = new Argument<string?>("FILE") { Arity = ArgumentArity.ZeroOrOne, Description = $"the experiments file (default: {ExperimentFiles.DefaultName})" };
            var slurm = new Option<bool>("--slurm") { Description = "submit to Slurm (the one engine supported): an array job of shards, then a report job" };
            var shards = new Option<int?>("--shards") { Description = "array tasks, one shard each (default: one per planned run)" };
            var partition = new Option<string?>("--partition") { Description = "Slurm partition" };
            var time = new Option<string?>("--time") { Description = "time limit per task, HH:MM:SS (the run checkpoints 120 s before it)" };
            var cpus = new Option<int?>("--cpus-per-task") { Description = "CPUs per task" };
            var output = new Option<string?>("--out") { Description = "results folder shared by the nodes (default: results/ in the repository root; results-NAME/ for NAME.yaml)" };
            var dryRun = new Option<bool>("--dry-run") { Description = "only write the scripts" };
            var yes = new Option<bool>("--yes") { Description = $"submit a sweep of more than {Core.Experiments.Sweep.MaxRunsWithoutConfirmation} runs (without it, such a file is not submitted)" };
            var command = new Command("submit", "Run an experiments file on a cluster: a Slurm array job of shards that checkpoint and requeue, then the report.")
            {
                file, slurm, shards, partition, time, cpus, output, dryRun, yes,
            };
            command.SetAction(parsed => Run(parsed.GetValue(file) ?? files.DefaultPath, parsed.GetValue(slurm), parsed.GetValue(shards),
                parsed.GetValue(partition), parsed.GetValue(time), parsed.GetValue(cpus),
                parsed.GetValue(output) ?? files.DefaultResultsDirFor(parsed.GetValue(file) ?? files.DefaultPath),
                parsed.GetValue(dryRun), files.RepositoryRoot, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error,
                parsed.GetValue(yes)));
            return command;
        }
    }

    public static int Run(string file, bool slurm, int? shards, string? partition, string? time, int? cpus, string outDir, bool dryRun,
        string repositoryRoot, TextWriter output, TextWriter error, bool yes = false)
    {
        if (!slurm)
        {
            error.WriteLine("submit: name the cluster engine with --slurm (the only one NormLab supports); e.g. ./normlab submit experiments.yaml --slurm --shards 8");
            return ExitCodes.UserError;
        }
        if (!File.Exists(file))
        {
            error.WriteLine($"{file}: file not found — pass the experiments file");
            return ExitCodes.UserError;
        }
        var parsed = YamlDocuments.ReadPlans(File.ReadAllText(file), Core.Experiments.PlanFilter.All);
        if (parsed.IsLeft)
        {
            foreach (var p in parsed.LeftToSeq().Head()) error.WriteLine(p.ToString());
            error.WriteLine($"{file}: not submitted — fix the errors above");
            return ExitCodes.UserError;
        }
        var (parsedFile, plans) = parsed.RightToSeq().Head();
        // A sweep too big to run without --yes is not submitted without it either; the tasks then run with --yes.
        if (!yes && Core.Experiments.Sweeps.Unconfirmed(parsedFile.File, plans) is { IsEmpty: false } unconfirmed)
        {
            foreach (var p in parsedFile.Locate(unconfirmed)) error.WriteLine(p.ToString());
            error.WriteLine($"{file}: not submitted — nothing was written");
            return ExitCodes.UserError;
        }
        if (shards is < 1) { error.WriteLine($"--shards {shards}: must be at least 1"); return ExitCodes.UserError; }
        if (cpus is < 1) { error.WriteLine($"--cpus-per-task {cpus}: must be at least 1"); return ExitCodes.UserError; }
        var n = Math.Min(shards ?? plans.Count, Math.Max(1, plans.Count));
        var results = Path.GetFullPath(outDir);
        if (ResultsFolder.Problem(results) is { } unwritable) { error.WriteLine(unwritable); return ExitCodes.UserError; }
        if (PlanFile.OtherFile(results, file) is { } other) { error.WriteLine(other); return ExitCodes.UserError; }

        var name = Path.GetFileNameWithoutExtension(file);
        var request = new SlurmRequest(name, Path.GetFullPath(repositoryRoot), Path.GetFullPath(file), results, n, partition, time, cpus);
        var dir = Path.Combine(results, "slurm");
        var arrayPath = Path.Combine(dir, name + ".sbatch");
        var reportPath = Path.Combine(dir, name + "-report.sbatch");
        AtomicFile.WriteAllText(arrayPath, SlurmScripts.ArrayScript(request));
        AtomicFile.WriteAllText(reportPath, SlurmScripts.ReportScript(request));
        if (dryRun)
        {
            output.WriteLine($"wrote {arrayPath} ({n} array tasks for {plans.Count} runs) and {reportPath}; not submitted (--dry-run)");
            return ExitCodes.Ok;
        }
        var array = Sbatch(arrayPath);
        if (array.Error is not null)
        {
            File.Delete(arrayPath);
            File.Delete(reportPath);
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
            error.WriteLine(array.Error);
            return ExitCodes.UserError;
        }
        var report = Sbatch(reportPath, $"--dependency=afterany:{array.JobId}");
        if (report.Error is not null)
        {
            error.WriteLine($"array job {array.JobId} submitted, but the report job was not: {report.Error}");
            return ExitCodes.Failed;
        }
        output.WriteLine($"submitted array job {array.JobId} ({n} tasks: ./normlab run {file} --shard K/{n} --resume) and report job {report.JobId} (after it ends)");
        output.WriteLine($"watch: squeue -j {array.JobId},{report.JobId}   ./normlab status {results}");
        return ExitCodes.Ok;
    }

    /// <summary>Runs sbatch --parsable; the job id, or one line naming what went wrong (sbatch's own message passed on).</summary>
    static (string? JobId, string? Error) Sbatch(string script, params string[] extra)
    {
        var psi = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--parsable");
        foreach (var e in extra) psi.ArgumentList.Add(e);
        psi.ArgumentList.Add(script);
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (Win32Exception)
        {
            return (null, "submit: sbatch not found — this machine has no Slurm client (install slurm-client and point SLURM_CONF at the cluster), or use --dry-run to only write the scripts");
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0)
            {
                var message = string.Join(" ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                return (null, $"sbatch rejected {script}: {(message.Length > 0 ? message : $"exit code {p.ExitCode}")}");
            }
            var id = stdout.Result.Trim().Split(';')[0];
            return id.Length > 0 && id.All(char.IsDigit) ? (id, null) : (null, $"sbatch printed no job id for {script} (got \"{stdout.Result.Trim()}\")");
        }
    }
}
