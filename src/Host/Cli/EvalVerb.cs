using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NormLab.Core.Experiments;
using NormLab.Engine;
using NormLab.Engine.Compilation;
using NormLab.Engine.Training;
using NormLab.Host.Results;
using NormLab.Host.Running;
using NormLab.Host.Yaml;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Host.Cli;

/// <summary>
/// <c>normlab eval RUN_DIR</c>: rebuilds a run's network from its config.yaml (the resolved configuration it ran with),
/// loads its model.safetensors, evaluates the test split the way training did (eval mode, batches of 1,000, the run's
/// threads) and prints the test accuracy and loss beside those summary.json recorded. A missing or unreadable
/// config.yaml, or a weights file that is missing, truncated, corrupt or does not fit the network, is one line naming the
/// file and the problem, exit 2.
/// </summary>
public sealed class EvalVerb(ILoggerFactory loggers) : ICliVerb
{
    public Command Command
    {
        get
        {
            var runDir = new Argument<string>("RUN_DIR") { Description = "a run folder, e.g. results/ioffe-szegedy-fig1/bn/seed-1" };
            var command = new Command("eval", "Reload a run's model.safetensors and re-evaluate it on the test split.") { runDir };
            command.SetAction(parsed => Run(parsed.GetValue(runDir)!, parsed.InvocationConfiguration.Output,
                parsed.InvocationConfiguration.Error, loggers.CreateLogger<EvalVerb>()));
            return command;
        }
    }

    /// <summary>The verb's work; <paramref name="projectRoot"/> as for <see cref="DatasetProvider"/> (null: $NORMLAB_ROOT or found).</summary>
    public static int Run(string runDir, TextWriter output, TextWriter error, ILogger logger, string? projectRoot = null)
    {
        int UserError(string message)
        {
            error.WriteLine(message);
            return ExitCodes.UserError;
        }

        if (!Directory.Exists(runDir)) return UserError($"{runDir}: no such run folder");
        var configPath = Path.Combine(runDir, RunResultReader.ConfigFileName);
        var weightsPath = Path.Combine(runDir, ModelWeights.FileName);
        if (!File.Exists(configPath)) return UserError($"{configPath}: no such file — not a run folder of ./normlab run");
        string text;
        try
        {
            text = File.ReadAllText(configPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return UserError($"{configPath}: cannot be read ({e.Message})");
        }
        var plan = YamlDocuments.ReadRunPlan(text);
        if (plan.IsLeft)
        {
            var first = plan.LeftToSeq().Flatten().Head();
            return UserError($"{configPath}: {first}");
        }
        var run = plan.RightToSeq().Head();
        if (!File.Exists(weightsPath))
            return UserError($"{weightsPath}: no such file — the run wrote no weights (it failed, or ran before runs saved them)");

        var compiled = Interpreter.Compile(run.Network, (ulong)run.Seed);
        if (compiled.IsFail)
            return UserError($"{configPath}: model: {compiled.FailToSeq().Head()}");
        using var net = compiled.SuccessToSeq().Head();
        try
        {
            ModelWeights.Load(net, weightsPath);
        }
        catch (ModelWeightsException e)
        {
            return UserError(e.Message);
        }

        var data = new DatasetProvider(projectRoot, logger).Get(run.Dataset, CancellationToken.None);
        if (data.IsLeft)
        {
            error.WriteLine($"{configPath}: dataset {run.DatasetName}: {data.LeftToSeq().Head().Message}");
            return ExitCodes.Failed;
        }
        var splits = data.RightToSeq().Head();
        if (splits.Test.IsEmpty)
        {
            error.WriteLine($"{configPath}: dataset {run.DatasetName} has an empty test split");
            return ExitCodes.Failed;
        }

        torch.set_num_threads(run.Threads.IfNone(Environment.ProcessorCount));
        (double Loss, double Accuracy) now;
        try
        {
            // The batch size the run evaluated with: RunExecutor leaves TrainingConfig's default.
            var evalBatch = new TrainingConfig(1, 1, 0, 0, 1, []).EvalBatchSize;
            using var evaluator = new Evaluator(splits.Test.SampleShape, evalBatch);
            now = evaluator.Evaluate(net, splits.Test).IfNone((double.NaN, double.NaN));
        }
        catch (LayerException e)
        {
            error.WriteLine($"{weightsPath}: evaluation failed: {e.Message}");
            return ExitCodes.Failed;
        }

        var summaryPath = Path.Combine(runDir, SummaryJson.FileName);
        RunSummary? summary = null;
        string? summaryNote = null;
        if (!File.Exists(summaryPath)) summaryNote = "no summary.json";
        else
        {
            try
            {
                summary = SummaryJson.Read(summaryPath);
            }
            catch (ResultsFormatException e)
            {
                summaryNote = e.Message;
            }
        }

        var label = $"{run.ExperimentName}/{run.VariantName}/seed-{run.Seed}";
        output.WriteLine(Inv($"{label}: {splits.Test.Count} test images, {net.state_dict().Count} tensors from {weightsPath}"));
        output.WriteLine(Inv($"  test accuracy  now {now.Accuracy:0.0000}   summary.json {Recorded(summary?.TestAccuracy, summaryNote)}{Delta(now.Accuracy, summary?.TestAccuracy)}"));
        output.WriteLine(Inv($"  test loss      now {now.Loss:0.0000}   summary.json {Recorded(summary?.TestLoss, summaryNote)}{Delta(now.Loss, summary?.TestLoss)}"));
        if (summary is not null && summary.Status != Results.RunStatus.Complete)
            output.WriteLine($"  the run ended {summary.Status.ToString().ToLowerInvariant()}: its last evaluation may precede the saved weights");
        return ExitCodes.Ok;
    }

    static string Recorded(double? value, string? note) =>
        value is double v ? Inv($"{v:0.0000}") : note is null ? "–" : $"– ({note})";

    static string Delta(double now, double? recorded) => recorded switch
    {
        null => "",
        double r when r == now => "   (equal)",
        double r => Inv($"   (differs by {now - r:+0.0000;-0.0000})"),
    };

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
