using System.Globalization;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace NormLab.Tests.Properties.Infrastructure;

/// <summary>
/// A property: a name, a shrinking generator of cases, a body that throws <see cref="PropertyViolation"/> (or anything
/// else) when the case breaks the law, and how many cases to try. Properties are values so the same law can be run
/// against the real BN and against each mutant.
/// </summary>
public sealed record PropertyDef<T>(string Name, Arbitrary<T> Cases, Action<T> Body, int MaxTest) : IProperty
{
    public PropertyOutcome Run() => PropertyRunner.Run(this);
    public PropertyFailure? Falsify() => Run().Failure;
}

/// <summary>How a run went: the cases FsCheck tried and the failure, if any.</summary>
public sealed record PropertyOutcome(int Tests, PropertyFailure? Failure);

/// <summary>A property of any case type, for tables of properties (the mutant matrix).</summary>
public interface IProperty
{
    string Name { get; }
    int MaxTest { get; }
    PropertyOutcome Run();
    PropertyFailure? Falsify();
}

/// <summary>Thrown by a property body when a case breaks the law; the message says what was expected and what came.</summary>
public sealed class PropertyViolation(string message) : Exception(message);

/// <summary>Thrown by <see cref="PropertyRunner.Check{T}"/>: the shrunk counterexample and the seed that replays it.</summary>
public sealed class PropertyFailedException(string message) : Exception(message);

/// <summary>What a falsified property reports.</summary>
public sealed record PropertyFailure(
    string Property, ulong Seed, int Tests, int Shrinks, string Original, string Shrunk, string Reason, string CaseReplay)
{
    /// <summary>True when the case broke the law (a <see cref="PropertyViolation"/>), false when something else was thrown.</summary>
    public bool IsViolation { get; init; }

    public string Describe() =>
        $"""
        property '{Property}' falsified after {Tests} case(s) and {Shrinks} shrink(s).
        minimal counterexample: {Shrunk}
        why: {Reason}
        original case: {Original}
        replay: {PropertyRunner.SeedVariable}={Seed.ToString(CultureInfo.InvariantCulture)} dotnet test tests/Properties (the run's seed; this case alone: FsCheck Replay {CaseReplay})
        """;
}

/// <summary>
/// Runs FsCheck properties that are values (one law, run against the real BN and against each mutant) from plain xunit
/// facts — a law with no mutant is a FsCheck.Xunit <see cref="LawAttribute"/> property instead: a fixed default seed so every
/// run tries the same cases, overridable with <c>NORMLAB_PROPERTY_SEED</c> to explore others, and on failure an exception
/// that shows the shrunk counterexample and the seed to replay it.
/// </summary>
public static class PropertyRunner
{
    public const string SeedVariable = "NORMLAB_PROPERTY_SEED";

    /// <summary>The default seed (Ioffe &amp; Szegedy's arXiv submission date): fixed, so CI runs are reproducible.</summary>
    public const ulong DefaultSeed = 20150211;

    /// <summary>The run's seed: <c>NORMLAB_PROPERTY_SEED</c> when set (a decimal integer), else <see cref="DefaultSeed"/>.</summary>
    public static ulong Seed
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(SeedVariable);
            if (string.IsNullOrWhiteSpace(text)) return DefaultSeed;
            return ulong.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
                ? seed
                : throw new ArgumentException($"{SeedVariable} must be a non-negative integer (got \"{text}\")");
        }
    }

    /// <summary>Runs the property; throws <see cref="PropertyFailedException"/> with the shrunk case when it is falsified.</summary>
    public static void Check(IProperty property)
    {
        var outcome = property.Run();
        if (outcome.Failure is not null) throw new PropertyFailedException(outcome.Failure.Describe());
        // A pass must mean every requested case ran (no silent early stop).
        if (outcome.Tests != property.MaxTest)
            throw new PropertyFailedException($"property '{property.Name}' ran {outcome.Tests} of {property.MaxTest} cases");
    }

    /// <summary>Runs the property: the number of cases tried and the failure, or null when every case passed.</summary>
    public static PropertyOutcome Run<T>(PropertyDef<T> property)
    {
        var seed = Seed;
        var runner = new CapturingRunner();
        // Each property draws its own stream from the run's seed, so adding a property does not change the others' cases.
        var rnd = new Rnd(Mix(seed, property.Name), 0x9E3779B97F4A7C15UL);
        var config = Config.Quick
            .WithMaxTest(property.MaxTest)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(rnd, FSharpOption<int>.None)))
            .WithRunner(runner)
            .WithName(property.Name)
            .WithQuietOnSuccess(true);
        FsCheck.Check.One(config, Prop.ForAll(property.Cases, property.Body));
        return runner.Result switch
        {
            TestResult.Passed p => new PropertyOutcome(p.Item1.NumberOfTests, null),
            TestResult.Failed f => new PropertyOutcome(f.Item1.NumberOfTests, new PropertyFailure(
                property.Name, seed, f.Item1.NumberOfTests, f.Item1.NumberOfShrinks,
                Args(f.Item2), Args(f.Item3), Reason(f.Item4),
                $"(seed {f.Item5.Seed}, gamma {f.Item5.Gamma}, size {f.Item7})")
            {
                IsViolation = f.Item4 is Outcome.Failed { Item: PropertyViolation },
            }),
            TestResult.Exhausted e => new PropertyOutcome(e.Item.NumberOfTests, new PropertyFailure(property.Name, seed,
                e.Item.NumberOfTests, 0, "", "", "exhausted: too many cases rejected", "")),
            _ => throw new InvalidOperationException($"FsCheck reported no result for {property.Name}"),
        };
    }

    private static string Args(FSharpList<object> args) => string.Join(" ; ", args.Select(a => a?.ToString() ?? "null"));

    private static string Reason(Outcome outcome) => outcome switch
    {
        Outcome.Failed f => f.Item is PropertyViolation v ? v.Message : $"{f.Item.GetType().Name}: {f.Item.Message}",
        _ => outcome.ToString(),
    };

    /// <summary>FNV-1a of the name folded into the seed: a per-property stream.</summary>
    private static ulong Mix(ulong seed, string name)
    {
        var h = 14695981039346656037UL ^ seed;
        foreach (var ch in name) h = (h ^ ch) * 1099511628211UL;
        return h;
    }

    /// <summary>Keeps FsCheck's verdict instead of printing it (the fact decides what to do with it).</summary>
    private sealed class CapturingRunner : IRunner
    {
        public TestResult? Result { get; private set; }
        public void OnStartFixture(Type t) { }
        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every) { }
        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink) { }
        public void OnFinished(string name, TestResult testResult) => Result = testResult;
    }
}
