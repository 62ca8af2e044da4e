using LanguageExt;
using NormLab.Core.Data;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using NormLab.Engine;
using NormLab.Engine.Checkpoints;
using NormLab.Engine.Compilation;
using NormLab.Engine.Training;
using System.Runtime.InteropServices;
using NormLab.Host.Results;
using TorchSharp;
using static TorchSharp.torch;
using HostRunStatus = NormLab.Host.Results.RunStatus;

namespace NormLab.Host.Running;

/// <summary>
/// Trains one <see cref="RunJob"/> and writes its folder: config.yaml first (what is about to run), metrics.csv and
/// probes.csv (and the TensorBoard events in tb/) while it runs, model.safetensors (the final weights) when training returns, summary.json last — so a summary that says "complete" means every other file is whole.
/// A run that fails (a libtorch error, a layer misuse) is recorded as failed with its message; the others go on.
/// </summary>
public static class RunExecutor
{
    /// <summary>A checkpoint also whenever this much training passed since the last one, however long the epoch.</summary>
    public static readonly TimeSpan CheckpointMaxInterval = TimeSpan.FromMinutes(10);

    /// <param name="log">The run's normlab.log, closed (renamed into place) after the outcome line and before summary.json.</param>
    /// <param name="resume">Continue from the run's newest valid checkpoint when there is one (<c>--resume</c>); otherwise
    /// old checkpoints are removed and the run starts at step 0.</param>
    /// <param name="say">Where the executor says what it did with checkpoints (the log).</param>
    public static RunSummary Execute(RunJob job, DatasetSplits data, string runDir, IRunTicker ticker, CancellationToken cancel,
        IDisposable? log = null, bool resume = false, Action<string>? say = null)
    {
        say ??= _ => { };
        Directory.CreateDirectory(runDir);
        if (!resume) CheckpointFolder.Delete(runDir);
        var summaryPath = Path.Combine(runDir, SummaryJson.FileName);
        // A summary left by an earlier, unfinished attempt must not describe this one.
        if (File.Exists(summaryPath)) File.Delete(summaryPath);
        var weightsPath = Path.Combine(runDir, ModelWeights.FileName);
        if (File.Exists(weightsPath)) File.Delete(weightsPath);
        AtomicFile.WriteAllText(Path.Combine(runDir, RunResultReader.ConfigFileName), job.ResolvedConfigYaml);

        var shape = ShapeInference.Infer(job.Network).Match(s => s, _ => throw new InvalidOperationException($"{job.Label}: network was not validated"));
        var baseSummary = new RunSummary
        {
            Experiment = job.Experiment,
            Variant = job.Variant,
            Seed = job.Seed,
            Status = HostRunStatus.Failed,
            Params = new ParamCounts(shape.TotalParams, shape.TrainableParams, shape.NonTrainableParams),
            BnConvention = BnConventionOf(job.Network),
            Device = job.Device.Name(),
            TorchSharpVersion = Versions.TorchSharp,
            LibtorchVersion = Versions.Libtorch,
        };
        RunSummary summary;
        try
        {
            var device = DeviceResolution.Torch(job.Device);
            var fingerprint = Fingerprint(job);
            var (net, optimizer) = Build(job, device);
            TrainerResume? from = null;
            (string, string)? texts = null;
            if (resume)
            {
                var notes = new List<string>();
                foreach (var candidate in CheckpointFolder.Candidates(runDir, fingerprint, notes))
                {
                    using (candidate)
                    {
                        try
                        {
                            TrainingState.RestoreNetwork(net, candidate.Contents.Tensors.ToDictionary(p => p.Key, p => p.Value));
                            TrainingState.RestoreOptimizer(optimizer, candidate.Contents.Optimizer);
                            from = new TrainerResume(candidate.Contents.Position, candidate.Contents.Rng);
                            texts = (candidate.Contents.MetricsCsv, candidate.Contents.ProbesCsv);
                            break;
                        }
                        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or ExternalException)
                        {
                            notes.Add($"{candidate.Folder}/: not used — {e.Message}");
                            // A restore that failed half way may have changed the network: start from a fresh one.
                            net.Dispose();
                            optimizer.Dispose();
                            (net, optimizer) = Build(job, device);
                        }
                    }
                }
                foreach (var note in notes) say($"{job.Label}: {note}");
                if (from is not null)
                    say($"{job.Label}: resuming from its checkpoint at step {from.Position.Step} of {job.TotalSteps}");
                else if (notes.Count > 0)
                    say($"{job.Label}: no usable checkpoint, starting again from step 0");
            }
            TrainingOutcome outcome;
            using var netOwner = net;
            using var optimizerOwner = optimizer;
            // A resumed run's TensorBoard events go to a new event file in tb/ beside the earlier attempt's.
            using (var writer = new RunResultsWriter(runDir, ticker.Update, new TensorBoardLog(runDir, net), texts))
            {
                var checkpointer = new Checkpointer(job, runDir, fingerprint, net, optimizer, writer);
                var config = new TrainingConfig(job.BatchSize, job.TotalSteps, job.EvalEvery, (ulong)job.Seed, job.Threads,
                    ProbeResolver.Resolve(job.Network, job.Probes), Device: device, PreciseBnBatches: job.PreciseBnBatches,
                    Checkpoints: checkpointer, Resume: from, ClassesPerBatch: job.ClassesPerBatch);
                outcome = Trainer.Train(net, optimizer, data, config, writer, cancel);
            }
            // The parameters and BN buffers as training left them (complete, diverged or cancelled), before summary.json.
            ModelWeights.Save(net, weightsPath);
            var epochs = outcome.Epochs;
            summary = baseSummary with
            {
                Status = outcome.Status switch
                {
                    Engine.Training.RunStatus.Complete => HostRunStatus.Complete,
                    Engine.Training.RunStatus.Diverged => HostRunStatus.Diverged,
                    _ => HostRunStatus.Cancelled,
                },
                DivergedAtStep = outcome.DivergedAtStep,
                Message = outcome.Status switch
                {
                    Engine.Training.RunStatus.Diverged => $"loss became non-finite at step {outcome.DivergedAtStep}",
                    Engine.Training.RunStatus.Cancelled => $"cancelled after {outcome.Steps} of {job.TotalSteps} steps" +
                        (CheckpointFolder.LatestStep(runDir) is long at ? $"; checkpoint at step {at}: ./normlab run --resume continues it" : ""),
                    _ => null,
                },
                Steps = outcome.Steps,
                Epochs = epochs,
                TestAccuracy = outcome.TestAccuracy,
                TestLoss = outcome.TestLoss,
                BestValAccuracy = outcome.BestValAccuracy,
                FinalTrainAccuracy = outcome.FinalTrainAccuracy,
                WallSeconds = outcome.WallSeconds,
                SecondsPerEpoch = epochs > 0 ? outcome.TrainSeconds / epochs : null,
                ImagesPerSecond = outcome.ImagesPerSecond,
                PreciseBn = outcome.PreciseBn is { } p
                    ? new PreciseBnResult(p.Batches, p.TestAccuracy, p.TestLoss, p.ValAccuracy, p.ValLoss)
                    : null,
            };
        }
        catch (LayerException e)
        {
            summary = baseSummary with { Message = e.Message };
        }
        catch (System.Runtime.InteropServices.ExternalException e)
        {
            // libtorch's error outside any one layer (the loss, the optimizer): its message without the C++ backtrace.
            summary = baseSummary with { Message = TorchErrors.Describe(e) };
        }

