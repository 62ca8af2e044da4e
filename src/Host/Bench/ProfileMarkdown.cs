using System.Globalization;
using System.Text;

namespace NormLab.Host.Bench;

/// <summary>Renders <c>bench/profile.md</c> (<c>./normlab bench --profile</c>): each workload's ops side by side.</summary>
public static class ProfileMarkdown
{
    /// <summary>Op rows shown per workload.</summary>
    public const int TopOps = 18;

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    public static string Render(string date, MachineInfo machine, IReadOnlyList<ProfileComparison> profiles)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Where the time goes: libtorch's op profiler on both sides");
        sb.AppendLine();
        sb.AppendLine($"Produced by `./normlab bench --profile` on {date} ({machine.Cpu}, {machine.Cores} cores; {machine.LibTorch}; PyTorch {machine.PyTorch}). " +
                      "One run per side after the timed repetitions, under libtorch's legacy autograd profiler (PyTorch: " +
                      "`torch.autograd.profiler.profile(use_kineto=False)`; NormLab: the same profiler through the shim). Self time = time inside an op " +
                      "minus the ops it called, on the calling thread; per step (inference: per pass over the test split). The profiler adds " +
                      "~1–2 µs per op on both sides, so wall times here are above the benchmark's.");
        foreach (var p in profiles)
        {
            var unit = p.Workload.Kind == BenchKind.Train ? "step" : "pass";
            sb.AppendLine();
            sb.AppendLine($"## {p.Workload.Number}. {p.Workload.Name}: {p.Workload.Title}");
            sb.AppendLine();
            sb.AppendLine($"| ms per {unit} | PyTorch | NormLab |");
            sb.AppendLine("|---|---|---|");
            sb.AppendLine($"| wall | {F(p.PyTorch.WallMsPerUnit, "0.000")} | {F(p.NormLab.WallMsPerUnit, "0.000")} |");
            sb.AppendLine($"| inside libtorch ops (Σ self) | {F(p.PyTorch.InsideOpsMsPerUnit, "0.000")} | {F(p.NormLab.InsideOpsMsPerUnit, "0.000")} |");
            sb.AppendLine($"| outside ops (interpreter / runtime, binding, data, metrics) | {F(p.PyTorch.OutsideOpsMsPerUnit, "0.000")} | {F(p.NormLab.OutsideOpsMsPerUnit, "0.000")} |");
            sb.AppendLine();
            sb.AppendLine($"| op | PyTorch ms/{unit} (calls) | NormLab ms/{unit} (calls) | NormLab − PyTorch ms |");
            sb.AppendLine("|---|---|---|---|");
            foreach (var r in p.Rows(TopOps))
                sb.AppendLine($"| `{r.Name.Replace("|", "\\|", StringComparison.Ordinal)}` | {F(r.PyTorchMs, "0.000")} ({F(r.PyTorchCalls, "0.#")}) | " +
                              $"{F(r.NormLabMs, "0.000")} ({F(r.NormLabCalls, "0.#")}) | {F(r.DifferenceMs, "+0.000;−0.000;0.000")} |");
        }
        return sb.ToString();
    }

    public static void Write(string path, string date, MachineInfo machine, IReadOnlyList<ProfileComparison> profiles)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Results.AtomicFile.WriteAllText(path, Render(date, machine, profiles));
    }
}
