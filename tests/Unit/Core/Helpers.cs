using NormLab.Core.Networks;
namespace NormLab.Tests.Unit.Core;

static class Helpers
{
    public static Seq<int> Shape(params int[] dims) => dims.ToSeq().Strict();

    public static Seq<Layer> Layers(params Layer[] layers) => layers.ToSeq().Strict();

    /// <summary>The problems of a failed validation as "path: message" lines; fails the test if it succeeded.</summary>
    public static string[] Problems<T>(Validation<Problem, T> v) =>
        v.Match(
            Succ: _ => throw new Xunit.Sdk.XunitException("expected validation problems, got success"),
            Fail: fails => fails.Map(p => p.ToString()).ToArray());

    /// <summary>Asserts the exact problem lines, in order; compared as one text so a failure shows every line.</summary>
    public static void AssertProblems<T>(string[] expected, Validation<Problem, T> v) =>
        Assert.Equal(string.Join("\n", expected), string.Join("\n", Problems(v)));

    public static T Ok<T>(Validation<Problem, T> v) =>
        v.Match(
            Succ: x => x,
            Fail: fails => throw new Xunit.Sdk.XunitException("expected success, got:\n" + string.Join("\n", fails)));

    public static NetworkShape Infer(Network n) => Ok(ShapeInference.Infer(n));
}
