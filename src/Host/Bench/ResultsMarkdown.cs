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
    RssCheck? Rss,
    bool Profiled = false);

/// <summary>
/// Renders <c>bench/results.md</c>. Hand-written analysis (where the time goes, what was changed) lives below the
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
        sb.AppendLine("# NormLab vs plain TorchSharp vs PyTorch");
        sb.AppendLine();
        sb.AppendLine($"Produced by `./normlab bench{(report.Quick ? " --quick" : "")}{(report.Profiled ? " --profile" : "")}` on {report.Date}: " +
                      $"{report.Reps} timed repetitions per side after one warm-up, the order of the three sides rotating each repetition, " +
                      $"{report.Threads} intra-op threads and OpenBLAS at one thread on every side. NormLab and plain TorchSharp run on " +
                      "TorchSharp's libtorch, PyTorch on its own (Debian's). Lower ratio = NormLab faster.");
        sb.AppendLine();
        sb.AppendLine("## Machine");
        sb.AppendLine();
        var m = report.Machine;
        sb.AppendLine($"- CPU: {m.Cpu}, {m.Cores} cores; memory {F(m.MemoryGiB, "0.0")} GiB; {m.Os}");
        sb.AppendLine($"- NormLab and plain TorchSharp: {m.LibTorch}; PyTorch: {m.PyTorch}; BLAS: {m.Blas}; {m.Dotnet}");
        sb.AppendLine($"- Peak: {report.Peak.Formula}");
        sb.AppendLine($"- Load average (1/5/15 min) before: {report.LoadBefore}, after: {report.LoadAfter} (the cores are shared with other sessions)");
        sb.AppendLine();
        sb.AppendLine("## Results");
        sb.AppendLine();
        sb.AppendLine("| # | workload | NormLab | plain TorchSharp | PyTorch | NormLab / TorchSharp | NormLab / PyTorch | " +
                      "GFLOP/s NormLab / TorchSharp / PyTorch (% of peak) | peak RSS MiB NormLab / TorchSharp / PyTorch |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in report.Results)
        {
            var gflops = r.NormLab.Gflops is { } gn && r.TorchSharp.Gflops is { } gt && r.PyTorch.Gflops is { } gp
                ? $"{F(gn, "0.00")} / {F(gt, "0.00")} / {F(gp, "0.00")} ({Pct(gn)} / {Pct(gt)} / {Pct(gp)})"
                : "–";
            var rss = $"{Mb(r.NormLab.PeakRssMb)} / {Mb(r.TorchSharp.PeakRssMb)} / {Mb(r.PyTorch.PeakRssMb)}";
            sb.AppendLine($"| {r.Workload.Number} | {r.Workload.Name}: {r.Workload.Title} | {TimeCell(r, r.NormLab.Time)} | {TimeCell(r, r.TorchSharp.Time)} | " +
                          $"{TimeCell(r, r.PyTorch.Time)} | **{F(r.RatioTorchSharp, "0.000")}** | **{F(r.RatioPyTorch, "0.000")}** | {gflops} | {rss} |");
        }
        sb.AppendLine();
        string Pct(double g) => F(100 * g / report.Peak.PeakGflops, "0.0") + "%";

        var native = report.Results.FirstOrDefault(r => r.Workload.Name == "lenet5-bn");
        var scratch = report.Results.FirstOrDefault(r => r.Workload.Name == "lenet5-bn-scratch");
        if (native is not null && scratch is not null)
        {
            sb.AppendLine($"Scratch BN costs {F(scratch.NormLab.Time.Median / native.NormLab.Time.Median, "0.00")}× native BN in NormLab, " +
                          $"{F(scratch.TorchSharp.Time.Median / native.TorchSharp.Time.Median, "0.00")}× in plain TorchSharp and " +
                          $"{F(scratch.PyTorch.Time.Median / native.PyTorch.Time.Median, "0.00")}× in PyTorch (workload 6 / workload 1, medians).");
            sb.AppendLine();
        }
        if (report.Rss is { } rc)
        {
            sb.AppendLine($"RSS of the NormLab process after each of {rc.Epochs} epochs of {rc.Workload} ({rc.StepsPerEpoch} steps each): " +
                          string.Join(", ", rc.RssMb.Select(x => F(x, "0.0"))) + $" MiB — epoch {rc.Epochs} minus epoch 1: {F(rc.GrowthMb, "+0.0;-0.0;0.0")} MiB.");
            sb.AppendLine();
        }
        var phased = report.Results.Where(r => r.NormLab.Phases is not null || r.TorchSharp.Phases is not null || r.PyTorch.Phases is not null).ToArray();
        if (phased.Length > 0)
        {
            sb.AppendLine("## Phases of a training step (`--profile`, ms per step)");
            sb.AppendLine();
            sb.AppendLine("One more training run per side after the timed ones, the same steps, a stopwatch read between the phases " +
                          "(.NET `Stopwatch`, Python `time.perf_counter`): data = gather the batch and put it into tensors; forward = " +
                          "logits and loss; backward = zero_grad and backward; optimizer = the optimizer step; other = the rest of the " +
                          "step (reading loss and accuracy, freeing the step's tensors).");
            sb.AppendLine();
            sb.AppendLine("| workload | side | data | forward | backward | optimizer | other | total |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var r in phased)
                foreach (var (name, side) in new[] { ("NormLab", r.NormLab), ("plain TorchSharp", r.TorchSharp), ("PyTorch", r.PyTorch) })
                    if (side.Phases is { } p)
                        sb.AppendLine($"| {r.Workload.Name} | {name} | {F(p.Data, "0.000")} | {F(p.Forward, "0.000")} | {F(p.Backward, "0.000")} | " +
                                      $"{F(p.Optimizer, "0.000")} | {F(p.Other, "0.000")} | {F(p.Total, "0.000")} |");
            sb.AppendLine();
        }
        sb.AppendLine("How the numbers are computed:");
        sb.AppendLine();
        sb.AppendLine("- Time: training = the optimizer steps only (NormLab: `TrainingOutcome.TrainSeconds` of `Trainer.Train`, the code path of " +
                      "`./normlab run`; plain TorchSharp and PyTorch: the same loop timed with `Stopwatch` / `perf_counter`), batch order " +
                      "reshuffled every epoch (NormLab and TorchSharp: the same order), last partial batch kept, loss and accuracy read every " +
                      "step on every side. Inference = eval mode, no autograd, loss and accuracy of the 10,000 test images in batches of 1,000.");
        sb.AppendLine("- GFLOP/s = images × FLOPs per image / median time; FLOPs per image = conv and dense multiply-adds × 2 (multiply + add) " +
                      "× 3 (forward + backward), from the layer shapes; BN, activations and pooling not counted.");
        sb.AppendLine("- Peak RSS = VmHWM of each side's own worker process (one process per side per workload, data loaded in memory by each).");
        sb.AppendLine();
        sb.AppendLine("Ratio lines (`ratio WORKLOAD SIDE NormLab/SIDE`):");
        sb.AppendLine();
        sb.AppendLine("```");
        foreach (var r in report.Results)
            foreach (var line in RatioLine.For(r))
                sb.AppendLine(line);
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
