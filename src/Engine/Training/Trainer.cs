using System.Diagnostics;
using NormLab.Core.Data;
using NormLab.Engine.Compilation;

namespace NormLab.Engine.Training;

/// <summary>
/// The training loop: shuffled mini-batches (a fresh order per epoch from the run's seed), cross-entropy on the logits,
/// backward, optimizer step — one dispose scope per step, so native memory stays flat. Evaluates validation and test
/// every <see cref="TrainingConfig.EvalEvery"/> steps (or once per epoch) and at the end; probes read layer outputs of
/// the training batch under no_grad (the landscape probe runs extra forwards between backward and optimizer step and
/// puts everything back); a non-finite loss stops the run as diverged; cancellation is honoured at step
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
        var resume = config.Resume;
        // A resumed run's generator continues where the checkpoint left it (dropout masks of the later steps).
        if (resume is not null) Checkpoints.TrainingState.RestoreRng(resume.RngState);
        var clock = Stopwatch.StartNew();
        // The run's clock: metrics.csv's time continues from the checkpoint's.
        var clockOffset = resume?.Position.ElapsedSeconds ?? 0;
        double Now() => clockOffset + clock.Elapsed.TotalSeconds;
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
        using var probes = new ProbeSet(net, config.Probes, observer);
        var evalEvery = config.EvalEvery > 0 ? config.EvalEvery : train.BatchCount;
        var phases = config.Phases;

        net.train();
        var start = resume?.Position;
        long step = start?.Step ?? 0;
        long seen = start?.Seen ?? 0;
        double windowLoss = start?.WindowLoss ?? 0;
        long windowCorrect = start?.WindowCorrect ?? 0, windowSamples = start?.WindowSamples ?? 0;
        double? lastTrainAccuracy = start?.LastTrainAccuracy, bestVal = start?.BestValAccuracy, testAcc = start?.TestAccuracy, testLoss = start?.TestLoss;
        long? divergedAt = null;
        var status = RunStatus.Complete;
        double trainSeconds = start?.TrainSeconds ?? 0;
        var checkpoints = config.Checkpoints;
        var lastCheckpointStep = step;
        var lastCheckpointAt = clock.Elapsed;
        var trainStart = 0.0;
        double Epoch() => (double)seen / data.Train.Count;

        void EvaluateNow()
        {
            var evalStart = Now();
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
                observer.OnMetric(new MetricRow(step, Epoch(), "val", r.Loss, r.Accuracy, Now()));
            });
            evaluator.Evaluate(net, data.Test).IfSome(r =>
            {
                (testLoss, testAcc) = (r.Loss, r.Accuracy);
                observer.OnMetric(new MetricRow(step, Epoch(), "test", r.Loss, r.Accuracy, Now()));
            });
            // Evaluation time is not training time: images/s counts only the steps.
            trainSeconds -= Now() - evalStart;
        }

        // A checkpoint holds the state after `step` steps with (epoch, batch) the next batch; train time as of now.
        void Checkpoint(int epoch, int batch)
        {
            if (checkpoints is null) return;
            checkpoints.Save(new TrainerPosition(step, epoch, batch, seen, windowLoss, windowCorrect, windowSamples,
                lastTrainAccuracy, bestVal, testAcc, testLoss, Now(), trainSeconds + (Now() - trainStart)));
            lastCheckpointStep = step;
            lastCheckpointAt = clock.Elapsed;
        }

        trainStart = Now();
        var lastProgress = 0.0;
        // Epochs whose shuffle has been drawn; a resumed run counts those before its checkpoint (mid-epoch: that one too).
        var epochsStarted = start is null ? 0 : start.Epoch + (start.Batch > 0 ? 1 : 0);
        for (var epoch = start?.Epoch ?? 0; step < config.TotalSteps && status == RunStatus.Complete; epoch++)
        {
            epochsStarted = epoch + 1;
            if (config.ClassesPerBatch > 0) train.ClassSkewed(config.Seed, epoch, config.ClassesPerBatch);
            else train.Shuffle(config.Seed, epoch);
            for (var b = epoch == start?.Epoch ? start!.Batch : 0; b < train.BatchCount && step < config.TotalSteps; b++)
            {
                if (cancel.IsCancellationRequested)
                {
                    // SIGTERM / SIGINT: the state after the last whole step, so --resume loses nothing.
                    if (step > lastCheckpointStep) Checkpoint(epoch, b);
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
                    if (probing) probes.BeforeForward();
                    var logits = probing ? net.ForwardLogits(x, probes.Observe) : net.ForwardLogits(x);
                    var lossTensor = nn.functional.cross_entropy(logits, y);
                    var t2 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    optimizer.zero_grad();
                    lossTensor.backward();
                    if (probing) probes.AfterBackward(x, y, lossTensor);
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
                var now = Now();
                // Every quarter second, and at every evaluation step (so a display, or a test, sees those steps exactly).
                if (now - lastProgress >= 0.25 || step == config.TotalSteps || step % evalEvery == 0)
                {
                    lastProgress = now;
                    var elapsedTrain = now - trainStart + trainSeconds;
                    observer.OnProgress(new TrainingProgress(step, config.TotalSteps, Epoch(), loss, (double)correct / n,
                        elapsedTrain > 0 ? seen / elapsedTrain : 0, now));
                }
                if (step % evalEvery == 0 || step == config.TotalSteps) EvaluateNow();
                if (checkpoints is not null && step < config.TotalSteps
                    && ((checkpoints.Every > 0 ? step % checkpoints.Every == 0 : b + 1 == train.BatchCount)
                        || clock.Elapsed - lastCheckpointAt >= checkpoints.MaxInterval))
                    Checkpoint(epoch, b + 1);
            }
        }
        trainSeconds += Now() - trainStart;
        // A cancelled run still reports where it stood, so the kept results say how far it got.
        if (status == RunStatus.Cancelled && windowSamples > 0) EvaluateNow();
        // Precise BN after a complete run: the next epoch's shuffle supplies the batches.
        var precise = status == RunStatus.Complete && config.PreciseBnBatches > 0
            ? PreciseBn.Run(net, data, config.BatchSize, config.PreciseBnBatches, config.Seed, epochsStarted, evaluator, device)
            : null;
        var wall = Now();
        return new TrainingOutcome(status, step, Epoch(), divergedAt, testAcc, testLoss, bestVal, lastTrainAccuracy, wall,
            trainSeconds, trainSeconds > 0 ? seen / trainSeconds : 0, precise);
    }
}
