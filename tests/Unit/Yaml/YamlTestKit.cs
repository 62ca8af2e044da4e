using NormLab.Core.Experiments;
using NormLab.Host.Yaml;

namespace NormLab.Tests.Unit.Yaml;

static class YamlTestKit
{
    /// <summary>The problems of a failed read, as the CLI prints them; fails the test if the read succeeded.</summary>
    public static string[] Problems<T>(Either<Seq<LocatedProblem>, T> result) =>
        result.Match(
            Right: _ => throw new Xunit.Sdk.XunitException("expected problems, got success"),
            Left: problems => problems.Map(p => p.ToString()).ToArray());

    public static void AssertProblems<T>(string[] expected, Either<Seq<LocatedProblem>, T> result) =>
        Assert.Equal(string.Join("\n", expected), string.Join("\n", Problems(result)));

    public static T Ok<T>(Either<Seq<LocatedProblem>, T> result) =>
        result.Match(
            Right: x => x,
            Left: problems => throw new Xunit.Sdk.XunitException("expected success, got:\n" + string.Join("\n", problems)));

    /// <summary>Joins lines with '\n' so a test can write a YAML file line by line and count lines and columns.</summary>
    public static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";

    /// <summary>The repository root (the folder with experiments.yaml), found from the test's working folder.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "experiments.yaml")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
                return dir.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    public static string ShippedFile => Path.Combine(RepoRoot(), "experiments.yaml");
}
