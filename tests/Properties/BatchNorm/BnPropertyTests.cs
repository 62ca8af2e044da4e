using NormLab.Tests.Properties.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Tests.Properties.BatchNorm;

/// <summary>The BN invariants (issue 4, properties 1–10) hold for NormLab's BatchNormLayer, every convention, both implementations.</summary>
public class BnPropertyTests
{
    [Fact] public void P1_train_output_is_normalised() => PropertyRunner.Check(BnProperties.P1_TrainNormalises(RealBn.Factory));
    [Fact] public void P2_affine_and_affine_false() => PropertyRunner.Check(BnProperties.P2_Affine(RealBn.Factory));
    [Fact] public void P3_shift_and_scale_invariance() => PropertyRunner.Check(BnProperties.P3_ShiftScaleInvariance(RealBn.Factory));
    [Fact] public void P4_permutation_equivariance() => PropertyRunner.Check(BnProperties.P4_PermutationEquivariance(RealBn.Factory));
    [Fact] public void P5_eval_is_per_row_and_repeats() => PropertyRunner.Check(BnProperties.P5_EvalIsPerRow(RealBn.Factory));
    [Fact] public void P6a_cumulative_averages_batch_statistics() => PropertyRunner.Check(BnProperties.P6a_CumulativeAverages(RealBn.Factory));
    [Fact] public void P6b_momentum_converges_geometrically() => PropertyRunner.Check(BnProperties.P6b_MomentumConverges(RealBn.Factory));
    [Fact] public void P6c_untracked_train_equals_eval() => PropertyRunner.Check(BnProperties.P6c_UntrackedTrainEqualsEval(RealBn.Factory));
    [Fact] public void P6d_window_averages_the_last_batches() => PropertyRunner.Check(BnProperties.P6d_WindowAveragesLastBatches(RealBn.Factory));
    [Fact] public void P7_gradients() => PropertyRunner.Check(BnProperties.P7_Gradients(RealBn.Factory));
    [Fact] public void P8_native_agrees_with_scratch() => PropertyRunner.Check(BnProperties.P8_NativeAgreesWithScratch(RealBn.Factory, RealBn.Factory));
    [Fact] public void P9_bookkeeping() => PropertyRunner.Check(BnProperties.P9_Bookkeeping(RealBn.Factory));
    [Fact] public void P10_keras_torch_duality() => PropertyRunner.Check(BnProperties.P10_KerasTorchDuality(RealBn.Factory));
}

/// <summary>
/// Each property catches a deliberately broken BN: the same property, run against a mutant, must be falsified (the
/// issue's "done when"). The unbroken reference the mutants derive from passes every property, so a kill is the mutation's.
/// </summary>
public class BnMutantTests(ITestOutputHelper output)
{
    public static TheoryData<Mutation, string> Matrix()
    {
        var data = new TheoryData<Mutation, string>();
        foreach (var (mutant, killers) in BnLaws.Kills)
            foreach (var p in killers)
                data.Add(mutant, p);
        return data;
    }

    [Theory, MemberData(nameof(Matrix))]
    public void Property_kills_mutant(Mutation mutant, string property)
    {
        var failure = BnLaws.ById[property](MutantBn.Factory(mutant)).Falsify();
        Assert.True(failure is not null, $"{property} did not catch the {mutant} mutant");
        output.WriteLine(failure!.Describe());
        // Caught by the law itself, not by a crash of the test code.
        Assert.True(failure.IsViolation, failure.Describe());
    }

    public static TheoryData<string> Properties() => new(BnLaws.ById.Keys);

    [Theory, MemberData(nameof(Properties))]
    public void Unbroken_reference_passes(string property)
    {
        var failure = BnLaws.ById[property](MutantBn.Factory(Mutation.None)).Falsify();
        Assert.True(failure is null, failure?.Describe());
    }

    [Fact]
    public void Every_property_kills_some_mutant_and_every_mutant_is_killed()
    {
        var killing = BnLaws.Kills.SelectMany(k => k.KilledBy).ToHashSet();
        var idle = BnLaws.ById.Keys.Where(p => !killing.Contains(p)).ToArray();
        Assert.True(idle.Length == 0, $"properties that kill no mutant: {string.Join(", ", idle)}");
        var unkilled = Enum.GetValues<Mutation>().Where(m => m != Mutation.None && BnLaws.Kills.All(k => k.Mutant != m)).ToArray();
        Assert.True(unkilled.Length == 0, $"mutants no property is asked to kill: {string.Join(", ", unkilled)}");
    }
}
