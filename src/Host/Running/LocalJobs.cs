using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NormLab.Core;
using NormLab.Core.Experiments;
using NormLab.Host.Reports;
using NormLab.Host.Results;

namespace NormLab.Host.Running;

/// <summary>
/// <c>./normlab run --jobs J</c>: J child processes of this host, child i training part i/J of the (shard's) plan — the
/// same cost-balanced partition as <c>--shard</c> — with the machine's cores split between them (runs whose file sets
/// <c>threads</c> keep theirs). Processes, not threads: libtorch's generator and thread count are process-wide, and a run
/// must get the same bits alone or beside others. Each child's lines come through prefixed with <c>[job i/J]</c>; SIGTERM
/// and SIGINT are passed on, so every child checkpoints its run; the report is written once, after all of them.
/// </summary>
public static class LocalJobs
{
    public static int Run(RunOptions options, int runCount, TextWriter output, TextWriter error, ILogger logger, CancellationToken cancel)
    {
        var jobs = Math.Max(1, Math.Min(options.Jobs, runCount));
        var threads = Math.Max(1, Environment.ProcessorCount / jobs);
        logger.LogInformation("{Runs} runs in {Jobs} jobs at once, {Threads} thread(s) each unless the file sets threads", runCount, jobs, threads);
        var children = new List<Process>();
        for (var i = 1; i <= jobs; i++)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in ChildArguments(options, new Core.Experiments.ShardSpec(i, jobs), threads)) psi.ArgumentList.Add(a);
            var child = new Process { StartInfo = psi };
            var prefix = $"[job {i}/{jobs}] ";
            child.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.WriteLine(prefix + e.Data); };
            child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) error.WriteLine(prefix + e.Data); };
            child.Start();
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            children.Add(child);
        }
        using (cancel.Register(() =>
               {
                   foreach (var c in children) Signal(c, "TERM");
               }))
        {
            foreach (var c in children) c.WaitForExit();
        }
        var codes = children.Select(c => c.ExitCode).ToList();
        foreach (var c in children) c.Dispose();
        output.WriteLine(RunStates.Totals(RunStates.Read(options.OutDir)));
        var code = cancel.IsCancellationRequested || codes.Contains(130) ? 130 : codes.Max();
        if (code == 0 && options.Report)
        {
            var report = ReportWriter.Write(options.OutDir, logger);
            report.ReportPath.IfSome(path => output.WriteLine($"report: {path}"));
            report.Error.IfSome(e => error.WriteLine($"report: not written: {e}"));
        }
        return code;
    }

    /// <summary>The command line of child <paramref name="part"/>: the parent's run, narrowed to its part, without the report.</summary>
    public static IEnumerable<string> ChildArguments(RunOptions o, Core.Experiments.ShardSpec part, int threads)
    {
        yield return Path.Combine(AppContext.BaseDirectory, "normlab.dll");
        yield return "run";
        yield return Path.GetFullPath(o.File);
        foreach (var n in o.Filter.Only) { yield return "--only"; yield return n; }
        foreach (var v in o.Filter.Variants) { yield return "--variant"; yield return v; }
        foreach (var k in o.Filter.Seeds) { yield return "--seeds"; yield return Format.Number(k); }
        foreach (var s in o.Filter.MaxSteps) { yield return "--max-steps"; yield return Format.Number(s); }
        foreach (var d in o.Device) { yield return "--device"; yield return d.Name(); }
        foreach (var s in o.Shard) { yield return "--shard"; yield return s.ToString(); }
        yield return "--out";
        yield return Path.GetFullPath(o.OutDir);
        if (o.Resume) yield return "--resume";
        // The parent has checked the sweep sizes (and was confirmed with --yes where that was needed).
        if (o.Yes) yield return "--yes";
        yield return "--no-report";
        yield return "--part";
        yield return part.ToString();
        yield return "--default-threads";
        yield return threads.ToString(CultureInfo.InvariantCulture);
    }

    static void Signal(Process p, string signal)
    {
        try
        {
            if (p.HasExited) return;
            using var kill = Process.Start("kill", ["-" + signal, p.Id.ToString(CultureInfo.InvariantCulture)]);
            kill?.WaitForExit();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }
}
