using System.CommandLine;
using NormLab.Host.Results;

namespace NormLab.Host.Cli;

/// <summary>
/// <c>./normlab status [RESULTS_DIR]</c>: every planned run of a results folder — complete, running (where, since when),
/// failed, cancelled, diverged or missing — and the totals; read from the shared folder alone, so it answers from any
/// machine while shards run.
/// </summary>
public sealed class StatusVerb(ExperimentFiles files) : ICliVerb
{
    public Command Command
    {
        get
        {
            var dir = new Argument<string?>("RESULTS_DIR") { Arity = ArgumentArity.ZeroOrOne, Description = "the results folder (default: results/)" };
            var command = new Command("status", "Show every planned run of a results folder: complete, running, failed, cancelled, diverged or missing.") { dir };
            command.SetAction(parsed => Run(parsed.GetValue(dir) ?? files.DefaultResultsDir, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
            return command;
        }
    }

    public static int Run(string dir, TextWriter output, TextWriter error)
    {
        if (!Directory.Exists(dir))
        {
            error.WriteLine($"{dir}: no such folder — run ./normlab run first, or give the results folder");
            return ExitCodes.UserError;
        }
        IReadOnlyList<RunStateRow> rows;
        try
        {
            rows = RunStates.Read(dir);
        }
        catch (ResultsFormatException e)
        {
            error.WriteLine(e.Message);
            return ExitCodes.UserError;
        }
        if (PlanFile.Read(dir) is { } plan)
            output.WriteLine($"{Path.GetFullPath(dir)}: {plan.File}{(plan.Shards > 1 ? $", {plan.Shards} shards" : "")}");
        else
            output.WriteLine($"{Path.GetFullPath(dir)}: no {PlanFile.FileName} (not written by ./normlab run yet): the run folders found");
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Folder.Length);
        foreach (var r in rows)
            output.WriteLine($"  {r.Folder.PadRight(width)}  {(r.Shard is int s ? $"shard {s}  " : "")}{r.State.ToString().ToLowerInvariant(),-9}  {r.Detail}");
        output.WriteLine(RunStates.Totals(rows));
        return ExitCodes.Ok;
    }
}
