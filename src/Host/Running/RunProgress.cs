using LanguageExt;
using System.Globalization;
using NormLab.Engine.Training;
using Spectre.Console;

namespace NormLab.Host.Running;

/// <summary>
/// Live progress of the runs: one Spectre.Console bar per run (step, loss, accuracy, images/s, ETA) on a terminal;
/// plain, greppable log lines every few seconds when output is redirected (CI, files).
/// </summary>
public interface IRunProgress
{
    IRunTicker Start(string label, long totalSteps);
}

public interface IRunTicker
{
    void Update(TrainingProgress p);
    void Finish(string outcome);
}

/// <summary>Spectre bars inside a running <see cref="ProgressContext"/>.</summary>
public sealed class BarProgress(ProgressContext context) : IRunProgress
{
    public IRunTicker Start(string label, long totalSteps) => new Ticker(context.AddTask(Markup.Escape(label), maxValue: totalSteps), label);

    private sealed class Ticker(ProgressTask task, string label) : IRunTicker
    {
        public void Update(TrainingProgress p)
        {
            task.Value = p.Step;
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{label}  loss {p.Loss:0.0000}  acc {p.Accuracy:0.000}  {p.ImagesPerSecond:0} img/s"));
        }

        public void Finish(string outcome)
        {
            task.Description = Markup.Escape($"{label}  {outcome}");
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }
}

/// <summary>Plain lines for non-terminals: one at start, one every <paramref name="every"/>, one at the end.</summary>
public sealed class LineProgress(TextWriter output, TimeSpan every) : IRunProgress
{
    public IRunTicker Start(string label, long totalSteps)
    {
        output.WriteLine($"[run] {label}: start, {totalSteps} steps");
        return new Ticker(output, label, every);
    }

    private sealed class Ticker(TextWriter output, string label, TimeSpan every) : IRunTicker
    {
        private double lastPrinted = double.NegativeInfinity;

        public void Update(TrainingProgress p)
        {
            if (p.ElapsedSeconds - lastPrinted < every.TotalSeconds) return;
            lastPrinted = p.ElapsedSeconds;
            var eta = p.Step > 0 ? p.ElapsedSeconds / p.Step * (p.TotalSteps - p.Step) : 0;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[run] {label}: step {p.Step}/{p.TotalSteps} epoch {p.Epoch:0.00} loss {p.Loss:0.0000} acc {p.Accuracy:0.000} {p.ImagesPerSecond:0} img/s eta {eta:0}s"));
        }

        public void Finish(string outcome) => output.WriteLine($"[run] {label}: {outcome}");
    }
}
