using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NormLab.Core.Data;
using NormLab.Engine;
using NormLab.Engine.Compilation;
using NormLab.Engine.Training;
using NormLab.Host.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Host.Bench;

/// <summary>
/// NormLab's side of the benchmark, the hidden verb <c>bench-worker --workload NAME --data DIR --threads N --seed S</c>:
/// loads the dataset once, then answers the line protocol of <see cref="WorkerProcess"/> (the same commands as
/// <c>bench/pytorch_reference.py</c>). Training goes through <see cref="Trainer.Train"/> — the code path of
/// <c>./normlab run</c> — with no evaluation during training and no probes; the time reported is the trainer's own
/// <see cref="TrainingOutcome.TrainSeconds"/> (optimizer steps only; the empty validation and test splits make the final
/// evaluation a no-op anyway).
/// </summary>
public static class BenchWorker
{
    public const string Verb = "bench-worker";

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, CancellationToken ct) =>
        Task.Run(() => Run(args, stdin, stdout, ct), ct);

    private static int Run(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, CancellationToken ct)
    {
        void Reply(object value)
        {
            stdout.WriteLine(JsonSerializer.Serialize(value));
            stdout.Flush();
        }

        string Arg(string name) =>
            args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new BenchException($"{Verb}: missing {name}");

        try
        {
            var workload = BenchWorkload.Find(Arg("--workload")) ?? throw new BenchException($"{Verb}: unknown workload {Arg("--workload")}");
            var threads = int.Parse(Arg("--threads"), CultureInfo.InvariantCulture);
            var seed = ulong.Parse(Arg("--seed"), CultureInfo.InvariantCulture);
            var started = Stopwatch.StartNew();
            torch.set_num_threads(threads);
            var data = DatasetCatalog.Load(workload.Dataset, new DatasetOptions { DataDir = Arg("--data"), AllowDownload = false })
                .Match(d => d, e => throw new BenchException(e.Message));
            Reply(new { ready = true, loadSeconds = started.Elapsed.TotalSeconds, torch = torch.__version__, threads = torch.get_num_threads() });

            while (stdin.ReadLine() is { } line)
            {
                ct.ThrowIfCancellationRequested();
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0) continue;
                try
                {
                    switch (words[0])
                    {
                        case "train":
                        {
                            var (seconds, steps, images) = Train(workload, data, long.Parse(words[1], CultureInfo.InvariantCulture), seed, threads, null, ct);
                            Reply(new { seconds, steps, images });
                            break;
                        }
                        case "infer":
                        {
                            var (seconds, images) = Infer(workload, data, int.Parse(words[1], CultureInfo.InvariantCulture), seed, threads);
                            Reply(new { seconds, images });
                            break;
                        }
                        case "rss":
                        {
                            var epochs = int.Parse(words[1], CultureInfo.InvariantCulture);
                            var limit = int.Parse(words[2], CultureInfo.InvariantCulture);
                            var subset = limit > 0 && limit < data.Train.Count ? data with { Train = data.Train.Slice(0, limit) } : data;
                            var perEpoch = (subset.Train.Count + workload.BatchSize - 1) / workload.BatchSize;
                            var observer = new RssPerEpoch();
                            Train(workload, subset, (long)perEpoch * epochs, seed, threads, observer, ct);
                            Reply(new { rssMb = observer.RssMb, stepsPerEpoch = perEpoch });
                            break;
                        }
                        case "peak":
                            Reply(new { peakRssMb = ProcStatus.ReadMb("VmHWM") });
                            break;
                        case "quit":
                            Reply(new { peakRssMb = ProcStatus.ReadMb("VmHWM") });
                            return 0;
                        default:
                            Reply(new { error = $"unknown command '{words[0]}'" });
                            break;
                    }
                }
                catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or BenchException or LayerException or FormatException or IndexOutOfRangeException)
                {
                    Reply(new { error = e.Message });
                }
            }
            return 0;
        }
        catch (BenchException e)
        {
            Reply(new { error = e.Message });
            return 2;
        }
    }

    /// <summary>
    /// One timed training run from a freshly initialised network. <paramref name="rss"/> null: no evaluation at all
    /// (EvalEvery beyond the run); otherwise once per epoch, so the observer sees a train row at each epoch's end.
    /// </summary>
    private static (double Seconds, long Steps, long Images) Train(BenchWorkload w, DatasetSplits data, long steps, ulong seed,
        int threads, ITrainingObserver? rss, CancellationToken ct)
    {
        var empty = DatasetArrays.Empty(data.Train.SampleShape);
        var trainOnly = data with { Validation = empty, Test = empty };
        using var net = Interpreter.CompileValid(w.Network, seed);
        using optim.Optimizer optimizer = w.Optimizer switch
        {
            BenchOptimizer.Adam => optim.Adam(net.parameters()),
            BenchOptimizer.Sgd => optim.SGD(net.parameters(), BenchWorkload.SgdLearningRate),
            _ => throw new ArgumentOutOfRangeException(nameof(w), w.Optimizer, "unknown optimizer"),
        };
        var config = new TrainingConfig(w.BatchSize, steps, EvalEvery: rss is null ? steps + 1 : 0, seed, threads, Probes: []);
        var outcome = Trainer.Train(net, optimizer, trainOnly, config, rss ?? NoObserver.Instance, ct);
        if (outcome.Status != RunStatus.Complete)
            throw new BenchException($"{w.Name}: training ended {outcome.Status} at step {outcome.DivergedAtStep ?? outcome.Steps}");
        var images = (long)Math.Round(outcome.Epochs * data.Train.Count);
        return (outcome.TrainSeconds, outcome.Steps, images);
    }

    /// <summary><paramref name="passes"/> eval-mode passes over the test split with the trainer's <see cref="Evaluator"/>.</summary>
    private static (double Seconds, long Images) Infer(BenchWorkload w, DatasetSplits data, int passes, ulong seed, int threads)
    {
        torch.set_num_threads(threads);
        using var net = Interpreter.CompileValid(w.Network, seed);
        using var evaluator = new Evaluator(data.Test.SampleShape, w.BatchSize);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < passes; i++) evaluator.Evaluate(net, data.Test);
        return (clock.Elapsed.TotalSeconds, (long)passes * data.Test.Count);
    }

    private sealed class NoObserver : ITrainingObserver
    {
        public static readonly NoObserver Instance = new();
        public void OnMetric(MetricRow row) { }
        public void OnProbe(ProbeRow row) { }
        public void OnProgress(TrainingProgress progress) { }
    }

    /// <summary>Reads VmRSS at each epoch's train row (the trainer writes one per evaluation, here once per epoch).</summary>
    private sealed class RssPerEpoch : ITrainingObserver
    {
        public List<double> RssMb { get; } = [];

        public void OnMetric(MetricRow row)
        {
            if (row.Split == "train" && ProcStatus.ReadMb("VmRSS") is { } mb) RssMb.Add(mb);
        }

        public void OnProbe(ProbeRow row) { }
        public void OnProgress(TrainingProgress progress) { }
    }
}
