using System.Globalization;
using System.Reflection;
using System.Text.Json;
using NormLab.Core.Networks;
using NormLab.Host.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Host.Bench;

/// <summary>
/// <c>./normlab bench [--quick] [--reps N] [--only WORKLOAD]… [--profile] [--out DIR]</c>: every workload of issue 7 on three
/// sides — NormLab, a plain TorchSharp loop as its documentation teaches (both on TorchSharp's libtorch) and PyTorch 1.13
/// (<c>bench/pytorch_reference.py</c>, Debian's own libtorch). Each side runs in its own worker process (NormLab: this
/// executable's hidden <c>bench-worker</c> verb, TorchSharp: <c>bench-torchsharp-worker</c>) so all are measured alike —
/// data loaded before timing, peak RSS per process. Per workload: one warm-up per side, then the repetitions, the order of
/// the sides rotating each repetition. Prints medians, min–max, both ratios and one <c>ratio WORKLOAD SIDE VALUE</c> line per
/// workload and reference side; writes results.md. <c>--profile</c>: one more training run per side with stopwatches around
/// each phase of the step (data, forward, backward, optimizer), in ms per step.
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
            MachineInfo.Collect($"TorchSharp {TorchSharpVersion()}, libtorch {torch.__version__}", pytorchVersion), peak, loadBefore, loadAfter,
            results, rss, options.Profile);
        var outDir = options.OutDir ?? Path.Combine(root, "bench");
        var path = Path.Combine(outDir, "results.md");
        ResultsMarkdown.Write(path, report);
        await stdout.WriteLineAsync($"libtorch: TorchSharp {TorchSharpVersion()} (torch.__version__ {torch.__version__}); PyTorch {pytorchVersion}").ConfigureAwait(false);
        await stdout.WriteLineAsync($"load average after: {loadAfter}; wrote {path}").ConfigureAwait(false);
        foreach (var r in results)
            foreach (var line in RatioLine.For(r))
                await stdout.WriteLineAsync(line).ConfigureAwait(false);
        return 0;
    }

    /// <summary>TorchSharp's package version (its assembly's informational version, without a source hash).</summary>
    private static string TorchSharpVersion()
    {
        var v = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";
        return v.Split('+')[0];
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
        await using var normlab = StartSelf("NormLab", BenchWorker.Verb, options, common, threads, root);
        await using var torchsharp = StartSelf("TorchSharp", TorchSharpWorker.Verb, options, common, threads, root);
        await using var pytorch = WorkerProcess.Start("PyTorch", options.Python, [script, .. common], threads, root);
        WorkerProcess[] sides = [normlab, torchsharp, pytorch];
        await normlab.ReadReplyAsync(ct).ConfigureAwait(false);
        await torchsharp.ReadReplyAsync(ct).ConfigureAwait(false);
        var ready = await pytorch.ReadReplyAsync(ct).ConfigureAwait(false);
        var version = ready.TryGetProperty("torch", out var v) ? v.GetString() ?? "?" : "?";

        var steps = w.Steps(options.Quick);
        var command = w.Kind == BenchKind.Train ? $"train {steps}" : $"infer {steps}";
        var warmup = w.Kind == BenchKind.Train ? $"train {Math.Min(steps, 30)}" : "infer 1";
        await stdout.WriteLineAsync($"[{w.Number}] {w.Name}: {w.Title} — {command}, warm-up {warmup}").ConfigureAwait(false);
        foreach (var side in sides) await side.AskAsync(warmup, ct).ConfigureAwait(false);

        var times = sides.ToDictionary(s => s, _ => new List<double>());
        long images = 0;
        for (var r = 0; r < reps; r++)
        {
            // Rotate who goes first, so a load change on the shared cores hits every side alike.
            foreach (var side in sides.Skip(r % sides.Length).Concat(sides.Take(r % sides.Length)))
            {
                var reply = await side.AskAsync(command, ct).ConfigureAwait(false);
                images = reply.GetProperty("images").GetInt64();
                times[side].Add(reply.GetProperty("seconds").GetDouble());
            }
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"    rep {r + 1}: NormLab {times[normlab][^1]:0.000} s, TorchSharp {times[torchsharp][^1]:0.000} s, PyTorch {times[pytorch][^1]:0.000} s " +
                $"(load {MachineInfo.LoadAverage()})")).ConfigureAwait(false);
        }

        var phases = new Dictionary<WorkerProcess, PhaseBreakdown?>();
        foreach (var side in sides)
            phases[side] = options.Profile && w.Kind == BenchKind.Train ? Phases(await side.AskAsync($"phases {steps}", ct).ConfigureAwait(false)) : null;
        var peaks = new Dictionary<WorkerProcess, double?>();
        foreach (var side in sides) peaks[side] = PeakRss(await side.AskAsync("peak", ct).ConfigureAwait(false));
        foreach (var side in sides) await side.AskAsync("quit", ct).ConfigureAwait(false);

        double? flops = null;
        if (w.Kind == BenchKind.Train && w.Number is 1 or 4)
        {
            var shape = ShapeInference.Infer(w.Network, "").Match(s => s, _ => throw new BenchException($"{w.Name}: invalid network"));
            flops = (double)FlopCount.TrainingFlopsPerImage(shape) * images;
        }
        SideResult Side(WorkerProcess p)
        {
            var t = new Timing(times[p]);
            return new SideResult(t, peaks[p], flops / t.Median / 1e9, phases[p]);
        }
        var result = new WorkloadResult(w, steps, images, Side(normlab), Side(torchsharp), Side(pytorch));
        await stdout.WriteLineAsync(Summary(result, peak)).ConfigureAwait(false);
        return (result, version);
    }

    private static PhaseBreakdown Phases(JsonElement reply)
    {
        var p = reply.GetProperty("phasesMs");
        double Get(string name) => p.GetProperty(name).GetDouble();
        return new PhaseBreakdown(Get("data"), Get("forward"), Get("backward"), Get("optimizer"), Get("total"));
    }

    /// <summary>One line per workload: medians, min–max, both ratios, GFLOP/s, peak RSS.</summary>
    public static string Summary(WorkloadResult r, MachinePeak peak)
    {
        var line = $"  => NormLab {ResultsMarkdown.TimeCell(r, r.NormLab.Time)} | TorchSharp {ResultsMarkdown.TimeCell(r, r.TorchSharp.Time)} | " +
                   $"PyTorch {ResultsMarkdown.TimeCell(r, r.PyTorch.Time)} | " +
                   string.Create(CultureInfo.InvariantCulture, $"NormLab/TorchSharp {r.RatioTorchSharp:0.000}, NormLab/PyTorch {r.RatioPyTorch:0.000}");
        if (r.NormLab.Gflops is { } gn && r.TorchSharp.Gflops is { } gt && r.PyTorch.Gflops is { } gp)
            line += string.Create(CultureInfo.InvariantCulture, $" | GFLOP/s {gn:0.00} / {gt:0.00} / {gp:0.00} of {peak.PeakGflops:0.#} peak");
        line += string.Create(CultureInfo.InvariantCulture,
            $" | peak RSS {r.NormLab.PeakRssMb:0} / {r.TorchSharp.PeakRssMb:0} / {r.PyTorch.PeakRssMb:0} MiB");
        foreach (var (name, side) in new[] { ("NormLab", r.NormLab), ("TorchSharp", r.TorchSharp), ("PyTorch", r.PyTorch) })
            if (side.Phases is { } ph)
                line += string.Create(CultureInfo.InvariantCulture,
                    $"\n     phases {name,-10} ms/step: data {ph.Data:0.000}, forward {ph.Forward:0.000}, backward {ph.Backward:0.000}, " +
                    $"optimizer {ph.Optimizer:0.000}, other {ph.Other:0.000}, total {ph.Total:0.000}");
        return line;
    }

    private static async Task<RssCheck> RssCheckAsync(BenchWorkload w, string root, BenchOptions options, int threads, TextWriter stdout,
        CancellationToken ct)
    {
        // Quick: a 6,000-image subset, so an "epoch" is 100 steps; full: whole epochs of the 60,000 training images.
        var limit = options.Quick ? 6000 : 0;
        var args = new[] { "--workload", w.Name, "--data", DataFolder(w.Dataset, root), "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--seed", options.Seed.ToString(CultureInfo.InvariantCulture) };
        await using var normlab = StartSelf("NormLab", BenchWorker.Verb, options, args, threads, root);
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

    /// <summary>Starts one of this executable's hidden worker verbs (or <see cref="BenchOptions.WorkerCommand"/>'s program).</summary>
    private static WorkerProcess StartSelf(string label, string verb, BenchOptions options, IEnumerable<string> args, int threads, string root)
    {
        var command = options.WorkerCommand ?? SelfCommand();
        return WorkerProcess.Start(label, command[0], [.. command.Skip(1), verb, .. args], threads, root);
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
