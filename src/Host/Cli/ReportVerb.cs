using System.CommandLine;
using NormLab.Host.Reports;

namespace NormLab.Host.Cli;

/// <summary><c>./normlab report [RESULTS_DIR]</c>: figures (SVG and PNG) and results/report.html from a results folder.</summary>
public sealed class ReportVerb(ExperimentFiles files) : ICliVerb
{
    public Command Command
    {
        get
        {
            var dir = new Argument<string?>("RESULTS_DIR") { Arity = ArgumentArity.ZeroOrOne, Description = "the results folder (default: results/)" };
            var command = new Command("report", "Write the figures and report.html for a results folder.") { dir };
            command.SetAction(parsed => Run(parsed.GetValue(dir), parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
            return command;
        }
    }

    public int Run(string? dir, TextWriter output, TextWriter error)
    {
        var path = dir ?? files.DefaultResultsDir;
        if (!Directory.Exists(path))
        {
            error.WriteLine($"{path}: no such folder — run ./normlab run first, or give the results folder");
            return ExitCodes.UserError;
        }
        var outcome = ReportWriter.Write(path);
        foreach (var w in outcome.Warnings) error.WriteLine($"warning: {w}");
        return outcome.Error.Match(
            e => { error.WriteLine($"report: {e}"); return ExitCodes.Failed; },
            () =>
            {
                output.WriteLine($"report: {outcome.ReportPath.IfNone("")} ({outcome.SvgFiles.Count} SVG, {outcome.PngFiles.Count} PNG figures)");
                return ExitCodes.Ok;
            });
    }
}
