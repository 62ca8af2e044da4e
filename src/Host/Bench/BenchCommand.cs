using System.Globalization;
using System.Reflection;
using System.Text.Json;
using NormLab.Core.Networks;
using NormLab.Host.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Host.Bench;

/// <summary>
/// <c>./normlab bench [--quick] [--reps N] [--only WORKLOAD]… [--profile] [--out DIR]</c>: every workload of issue 7 in NormLab and in
/// PyTorch 1.13 (<c>bench/pytorch_reference.py</c>), both over the same libtorch. Each side runs in its own worker process
/// (NormLab: this executable's hidden <c>bench-worker</c> verb) so both are measured alike — data loaded before timing,
/// peak RSS per process. Per workload: one warm-up per side, then the repetitions alternating which side goes first.
/// Prints medians, min–max, the ratio and one <c>ratio WORKLOAD VALUE</c> line per workload; writes results.md.
/// </summary>
public static class BenchCommand
{
    /// <summary>The workload whose NormLab RSS is read after each of five epochs (the leak check).</summary>
    public const string RssWorkload = "ioffe-bn";

    public const int RssEpochs = 5;

    public static async Task<int> RunAsync(BenchOptions options, TextWriter stdout, CancellationToken ct)
    {
        try
        {
            return await RunCheckedAsync(options, stdout, ct).ConfigureAwait(false);
        }
        catch (BenchException e)
        {
            await stdout.WriteLineAsync($"bench: {e.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    private static async Task<int> RunCheckedAsync(BenchOptions options, TextWriter stdout, CancellationToken ct)
    {
        var root = ResolveRoot(options);
        var script = Path.Combine(root, "bench", "pytorch_reference.py");
        if (!File.Exists(script)) throw new BenchException($"{script} is missing");
        if (!File.Exists(options.Python))
            throw new BenchException($"{options.Python} not found: run ./normlab setup --bench (it installs python3-torch)");
        var workloads = SelectWorkloads(options.Only);
        var threads = options.ResolvedThreads;
        var reps = options.ResolvedReps;
        if (reps < 1) throw new BenchException($"--reps must be >= 1 (got {reps})");
        var peak = MachinePeak.FromCpuInfo(File.Exists("/proc/cpuinfo") ? await File.ReadAllTextAsync("/proc/cpuinfo", ct).ConfigureAwait(false) : "",
            Environment.ProcessorCount);
        var loadBefore = MachineInfo.LoadAverage();
        await stdout.WriteLineAsync($"bench{(options.Quick ? " --quick" : "")}: {workloads.Count} workloads, {reps} repetitions per side after a warm-up, " +
                                    $"{threads} threads; load average {loadBefore}; peak {peak.Formula}").ConfigureAwait(false);

        var results = new List<WorkloadResult>();
        var pytorchVersion = "unknown";
        foreach (var w in workloads)
        {
            var data = DataFolder(w.Dataset, root);
            var (result, version) = await MeasureAsync(w, data, script, root, options, threads, reps, peak, stdout, ct).ConfigureAwait(false);
            pytorchVersion = version;
            results.Add(result);
        }

        RssCheck? rss = null;
        if (options.Only.Count == 0 || workloads.Any(w => w.Name == RssWorkload))
            rss = await RssCheckAsync(BenchWorkload.Find(RssWorkload)!, root, options, threads, stdout, ct).ConfigureAwait(false);

        var loadAfter = MachineInfo.LoadAverage();
        var report = new BenchReport(DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), options.Quick, reps, threads,
            MachineInfo.Collect(torch.__version__, pytorchVersion), peak, loadBefore, loadAfter, results, rss);
        var outDir = options.OutDir ?? Path.Combine(root, "bench");
        var path = Path.Combine(outDir, "results.md");
        ResultsMarkdown.Write(path, report);
        await stdout.WriteLineAsync($"load average after: {loadAfter}; wrote {path}").ConfigureAwait(false);
        foreach (var r in results) await stdout.WriteLineAsync(RatioLine.Format(r.Workload.Name, r.Ratio)).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The workloads named by --only (name or number), in the issue's order; all when none is named.</summary>
    public static IReadOnlyList<BenchWorkload> SelectWorkloads(IReadOnlyList<string> only)
    {
        if (only.Count == 0) return BenchWorkload.All;
        var unknown = only.Where(o => BenchWorkload.Find(o) is null).ToArray();
        if (unknown.Length > 0)
            throw new BenchException($"--only {string.Join(", ", unknown)}: unknown workload; use one of " +
                                     string.Join(", ", BenchWorkload.All.Select(w => $"{w.Name} ({w.Number})")));
        var chosen = only.Select(o => BenchWorkload.Find(o)!).ToHashSet();
        return BenchWorkload.All.Where(chosen.Contains).ToArray();
    }

    private static async Task<(WorkloadResult Result, string PyTorchVersion)> MeasureAsync(BenchWorkload w, string dataFolder, string script,
        string root, BenchOptions options, int threads, int reps, MachinePeak peak, TextWriter stdout, CancellationToken ct)
    {
        var common = new[] { "--workload", w.Name, "--data", dataFolder, "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--seed", options.Seed.ToString(CultureInfo.InvariantCulture) };
        await using var normlab = StartNormLab(options, common, threads, root);
        await using var pytorch = WorkerProcess.Start("PyTorch", options.Python, [script, .. common], threads, root);
        await normlab.ReadReplyAsync(ct).ConfigureAwait(false);
        var ready = await pytorch.ReadReplyAsync(ct).ConfigureAwait(false);
        var version = ready.TryGetProperty("torch", out var v) ? v.GetString() ?? "?" : "?";

        var steps = w.Steps(options.Quick);
        var command = w.Kind == BenchKind.Train ? $"train {steps}" : $"infer {steps}";
        var warmup = w.Kind == BenchKind.Train ? $"train {Math.Min(steps, 30)}" : "infer 1";
        await stdout.WriteLineAsync($"[{w.Number}] {w.Name}: {w.Title} — {command}, warm-up {warmup}").ConfigureAwait(false);
        await normlab.AskAsync(warmup, ct).ConfigureAwait(false);
        await pytorch.AskAsync(warmup, ct).ConfigureAwait(false);

        var nl = new List<double>();
        var pt = new List<double>();
        long images = 0;
        for (var r = 0; r < reps; r++)
        {
            // Alternate who goes first, so a load change on the shared cores hits both sides alike.
            var order = r % 2 == 0 ? new[] { normlab, pytorch } : [pytorch, normlab];
            foreach (var side in order)
            {
                var reply = await side.AskAsync(command, ct).ConfigureAwait(false);
                var seconds = reply.GetProperty("seconds").GetDouble();
                images = reply.GetProperty("images").GetInt64();
                (ReferenceEquals(side, normlab) ? nl : pt).Add(seconds);
            }
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"    rep {r + 1}: NormLab {nl[^1]:0.000} s, PyTorch {pt[^1]:0.000} s (load {MachineInfo.LoadAverage()})")).ConfigureAwait(false);
        }
        var nlPeak = PeakRss(await normlab.AskAsync("peak", ct).ConfigureAwait(false));
        var ptPeak = PeakRss(await pytorch.AskAsync("peak", ct).ConfigureAwait(false));
        await normlab.AskAsync("quit", ct).ConfigureAwait(false);
        await pytorch.AskAsync("quit", ct).ConfigureAwait(false);

        double? gflopsNl = null, gflopsPt = null;
        if (w.Kind == BenchKind.Train && w.Number is 1 or 4)
        {
            var shape = ShapeInference.Infer(w.Network, "").Match(s => s, _ => throw new BenchException($"{w.Name}: invalid network"));
            var flops = (double)FlopCount.TrainingFlopsPerImage(shape) * images;
            gflopsNl = flops / new Timing(nl).Median / 1e9;
            gflopsPt = flops / new Timing(pt).Median / 1e9;
        }
        var result = new WorkloadResult(w, steps, images, new Timing(nl), new Timing(pt), nlPeak, ptPeak, gflopsNl, gflopsPt);
        await stdout.WriteLineAsync(Summary(result, peak)).ConfigureAwait(false);
        return (result, version);
    }

    /// <summary>One line per workload: medians, min–max, ratio, GFLOP/s, peak RSS.</summary>
    public static string Summary(WorkloadResult r, MachinePeak peak)
    {
        var line = $"  => PyTorch {ResultsMarkdown.TimeCell(r, r.PyTorch)} | NormLab {ResultsMarkdown.TimeCell(r, r.NormLab)} | " +
                   string.Create(CultureInfo.InvariantCulture, $"ratio {r.Ratio:0.000}");
        if (r.GflopsNormLab is { } gn && r.GflopsPyTorch is { } gp)
            line += string.Create(CultureInfo.InvariantCulture, $" | GFLOP/s {gn:0.00} / {gp:0.00} of {peak.PeakGflops:0.#} peak");
        line += string.Create(CultureInfo.InvariantCulture, $" | peak RSS {r.NormLabPeakRssMb:0} / {r.PyTorchPeakRssMb:0} MiB");
        return line;
    }

    private static async Task<RssCheck> RssCheckAsync(BenchWorkload w, string root, BenchOptions options, int threads, TextWriter stdout,
        CancellationToken ct)
    {
        // Quick: a 6,000-image subset, so an "epoch" is 100 steps; full: whole epochs of the 60,000 training images.
        var limit = options.Quick ? 6000 : 0;
        var args = new[] { "--workload", w.Name, "--data", DataFolder(w.Dataset, root), "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--seed", options.Seed.ToString(CultureInfo.InvariantCulture) };
        await using var normlab = StartNormLab(options, args, threads, root);
        await normlab.ReadReplyAsync(ct).ConfigureAwait(false);
        var reply = await normlab.AskAsync($"rss {RssEpochs} {limit}", ct).ConfigureAwait(false);
        await normlab.AskAsync("quit", ct).ConfigureAwait(false);
        var rss = reply.GetProperty("rssMb").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var check = new RssCheck(w.Name, RssEpochs, reply.GetProperty("stepsPerEpoch").GetInt64(), rss);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"RSS after each epoch of {w.Name} ({check.StepsPerEpoch} steps/epoch): {string.Join(", ", rss.Select(x => x.ToString("0.0", CultureInfo.InvariantCulture)))} MiB " +
            $"(epoch {RssEpochs} − epoch 1: {check.GrowthMb:+0.0;-0.0;0.0} MiB)")).ConfigureAwait(false);
        return check;
    }

    private static double? PeakRss(JsonElement reply) =>
        reply.TryGetProperty("peakRssMb", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : null;

    /// <summary>Starts this executable's <c>bench-worker</c> verb (or <see cref="BenchOptions.WorkerCommand"/>).</summary>
    private static WorkerProcess StartNormLab(BenchOptions options, IEnumerable<string> args, int threads, string root)
    {
        var command = options.WorkerCommand ?? SelfCommand();
        return WorkerProcess.Start("NormLab", command[0], [.. command.Skip(1), BenchWorker.Verb, .. args], threads, root);
    }

    /// <summary>How this process was started: the apphost alone, or `dotnet normlab.dll`.</summary>
    private static IReadOnlyList<string> SelfCommand()
    {
        var host = Environment.ProcessPath ?? throw new BenchException("cannot tell which executable to start as the NormLab worker");
        var entry = Assembly.GetEntryAssembly()?.Location;
        var isDotnet = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return isDotnet && !string.IsNullOrEmpty(entry) ? [host, entry] : [host];
    }

    /// <summary>The folder holding <paramref name="dataset"/>'s IDX files, found as the data catalog finds it (no download).</summary>
    private static string DataFolder(string dataset, string root)
    {
        foreach (var source in DatasetCatalog.LocalSources(dataset, new DatasetOptions { ProjectRoot = root }))
            if (IdxFileSet.Find(source.Folder).Set is not null)
                return source.Folder;
        throw new BenchException($"{dataset}: no local copy found; run ./normlab setup first");
    }

    private static string ResolveRoot(BenchOptions options)
    {
        if (options.ProjectRoot is { } r) return r;
        if (Environment.GetEnvironmentVariable("NORMLAB_ROOT") is { Length: > 0 } env) return env;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NormLab.slnx")))
                return dir.FullName;
        throw new BenchException("cannot find the repository root (NormLab.slnx); run from inside the repository or set NORMLAB_ROOT");
    }
}
