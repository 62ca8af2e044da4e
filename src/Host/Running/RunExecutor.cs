using LanguageExt;
using NormLab.Core.Data;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using NormLab.Engine;
using NormLab.Engine.Compilation;
using NormLab.Engine.Training;
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
    /// <param name="log">The run's normlab.log, closed (renamed into place) after the outcome line and before summary.json.</param>
    public static RunSummary Execute(RunJob job, DatasetSplits data, string runDir, IRunTicker ticker, CancellationToken cancel, IDisposable? log = null)
    {
        Directory.CreateDirectory(runDir);
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
            using var net = Interpreter.CompileValid(job.Network, (ulong)job.Seed, device);
            // Only what may train: layers with trainable: false (trainOnly) never reach the optimizer.
            using var optimizer = OptimizerFactory.Create(job.Optimizer, net.TrainableParameters());
            var config = new TrainingConfig(job.BatchSize, job.TotalSteps, job.EvalEvery, (ulong)job.Seed, job.Threads,
                ProbeResolver.Resolve(job.Network, job.Probes), Device: device, PreciseBnBatches: job.PreciseBnBatches);
            TrainingOutcome outcome;
            using (var writer = new RunResultsWriter(runDir, ticker.Update, new TensorBoardLog(runDir, net)))
                outcome = Trainer.Train(net, optimizer, data, config, writer, cancel);
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
                    Engine.Training.RunStatus.Cancelled => $"cancelled after {outcome.Steps} of {job.TotalSteps} steps",
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
        return summary;
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
