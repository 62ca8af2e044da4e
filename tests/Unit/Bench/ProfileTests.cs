using System.Text.Json;
using NormLab.Host.Bench;
using NormLab.Tests.Unit.Data;
using NormLab.Tests.Unit.Torch;
using NormLab.Tests.Unit.Yaml;
using NormLab.Torch;
using Xunit;

namespace NormLab.Tests.Unit.Bench;

/// <summary><c>./normlab bench --profile</c>: both workers' <c>profile N</c> command and the side-by-side table.</summary>
[Collection(TorchCollection.Name)]
public sealed class ProfileTests
{
    private static ProfiledRun Run(double seconds, long units, params (string Name, long Calls, double SelfUs)[] ops) =>
        new(seconds, units, ops.Select(o => new OpTime(o.Name, o.Calls, o.SelfUs, o.SelfUs)).ToArray());

    [Fact]
    public void Rows_join_both_sides_per_unit_and_rank_by_the_larger_self_time()
    {
        var nl = Run(1.0, 100, ("aten::mm", 600, 30_000), ("aten::batch_norm_update_stats", 500, 50_000));
        var pt = Run(1.2, 100, ("aten::mm", 600, 31_000), ("Optimizer.step#Adam.step", 100, 60_000));
        var rows = new ProfileComparison(BenchWorkload.Find("lenet5-bn")!, nl, pt).Rows(10);

        Assert.Equal(["Optimizer.step#Adam.step", "aten::batch_norm_update_stats", "aten::mm"], rows.Select(r => r.Name));
        var mm = rows[2];
        Assert.Equal((0.3, 6.0, 0.31, 6.0), (mm.NormLabMs, mm.NormLabCalls, mm.PyTorchMs, mm.PyTorchCalls));
        Assert.Equal(-0.01, mm.DifferenceMs, 12);
        Assert.Equal((0.0, 0.0), (rows[0].NormLabMs, rows[0].NormLabCalls));
        // 10 ms wall per step, 0.8 ms of it inside ops: 9.2 ms outside.
        Assert.Equal(0.8, nl.InsideOpsMsPerUnit, 12);
        Assert.Equal(9.2, nl.OutsideOpsMsPerUnit, 12);
    }

    [Fact]
    public void Markdown_shows_wall_inside_and_outside_ops_and_the_op_rows()
    {
        var nl = Run(1.0, 100, ("aten::mm", 600, 30_000));
        var pt = Run(1.2, 100, ("aten::mm", 600, 31_000), ("a|b", 100, 1_000));
        var machine = new MachineInfo("AMD EPYC", 2, 23.5, "normlab-native 1", "1.13.0a0", "OpenBLAS", ".NET 10", "Debian");
        var md = ProfileMarkdown.Render("2026-11-22 23:00", machine, [new ProfileComparison(BenchWorkload.Find("lenet5-bn")!, nl, pt)]);
        Assert.Contains("| wall | 12.000 | 10.000 |", md);
        Assert.Contains("| inside libtorch ops (Σ self) | 0.320 | 0.300 |", md);
        Assert.Contains("| `aten::mm` | 0.310 (6) | 0.300 (6) | −0.010 |", md);
        Assert.Contains("| `a\\|b` | 0.010 (1) | 0.000 (0) | −0.010 |", md);
    }

    [Fact]
    public void The_shim_profiler_counts_the_ops_it_saw()
    {
        using var a = torch.rand([64, 64]);
        IReadOnlyList<OpTime> ops;
        using (var profiler = OpProfiler.Start())
        {
            using var b = a.exp();
            using var c = b.exp();
            ops = profiler.Stop();
        }
        var mm = Assert.Single(ops, o => o.Name == "aten::exp");
        Assert.Equal(2, mm.Calls);
        Assert.True(mm.TotalMicros >= mm.SelfMicros && mm.SelfMicros > 0);
        // Stopped: a second profiler can start (libtorch allows one at a time).
        using var again = OpProfiler.Start();
    }

    [Fact]
    public async Task Both_workers_profile_the_same_forward_ops_for_the_ioffe_mlp()
    {
        using var dir = new TempDir();
        IdxFiles.WriteDataset(dir.Path, train: 120, test: 20, rows: 28, cols: 28);
        string[] args = ["--workload", "ioffe-bn", "--data", dir.Path, "--threads", "1", "--seed", "1"];
        var threads = torch.get_num_threads();
        var stdout = new StringWriter();
        try
        {
            Assert.Equal(0, await BenchWorker.RunAsync(args, new StringReader("profile 4\nquit\n"), stdout, CancellationToken.None));
        }
        finally
        {
            torch.set_num_threads(threads);
        }
        var replies = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var normlab = ProfiledRun.FromReply(JsonDocument.Parse(replies[1]).RootElement);

        var script = Path.Combine(YamlTestKit.RepoRoot(), "bench", "pytorch_reference.py");
        await using var worker = WorkerProcess.Start("PyTorch", "/usr/bin/python3", [script, .. args], 1, dir.Path);
        await worker.ReadReplyAsync(CancellationToken.None);
        var pytorch = ProfiledRun.FromReply(await worker.AskAsync("profile 4", CancellationToken.None));

        Assert.Equal((4L, 4L), (normlab.Units, pytorch.Units));
        // Four Linear layers and three BatchNorms per forward pass, on both sides.
        Assert.Equal(16, normlab.Find("aten::addmm")?.Calls);
        Assert.Equal(16, pytorch.Find("aten::addmm")?.Calls);
        Assert.Equal(12, normlab.Find("aten::native_batch_norm")?.Calls);
        Assert.Equal(12, pytorch.Find("aten::native_batch_norm")?.Calls);
    }
}
