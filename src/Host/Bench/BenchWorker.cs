using System.Diagnostics;
using NormLab.Core.Data;
using NormLab.Engine.Compilation;
using NormLab.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Host.Bench;

/// <summary>
/// NormLab's side of the benchmark, the hidden verb <c>bench-worker --workload NAME --data DIR --threads N --seed S</c>
/// (protocol: <see cref="WorkerLoop"/>). Training goes through <see cref="Trainer.Train"/> — the code path of
/// <c>./normlab run</c> — with no evaluation during training and no probes; the time reported is the trainer's own
/// <see cref="TrainingOutcome.TrainSeconds"/> (optimizer steps only; the empty validation and test splits make the final
/// evaluation a no-op anyway). <c>phases</c> passes a <see cref="StepPhases"/> to the trainer.
/// </summary>
public static class BenchWorker
{
    public const string Verb = "bench-worker";

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, CancellationToken ct) =>
        Task.Run(() => WorkerLoop.Run(Verb, args, stdin, stdout, (w, data, threads, seed) => new Side(w, data, threads, seed, ct), ct), ct);

    private sealed class Side(BenchWorkload w, DatasetSplits data, int threads, ulong seed, CancellationToken ct) : IBenchSide
    {
        public (double Seconds, long Steps, long Images) Train(long steps, StepPhases? phases) => Run(data, steps, null, phases);

        public (IReadOnlyList<double> RssMb, long StepsPerEpoch)? Rss(int epochs, int limit)
        {
            var subset = limit > 0 && limit < data.Train.Count ? data with { Train = data.Train.Slice(0, limit) } : data;
            var perEpoch = (subset.Train.Count + w.BatchSize - 1) / w.BatchSize;
            var observer = new RssPerEpoch();
            Run(subset, (long)perEpoch * epochs, observer, null);
            return (observer.RssMb, perEpoch);
        }

        /// <summary>
        /// One timed training run from a freshly initialised network. <paramref name="rss"/> null: no evaluation at all
        /// (EvalEvery beyond the run); otherwise once per epoch, so the observer sees a train row at each epoch's end.
        /// </summary>
        private (double Seconds, long Steps, long Images) Run(DatasetSplits splits, long steps, ITrainingObserver? rss, StepPhases? phases)
        {
            var empty = DatasetArrays.Empty(splits.Train.SampleShape);
            var trainOnly = splits with { Validation = empty, Test = empty };
            using var net = Interpreter.CompileValid(w.Network, seed);
            using optim.Optimizer optimizer = w.Optimizer switch
            {
                BenchOptimizer.Adam => optim.Adam(net.parameters()),
                BenchOptimizer.Sgd => optim.SGD(net.parameters(), BenchWorkload.SgdLearningRate),
                _ => throw new ArgumentOutOfRangeException(nameof(w), w.Optimizer, "unknown optimizer"),
            };
            var config = new TrainingConfig(w.BatchSize, steps, EvalEvery: rss is null ? steps + 1 : 0, seed, threads, Probes: [], Phases: phases);
            var outcome = Trainer.Train(net, optimizer, trainOnly, config, rss ?? NoObserver.Instance, ct);
            if (outcome.Status != RunStatus.Complete)
                throw new BenchException($"{w.Name}: training ended {outcome.Status} at step {outcome.DivergedAtStep ?? outcome.Steps}");
            var images = (long)Math.Round(outcome.Epochs * splits.Train.Count);
            return (outcome.TrainSeconds, outcome.Steps, images);
        }

        /// <summary><paramref name="passes"/> eval-mode passes over the test split with the trainer's <see cref="Evaluator"/>.</summary>
        public (double Seconds, long Images) Infer(int passes)
        {
            torch.set_num_threads(threads);
            using var net = Interpreter.CompileValid(w.Network, seed);
            using var evaluator = new Evaluator(data.Test.SampleShape, w.BatchSize);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < passes; i++) evaluator.Evaluate(net, data.Test);
            return (clock.Elapsed.TotalSeconds, (long)passes * data.Test.Count);
        }
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
