using System.CommandLine;
using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using NormLab.Core.Networks;
using NormLab.Host.Yaml;
using static LanguageExt.Prelude;

namespace NormLab.Host.Cli;

/// <summary>
/// <c>normlab summary MODEL [--file FILE]</c>: the Keras-like layer table (<see cref="Summary.Render"/>) of a preset or of a
/// model of the experiments file's <c>models</c> section. An unknown name exits 2 listing presets and file models.
/// </summary>
public sealed class SummaryVerb(ExperimentFiles files) : ICliVerb
{
    public Command Command
    {
        get
        {
            var model = new Argument<string>("MODEL") { Description = "a preset (e.g. lenet5_bn_all) or a model of the experiments file" };
            var file = new System.CommandLine.Option<string?>("--file")
            {
                Description = $"the experiments file whose models are searched too (default: {ExperimentFiles.DefaultName} when present)",
            };
            var command = new Command("summary", "Print a model's layers, output shapes and parameter counts.") { model, file };
            command.SetAction(parsed => Run(parsed.GetValue(model)!, parsed.GetValue(file),
                parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
            return command;
        }
    }

    public int Run(string name, string? file, TextWriter output, TextWriter error)
    {
        // An explicit --file must be readable; the default file is optional (presets work anywhere).
        var path = file ?? files.DefaultPath;
        Map<string, ModelSpec> fileModels;
        if (file is not null || File.Exists(path))
        {
            var parsed = ExperimentFiles.Read(path);
            if (parsed.IsLeft && (file is not null || Presets.Find(name).IsNone))
                return ValidateVerb.Report(parsed.LeftToSeq().Flatten().ToSeq(), path, error);
            fileModels = parsed.Match(p => p.File.Models, _ => Map<string, ModelSpec>());
        }
        else fileModels = Map<string, ModelSpec>();

        var network = fileModels.Find(name).Match(
            Some: spec => ExperimentValidation.ResolveFileModel(name, spec, ProblemPath.Join("models", name)),
            None: () => Presets.Find(name).Match(
                n => Success<Problem, Network>(n),
                () => Validation<Problem, Network>.Fail(Seq1(new Problem("", UnknownModel(name, fileModels, path))))));
        return network.Bind(n => NetworkValidation.ValidateShape(n)).Match(
            Succ: shape =>
            {
                output.WriteLine(Summary.Render(shape));
                return ExitCodes.Ok;
            },
            Fail: problems =>
            {
                foreach (var p in problems) error.WriteLine(p.ToString());
                return ExitCodes.UserError;
            });
    }

    static string UnknownModel(string name, Map<string, ModelSpec> fileModels, string path)
    {
        var all = fileModels.Keys.ToSeq() + Presets.Names;
        var fileLine = fileModels.IsEmpty ? "" : $"\nmodels in {path}: {string.Join(", ", fileModels.Keys)}";
        return $"unknown model \"{name}\"{Suggestions.DidYouMean(name, all)}\npresets: {string.Join(", ", Presets.Names)}{fileLine}";
    }
}
