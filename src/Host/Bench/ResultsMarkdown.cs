using System.Globalization;
using System.Text;

namespace NormLab.Host.Bench;

/// <summary>Everything one <c>./normlab bench</c> measured, as results.md shows it.</summary>
public sealed record BenchReport(
    string Date,
    bool Quick,
    int Reps,
    int Threads,
    MachineInfo Machine,
    MachinePeak Peak,
    string LoadBefore,
    string LoadAfter,
    IReadOnlyList<WorkloadResult> Results,
    RssCheck? Rss);

/// <summary>
/// Renders <c>bench/results.md</c>. Hand-written analysis (the profile, what was changed) lives below the
/// <see cref="NotesMarker"/> line and is carried over when the file is rewritten, so a new measurement never erases it.
/// </summary>
public static class ResultsMarkdown
{
    public const string NotesMarker = "<!-- notes: everything below this line is hand-written and kept by ./normlab bench -->";

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A time cell: seconds for training, µs per image for inference; median then min–max.</summary>
    public static string TimeCell(WorkloadResult r, Timing t) => r.Workload.Kind == BenchKind.Inference
        ? $"{F(t.Median / r.Images * 1e6, "0.0")} µs/img ({F(t.Min / r.Images * 1e6, "0.0")}–{F(t.Max / r.Images * 1e6, "0.0")}; {F(r.Images / t.Median, "0")} img/s)"
        : $"{F(t.Median, "0.00")} s ({F(t.Min, "0.00")}–{F(t.Max, "0.00")})";

    public static string Render(BenchReport report, string? keptNotes = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# NormLab vs PyTorch on the same libtorch");
        sb.AppendLine();
        sb.AppendLine($"Produced by `./normlab bench{(report.Quick ? " --quick" : "")}` on {report.Date}: {report.Reps} timed repetitions per side " +
                      $"after one warm-up, NormLab and PyTorch alternating (odd repetitions NormLab first, even ones PyTorch first), " +
                      $"{report.Threads} intra-op threads and OpenBLAS at one thread on both sides. Lower ratio = NormLab faster.");
        sb.AppendLine();
        sb.AppendLine("## Machine");
        sb.AppendLine();
        var m = report.Machine;
        sb.AppendLine($"- CPU: {m.Cpu}, {m.Cores} cores; memory {F(m.MemoryGiB, "0.0")} GiB; {m.Os}");
        sb.AppendLine($"- libtorch: {m.LibTorch}; PyTorch: {m.PyTorch}; BLAS: {m.Blas}; {m.Dotnet}");
        sb.AppendLine($"- Peak: {report.Peak.Formula}");
        sb.AppendLine($"- Load average (1/5/15 min) before: {report.LoadBefore}, after: {report.LoadAfter} (the cores are shared with other sessions)");
        sb.AppendLine();
        sb.AppendLine("## Results");
        sb.AppendLine();
        sb.AppendLine("| # | workload | PyTorch | NormLab | ratio | GFLOP/s NormLab / PyTorch (% of peak) | peak RSS MiB NormLab / PyTorch |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in report.Results)
        {
            var gflops = r.GflopsNormLab is { } gn && r.GflopsPyTorch is { } gp
                ? $"{F(gn, "0.00")} / {F(gp, "0.00")} ({F(100 * gn / report.Peak.PeakGflops, "0.0")}% / {F(100 * gp / report.Peak.PeakGflops, "0.0")}%)"
                : "–";
            var rss = $"{Mb(r.NormLabPeakRssMb)} / {Mb(r.PyTorchPeakRssMb)}";
            sb.AppendLine($"| {r.Workload.Number} | {r.Workload.Name}: {r.Workload.Title} | {TimeCell(r, r.PyTorch)} | {TimeCell(r, r.NormLab)} | " +
                          $"**{F(r.Ratio, "0.000")}** | {gflops} | {rss} |");
        }
        sb.AppendLine();
        var native = report.Results.FirstOrDefault(r => r.Workload.Name == "lenet5-bn");
        var scratch = report.Results.FirstOrDefault(r => r.Workload.Name == "lenet5-bn-scratch");
        if (native is not null && scratch is not null)
        {
            sb.AppendLine($"Scratch BN costs {F(scratch.NormLab.Median / native.NormLab.Median, "0.00")}× native BN in NormLab and " +
                          $"{F(scratch.PyTorch.Median / native.PyTorch.Median, "0.00")}× in PyTorch (workload 6 / workload 1, medians).");
            sb.AppendLine();
        }
        if (report.Rss is { } rc)
        {
            sb.AppendLine($"RSS of the NormLab process after each of {rc.Epochs} epochs of {rc.Workload} ({rc.StepsPerEpoch} steps each): " +
                          string.Join(", ", rc.RssMb.Select(x => F(x, "0.0"))) + $" MiB — epoch {rc.Epochs} minus epoch 1: {F(rc.GrowthMb, "+0.0;-0.0;0.0")} MiB.");
            sb.AppendLine();
        }
        sb.AppendLine("How the numbers are computed:");
        sb.AppendLine();
        sb.AppendLine("- Time: training = the optimizer steps only (NormLab: `TrainingOutcome.TrainSeconds` of `Trainer.Train`, the code path of " +
                      "`./normlab run`; PyTorch: the same loop timed with `perf_counter`), batch order reshuffled every epoch, last partial batch " +
                      "kept, loss and accuracy read every step on both sides. Inference = eval mode, no autograd, loss and accuracy of the 10,000 " +
                      "test images in batches of 1,000.");
        sb.AppendLine("- GFLOP/s = images × FLOPs per image / median time; FLOPs per image = conv and dense multiply-adds × 2 (multiply + add) " +
                      "× 3 (forward + backward), from the layer shapes; BN, activations and pooling not counted.");
        sb.AppendLine("- Peak RSS = VmHWM of each side's own worker process (one process per side per workload, data loaded in memory by each).");
        sb.AppendLine();
        sb.AppendLine("Ratio lines (`ratio WORKLOAD NormLab/PyTorch`):");
        sb.AppendLine();
        sb.AppendLine("```");
        foreach (var r in report.Results) sb.AppendLine(RatioLine.Format(r.Workload.Name, r.Ratio));
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine(NotesMarker);
        if (!string.IsNullOrWhiteSpace(keptNotes)) sb.Append(keptNotes.TrimStart('\r', '\n'));
        return sb.ToString();
    }

    /// <summary>The hand-written part of an existing results.md (everything after <see cref="NotesMarker"/>), or null.</summary>
    public static string? KeptNotes(string existing)
    {
        var at = existing.IndexOf(NotesMarker, StringComparison.Ordinal);
        return at < 0 ? null : existing[(at + NotesMarker.Length)..];
    }

    /// <summary>Writes <paramref name="path"/> atomically, keeping the notes of the file it replaces.</summary>
    public static void Write(string path, BenchReport report)
    {
        var notes = File.Exists(path) ? KeptNotes(File.ReadAllText(path)) : null;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Results.AtomicFile.WriteAllText(path, Render(report, notes));
    }

    private static string Mb(double? mb) => mb is { } v ? F(v, "0") : "?";
}
