using LanguageExt;
using Microsoft.Extensions.Configuration;
using NormLab.Host.Yaml;
using static LanguageExt.Prelude;

namespace NormLab.Host.Cli;

/// <summary>
/// Finds and reads experiments files (the shell's side of <see cref="YamlDocuments"/>): the default is
/// <c>experiments.yaml</c> in the working folder, else in the repository root that <c>./normlab</c> exports as
/// <c>NORMLAB_ROOT</c>. A missing or unreadable file is a located problem like any other, never an exception.
/// </summary>
public sealed class ExperimentFiles(IConfiguration configuration)
{
    public const string DefaultName = "experiments.yaml";

    /// <summary>Where results go by default: results/ in the repository root ($NORMLAB_ROOT), else in the current folder.</summary>
    public string DefaultResultsDir
    {
        get
        {
            var root = configuration["NORMLAB_ROOT"];
            return string.IsNullOrEmpty(root) ? "results" : Path.Combine(root, "results");
        }
    }

    /// <summary>
    /// Where a file's results go by default: <c>results/</c> for experiments.yaml, <c>results-&lt;name&gt;/</c> beside it for any
    /// other file (<c>studies.yaml</c> → <c>results-studies/</c>) — a results folder holds one file's runs (plan.json), so two
    /// shipped files must not share one.
    /// </summary>
    public string DefaultResultsDirFor(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file);
        return stem == Path.GetFileNameWithoutExtension(DefaultName) ? DefaultResultsDir : DefaultResultsDir + "-" + stem;
    }

    /// <summary>The repository root ($NORMLAB_ROOT, which ./normlab exports), else the current folder: where a cluster job runs ./normlab.</summary>
    public string RepositoryRoot => configuration["NORMLAB_ROOT"] is { Length: > 0 } root ? root : Directory.GetCurrentDirectory();

    public string DefaultPath
    {
        get
        {
            if (File.Exists(DefaultName)) return DefaultName;
            var root = configuration["NORMLAB_ROOT"];
            return string.IsNullOrEmpty(root) ? DefaultName : Path.Combine(root, DefaultName);
        }
    }

    /// <summary>The text of <paramref name="path"/>, or why it cannot be read.</summary>
    public static Either<Seq<LocatedProblem>, string> ReadText(string path)
    {
        try
        {
            if (Directory.Exists(path))
                return Left(Seq1(new LocatedProblem("", $"{path} is a folder — give the experiments file itself (e.g. {Path.Combine(path, DefaultName)})", None)));
            if (!File.Exists(path))
                return Left(Seq1(new LocatedProblem("", $"{path}: no such file — give the path of an experiments file (default: {DefaultName})", None)));
            return Right(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Left(Seq1(new LocatedProblem("", $"{path}: cannot be read — {e.Message}", None)));
        }
    }

    public static Either<Seq<LocatedProblem>, ParsedFile> Read(string path) =>
        ReadText(path).Bind(YamlDocuments.ReadExperiments);
}
