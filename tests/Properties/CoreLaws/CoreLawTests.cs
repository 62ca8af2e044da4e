using LanguageExt;
using NormLab.Core;
using NormLab.Core.Experiments;
using NormLab.Engine.Compilation;
using NormLab.Host.Yaml;
using NormLab.Tests.Properties.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Tests.Properties.CoreLaws;

/// <summary>Core laws 12–14 for NormLab's shape inference, validation and interpreter.</summary>
public class CoreLawTests
{
    [Fact]
    public void P12_shape_inference_matches_compiled_modules() =>
        PropertyRunner.Check(CoreLawProperties.P12_ShapeInferenceMatchesCompiled(n => ShapeInference.Infer(n)));

    [Fact]
    public void P13_invalid_networks_are_rejected_with_a_path() =>
        PropertyRunner.Check(CoreLawProperties.P13_InvalidNetworksRejected(n => NetworkValidation.Validate(n)));

    [Fact]
    public void P14_seeds_are_reproducible() =>
        PropertyRunner.Check(CoreLawProperties.P14_SeedsAreReproducible((n, s) => Interpreter.CompileValid(n, s)));
}

/// <summary>The core laws catch deliberately broken shape inference, validation and compilers.</summary>
public class CoreLawMutantTests(ITestOutputHelper output)
{
    /// <summary>Shape inference that forgets strides (convolutions and pools as if stride 1).</summary>
    static Validation<Problem, NetworkShape> InferIgnoringStrides(Network n) =>
        ShapeInference.Infer(n with
        {
            Layers = n.Layers.Map(l => l switch
            {
                Conv2D c => c with { Stride = 1 },
                MaxPool p => p with { Stride = 1 },
                AvgPool p => (Layer)(p with { Stride = 1 }),
                _ => l,
            }),
        });

    /// <summary>Validation that checks the layers' fields but not the shapes.</summary>
    static Validation<Problem, Network> FieldsOnly(Network n)
    {
        var problems = n.Layers.Map((i, l) => l.FieldProblems(ProblemPath.Index("layers", i))).SelectMany(p => p).ToSeq();
        return problems.IsEmpty ? Prelude.Success<Problem, Network>(n) : Validation<Problem, Network>.Fail(problems);
    }

    /// <summary>Validation that finds the problems but loses their paths.</summary>
    static Validation<Problem, Network> Pathless(Network n) =>
        NetworkValidation.Validate(n).MapFail(p => p with { Path = "" });

    private void Killed(IProperty property)
    {
        var failure = property.Falsify();
        Assert.True(failure is not null, $"{property.Name} did not catch the mutant");
        output.WriteLine(failure!.Describe());
        Assert.True(failure.IsViolation, failure.Describe());
    }

    [Fact] public void P12_catches_inference_that_ignores_strides() =>
        Killed(CoreLawProperties.P12_ShapeInferenceMatchesCompiled(InferIgnoringStrides));

    [Fact] public void P13_catches_validation_without_shape_checks() =>
        Killed(CoreLawProperties.P13_InvalidNetworksRejected(FieldsOnly));

    [Fact] public void P13_catches_problems_without_paths() =>
        Killed(CoreLawProperties.P13_InvalidNetworksRejected(Pathless));

    [Fact] public void P14_catches_a_compiler_that_ignores_the_seed() =>
        Killed(CoreLawProperties.P14_SeedsAreReproducible((n, _) => Interpreter.CompileValid(n, 7)));

    [Fact]
    public void P14_catches_a_compiler_that_reseeds_every_time()
    {
        ulong calls = 0;
        Killed(CoreLawProperties.P14_SeedsAreReproducible((n, s) => Interpreter.CompileValid(n, s + ++calls)));
    }
}

/// <summary>
/// Core law 11: YAML round-trip of networks, experiment files and run plans. Laws with no mutant to catch, so plain
/// FsCheck.Xunit properties: the generated case is the test's argument (<see cref="YamlRoundTripProperties"/> holds the
/// generators), a broken law is an assertion with the YAML text in its message.
/// </summary>
public class YamlRoundTripTests
{
    [Law(MaxTest = 300, Arbitrary = [typeof(YamlRoundTripProperties)])]
    public void P11a_generated_networks_round_trip_through_yaml(Network n)
    {
        var text = YamlDocuments.WriteNetwork(n);
        var back = YamlDocuments.ReadNetwork(text).Match(r => r, problems => throw new Xunit.Sdk.XunitException(
            $"written network does not read back: {string.Join("; ", problems)}\n{text}"));
        Assert.True(back == n, $"read back differs:\n{text}\nwas: {NetworkText.Describe(n)}\nnow: {NetworkText.Describe(back)}");
    }

    [Law(MaxTest = 150, Arbitrary = [typeof(YamlRoundTripProperties)])]
    public void P11b_generated_experiments_and_plans_round_trip_through_yaml(ExperimentFile file)
    {
        var text = YamlDocuments.WriteExperiments(file);
        var back = YamlDocuments.ReadExperiments(text).Match(r => r.File, problems => throw new Xunit.Sdk.XunitException(
            $"written file does not read back: {string.Join("; ", problems)}\n{text}"));
        Assert.True(back == file, $"experiment file read back differs:\n{text}");
        var plans = Plans.Expand(file).Match(p => p, problems => throw new Xunit.Sdk.XunitException(
            $"generated file is invalid: {string.Join("; ", problems)}"));
        foreach (var plan in plans)
        {
            var planText = YamlDocuments.WriteRunPlan(plan);
            var planBack = YamlDocuments.ReadRunPlan(planText).Match(p => p, problems => throw new Xunit.Sdk.XunitException(
                $"written run plan does not read back: {string.Join("; ", problems)}\n{planText}"));
            Assert.True(planBack == plan, $"run plan read back differs:\n{planText}");
        }
    }
}

/// <summary>Law 15: a split kept as bytes plus a pixel table decodes to the same floats, bit for bit, as the old float arrays.</summary>
public class PixelTableTests(ITestOutputHelper output)
{
    [Fact]
    public void P15_pixel_tables_decode_bit_identically() =>
        PropertyRunner.Check(PixelTableProperties.P15_DecodingIsBitIdentical(PixelTableProperties.Decode));

    /// <summary>A table computed in float32 arithmetic: close (within a few ulps) but not the numbers the network used to see.</summary>
    static float[] Float32Arithmetic(PixelCase c) =>
        c.Pixels.Select((b, k) => c.Standardizer is { } s
            ? (b / 255f - (float)s.Mean[k % c.Size]) / (float)s.Std[k % c.Size]
            : b / 255f).ToArray();

    [Fact]
    public void P15_catches_a_table_computed_in_float32()
    {
        var failure = PixelTableProperties.P15_DecodingIsBitIdentical(Float32Arithmetic).Falsify();
        Assert.True(failure is not null, "P15 did not catch float32 arithmetic");
        output.WriteLine(failure!.Describe());
        Assert.True(failure.IsViolation, failure.Describe());
    }
}
