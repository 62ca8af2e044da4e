using System.Diagnostics;
using NormLab.Core.Data;
using NormLab.Engine.Compilation;

namespace NormLab.Engine.Training;

/// <summary>
/// The training loop: shuffled mini-batches (a fresh order per epoch from the run's seed), cross-entropy on the logits,
/// backward, optimizer step — one dispose scope per step, so native memory stays flat. Evaluates validation and test
/// every <see cref="TrainingConfig.EvalEvery"/> steps (or once per epoch) and at the end; probes read layer outputs of
/// the training batch under no_grad; a non-finite loss stops the run as diverged; cancellation is honoured at step
/// boundaries. Results flow out through an <see cref="ITrainingObserver"/> as they are produced.
/// </summary>
public static class Trainer
{
    public static TrainingOutcome Train(CompiledNetwork net, Optimizer optimizer, DatasetSplits data, TrainingConfig config,
        ITrainingObserver observer, CancellationToken cancel)
    {
        torch.set_num_threads(config.Threads);
        // Dropout and any other sampling during training draw from the run's seed, after initialisation.
        torch.manual_seed(unchecked((long)config.Seed));
        var clock = Stopwatch.StartNew();
        var train = new BatchIterator(data.Train, config.BatchSize);
        if (train.BatchCount == 0) throw new ArgumentException("the training split is empty");
        var sampleShape = data.Train.SampleShape;
        var sampleSize = train.SampleSize;
        var images = new float[config.BatchSize * sampleSize];
        var labels = new long[config.BatchSize];
        var device = config.Device ?? CPU;
        using var imageTensor = torch.zeros([config.BatchSize, .. sampleShape.Select(d => (long)d)], dtype: ScalarType.Float32).DetachFromDisposeScope();
        using var labelTensor = torch.zeros(config.BatchSize, dtype: ScalarType.Int64).DetachFromDisposeScope();
        using var evaluator = new Evaluator(sampleShape, config.EvalBatchSize, device);
        var probes = new ProbeSet(net, config.Probes, observer);
        var evalEvery = config.EvalEvery > 0 ? config.EvalEvery : train.BatchCount;
        var phases = config.Phases;

        net.train();
        long step = 0;
        long seen = 0;
        double windowLoss = 0;
        long windowCorrect = 0, windowSamples = 0;
        double? lastTrainAccuracy = null, bestVal = null, testAcc = null, testLoss = null;
        long? divergedAt = null;
        var status = RunStatus.Complete;
        double trainSeconds = 0;
        double Epoch() => (double)seen / data.Train.Count;

        void EvaluateNow()
        {
            var evalStart = clock.Elapsed.TotalSeconds;
            if (windowSamples > 0)
            {
                lastTrainAccuracy = (double)windowCorrect / windowSamples;
                observer.OnMetric(new MetricRow(step, Epoch(), "train", windowLoss / windowSamples, lastTrainAccuracy.Value, evalStart));
                windowLoss = 0;
                windowCorrect = 0;
                windowSamples = 0;
            }
            evaluator.Evaluate(net, data.Validation).IfSome(r =>
            {
                bestVal = Math.Max(bestVal ?? double.MinValue, r.Accuracy);
                observer.OnMetric(new MetricRow(step, Epoch(), "val", r.Loss, r.Accuracy, clock.Elapsed.TotalSeconds));
            });
            evaluator.Evaluate(net, data.Test).IfSome(r =>
            {
                (testLoss, testAcc) = (r.Loss, r.Accuracy);
                observer.OnMetric(new MetricRow(step, Epoch(), "test", r.Loss, r.Accuracy, clock.Elapsed.TotalSeconds));
            });
            // Evaluation time is not training time: images/s counts only the steps.
            trainSeconds -= clock.Elapsed.TotalSeconds - evalStart;
        }

        var trainStart = clock.Elapsed.TotalSeconds;
        var lastProgress = 0.0;
        var epochsStarted = 0;
        for (var epoch = 0; step < config.TotalSteps && status == RunStatus.Complete; epoch++)
        {
            epochsStarted = epoch + 1;
            train.Shuffle(config.Seed, epoch);
            for (var b = 0; b < train.BatchCount && step < config.TotalSteps; b++)
            {
                if (cancel.IsCancellationRequested)
                {
                    status = RunStatus.Cancelled;
                    break;
                }
                // Phase timing (phases non-null) reads the clock between the step's parts; off, it is one null test each.
                var t0 = phases is null ? 0 : Stopwatch.GetTimestamp();
                var n = train.Fill(b, images, labels);
                double loss;
                long correct;
                using (var scope = torch.NewDisposeScope())
                {
                    var (x, y) = BatchTensors.Load(imageTensor, labelTensor, images, labels, n, sampleSize, device);
                    var t1 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    var probing = probes.Due(step + 1);
                    var logits = probing ? net.ForwardLogits(x, probes.Observe) : net.ForwardLogits(x);
                    var lossTensor = nn.functional.cross_entropy(logits, y);
                    var t2 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    optimizer.zero_grad();
                    lossTensor.backward();
                    if (probing) probes.AfterBackward();
                    var t3 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    optimizer.step();
                    if (phases is not null)
                    {
                        var t4 = Stopwatch.GetTimestamp();
                        phases.Data += t1 - t0;
                        phases.Forward += t2 - t1;
                        phases.Backward += t3 - t2;
                        phases.Optimizer += t4 - t3;
                    }
                    loss = lossTensor.item<float>();
                    using (torch.no_grad()) correct = logits.argmax(1).eq(y).sum().item<long>();
                    if (probing) probes.Flush(step + 1);
                }
                if (phases is not null)
                {
                    phases.Total += Stopwatch.GetTimestamp() - t0;
                    phases.Steps++;
                }
                step++;
                seen += n;
                if (!double.IsFinite(loss))
                {
                    divergedAt = step;
                    status = RunStatus.Diverged;
                    break;
                }
                windowLoss += loss * n;
                windowCorrect += correct;
                windowSamples += n;
                var now = clock.Elapsed.TotalSeconds;
                if (now - lastProgress >= 0.25 || step == config.TotalSteps)
                {
                    lastProgress = now;
                    var elapsedTrain = now - trainStart + trainSeconds;
                    observer.OnProgress(new TrainingProgress(step, config.TotalSteps, Epoch(), loss, (double)correct / n,
                        elapsedTrain > 0 ? seen / elapsedTrain : 0, now));
                }
                if (step % evalEvery == 0 || step == config.TotalSteps) EvaluateNow();
            }
        }
        trainSeconds += clock.Elapsed.TotalSeconds - trainStart;
        // A cancelled run still reports where it stood, so the kept results say how far it got.
        if (status == RunStatus.Cancelled && windowSamples > 0) EvaluateNow();
        // Precise BN after a complete run: the next epoch's shuffle supplies the batches.
        var precise = status == RunStatus.Complete && config.PreciseBnBatches > 0
            ? PreciseBn.Run(net, data, config.BatchSize, config.PreciseBnBatches, config.Seed, epochsStarted, evaluator, device)
            : null;
        var wall = clock.Elapsed.TotalSeconds;
        return new TrainingOutcome(status, step, Epoch(), divergedAt, testAcc, testLoss, bestVal, lastTrainAccuracy, wall,
            trainSeconds, trainSeconds > 0 ? seen / trainSeconds : 0, precise);
    }
}