        ticker.Finish(Describe(summary));
        log?.Dispose();
        SummaryJson.Write(summaryPath, summary);
        // A complete run needs no checkpoint; a cancelled or failed one keeps it for --resume.
        if (summary.Status == HostRunStatus.Complete) CheckpointFolder.Delete(runDir);
        return summary;
    }

    private static (CompiledNetwork Net, torch.optim.Optimizer Optimizer) Build(RunJob job, Device device)
    {
        var net = Interpreter.CompileValid(job.Network, (ulong)job.Seed, device);
        // Only what may train: layers with trainable: false (trainOnly) never reach the optimizer.
        return (net, OptimizerFactory.Create(job.Optimizer, net.TrainableParameters()));
    }

    /// <summary>
    /// What a checkpoint must agree with to be continued: the run's resolved configuration, its total steps and its
    /// threads (the thread count changes libtorch's reductions, so a resume on other threads would not be the same bits).
    /// </summary>
    public static string Fingerprint(RunJob job) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"{job.ResolvedConfigYaml}\ntotalSteps={job.TotalSteps}\nthreads={job.Threads}\ncheckpointFormat=1")));

    /// <summary>Captures the run's state at the trainer's request and writes it (<see cref="CheckpointFolder"/>).</summary>
    private sealed class Checkpointer(RunJob job, string runDir, string fingerprint, CompiledNetwork net, torch.optim.Optimizer optimizer,
        RunResultsWriter writer) : ICheckpointer
    {
        public long Every => job.CheckpointEvery;

        public TimeSpan MaxInterval => CheckpointMaxInterval;

        public void Save(TrainerPosition position)
        {
            var tensors = TrainingState.NetworkTensors(net);
            try
            {
                var (metrics, probes) = writer.Texts;
                CheckpointFolder.Write(runDir, new CheckpointContents(position, fingerprint, tensors,
                    TrainingState.OptimizerBytes(optimizer), TrainingState.RngState(), metrics, probes));
            }
            finally
            {
                foreach (var (_, t) in tensors) t.Dispose();
            }
        }
    }

    public static string Describe(RunSummary s) => s.Status switch
    {
        HostRunStatus.Complete => FormattableString.Invariant($"complete: test acc {s.TestAccuracy:0.0000}, {s.WallSeconds:0.0} s"),
        HostRunStatus.Diverged => $"diverged at step {s.DivergedAtStep}",
        HostRunStatus.Cancelled => s.Message ?? "cancelled",
        _ => $"failed: {s.Message}",
    };

    /// <summary>The run's BN convention for summary.json: the convention of its BN layers, or "none".</summary>
    private static string BnConventionOf(Network network) =>
        network.Layers.OfType<BatchNorm>().Select(b => b.ConventionName).Distinct().ToList() switch
        {
            [] => "none",
            [var one] => one,
            var many => string.Join("+", many),
        };
}
