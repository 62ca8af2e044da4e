using System.CommandLine;
using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using NormLab.Host.Yaml;

namespace NormLab.Host.Cli;

/// <summary>
/// <c>normlab validate [FILE]</c>: reads and checks an experiments file. Exit 0 with one line
/// (<c>OK experiments.yaml: 5 experiments, 13 variants, 13 runs</c>), or exit 2 with every problem on stderr as
/// <c>path (line L, col C): message</c>.
/// </summary>
public sealed class ValidateVerb(ExperimentFiles files) : ICliVerb
{
    public Command Command
    {
        get
        {
            var file = new Argument<string?>("FILE")
            {
                Arity = ArgumentArity.ZeroOrOne,
                Description = $"the experiments file (default: {ExperimentFiles.DefaultName})",
            };
            var command = new Command("validate", "Check an experiments file: every mistake at once, with its path, line and column.") { file };
            command.SetAction(parsed => Run(parsed.GetValue(file), parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
            return command;
        }
    }

    public int Run(string? file, TextWriter output, TextWriter error)
    {
        var path = file ?? files.DefaultPath;
        return ExperimentFiles.ReadText(path).Bind(text => YamlDocuments.ReadPlans(text, PlanFilter.All)).Match(
            Right: result =>
            {
                output.WriteLine($"OK {path}: {Describe(result.File.File, result.Plans)}");
                return ExitCodes.Ok;
            },
            Left: problems => Report(problems, path, error));
    }

    /// <summary><c>5 experiments, 13 variants, 13 runs</c>.</summary>
    public static string Describe(ExperimentFile file, Seq<RunPlan> plans)
    {
        var experiments = file.Experiments.Count;
        var variants = file.Experiments.Sum(e => e.EffectiveVariants.Count);
        return $"{Count(experiments, "experiment")}, {Count(variants, "variant")}, {Count(plans.Count, "run")}";
    }

    static string Count(int n, string noun) => $"{Format.Number(n)} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>Every problem on its own line, then how many; exit code 2.</summary>
    public static int Report(Seq<LocatedProblem> problems, string path, TextWriter error)
    {
        foreach (var p in problems) error.WriteLine(p.ToString());
        error.WriteLine($"{path}: {Count(problems.Count, "problem")}");
        return ExitCodes.UserError;
    }
}
