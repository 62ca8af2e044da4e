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
                foreach (var line in DescribeSweeps(result.File.File, result.Plans)) output.WriteLine(line);
                return ExitCodes.Ok;
            },
            Left: problems => Report(problems, path, error));
    }

    /// <summary><c>5 experiments, 13 variants, 13 runs</c> (a sweep's variants counted one per point).</summary>
    public static string Describe(ExperimentFile file, Seq<RunPlan> plans)
    {
        var experiments = file.Experiments.Count;
        var variants = plans.Map(p => (p.ExperimentName, p.VariantName)).Distinct().Count();
        return $"{Count(experiments, "experiment")}, {Count(variants, "variant")}, {Count(plans.Count, "run")}";
    }

    /// <summary>One line per experiment with a sweep: <c>  gn-vs-bn: sweep of 2 axes, 6 points × 2 variants × 3 seeds = 36 runs</c>,
    /// and when that is more than <see cref="Sweep.MaxRunsWithoutConfirmation"/>, that <c>run</c> needs <c>--yes</c>.</summary>
    public static Seq<string> DescribeSweeps(ExperimentFile file, Seq<RunPlan> plans) =>
        file.Experiments.Choose(e => e.Sweep.Map(sweep =>
        {
            var runs = plans.Count(p => p.ExperimentName == e.Name);
            var line = $"  {e.Name}: sweep of {Count(sweep.Axes.Count, "axis", "axes")}{(sweep.Zip ? " (zipped)" : "")}, "
                + $"{Count((int)Sweeps.PointCount(sweep), "point")} × {Count(e.EffectiveVariants.Count, "variant")} × "
                + $"{Count(e.Seeds.Count, "seed")} = {Count(runs, "run")}";
            return runs > Sweep.MaxRunsWithoutConfirmation
                ? $"{line} — more than {Format.Number(Sweep.MaxRunsWithoutConfirmation)}: ./normlab run asks for --yes"
                : line;
        })).Strict();

    static string Count(int n, string noun, string plural) => $"{Format.Number(n)} {(n == 1 ? noun : plural)}";

    static string Count(int n, string noun) => $"{Format.Number(n)} {noun}{(n == 1 ? "" : "s")}";

    /// <summary>Every problem on its own line, then how many; exit code 2.</summary>
    public static int Report(Seq<LocatedProblem> problems, string path, TextWriter error)
    {
        foreach (var p in problems) error.WriteLine(p.ToString());
        error.WriteLine($"{path}: {Count(problems.Count, "problem")}");
        return ExitCodes.UserError;
    }
}
