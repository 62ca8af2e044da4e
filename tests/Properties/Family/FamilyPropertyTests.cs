using NormLab.Tests.Properties.BatchNorm;
using NormLab.Tests.Properties.Infrastructure;
using Xunit.Abstractions;

namespace NormLab.Tests.Properties.Family;

/// <summary>
/// The normalization family's properties (issue 12): each run against NormLab's implementation, against the unbroken
/// reference its mutants are derived from, and against every mutant it must kill.
/// </summary>
public static class FamilyLaws
{
    /// <summary>A property: how to build it for NormLab's implementation, for the unbroken reference, and for each mutant it must catch.</summary>
    public sealed record Law(string Id, Func<IProperty> Real, Func<IProperty> Reference, (string Mutant, Func<IProperty> Property)[] Kills);

    public static readonly Law[] All =
    [
        new("G1", () => GroupNormProperties.G1_OneGroupIsLayerNormPlusChannelAffine(RealGroupNorm.Factory),
            () => GroupNormProperties.G1_OneGroupIsLayerNormPlusChannelAffine(MutantGroupNorm.Factory(GroupNormMutation.None)),
            [
                ("GroupNorm.UnbiasedVariance", () => GroupNormProperties.G1_OneGroupIsLayerNormPlusChannelAffine(MutantGroupNorm.Factory(GroupNormMutation.UnbiasedVariance))),
                ("GroupNorm.AffinePerGroup", () => GroupNormProperties.G1_OneGroupIsLayerNormPlusChannelAffine(MutantGroupNorm.Factory(GroupNormMutation.AffinePerGroup))),
            ]),
        new("G2", () => GroupNormProperties.G2_ChannelGroupsAreInstanceNorm(RealGroupNorm.Factory),
            () => GroupNormProperties.G2_ChannelGroupsAreInstanceNorm(MutantGroupNorm.Factory(GroupNormMutation.None)),
            [("GroupNorm.UnbiasedVariance", () => GroupNormProperties.G2_ChannelGroupsAreInstanceNorm(MutantGroupNorm.Factory(GroupNormMutation.UnbiasedVariance)))]),
        new("R1", () => BnVariantProperties.R1_RenormWithUnitLimitsIsBn(RealBn.Factory),
            () => BnVariantProperties.R1_RenormWithUnitLimitsIsBn(MutantBnVariant.Factory(BnVariantMutation.None)),
            [
                ("Renorm.DetachesBatchStatistics", () => BnVariantProperties.R1_RenormWithUnitLimitsIsBn(MutantBnVariant.Factory(BnVariantMutation.RenormDetachesBatchStatistics))),
                ("Renorm.NormalisesWithRunningSigma", () => BnVariantProperties.R1_RenormWithUnitLimitsIsBn(MutantBnVariant.Factory(BnVariantMutation.RenormNormalisesWithRunningSigma))),
            ]),
        new("R2", () => BnVariantProperties.R2_RenormIsBnDuringWarmup(RealBn.Factory),
            () => BnVariantProperties.R2_RenormIsBnDuringWarmup(MutantBnVariant.Factory(BnVariantMutation.None)),
            [("Renorm.IgnoresWarmup", () => BnVariantProperties.R2_RenormIsBnDuringWarmup(MutantBnVariant.Factory(BnVariantMutation.RenormIgnoresWarmup)))]),
        new("GH1", () => BnVariantProperties.GH1_VirtualBatchOfWholeBatchIsBn(RealBn.Factory),
            () => BnVariantProperties.GH1_VirtualBatchOfWholeBatchIsBn(MutantBnVariant.Factory(BnVariantMutation.None)),
            [("Ghost.ChunkCountNotSize", () => BnVariantProperties.GH1_VirtualBatchOfWholeBatchIsBn(MutantBnVariant.Factory(BnVariantMutation.GhostChunkCountNotSize)))]),
        new("GH2", () => BnVariantProperties.GH2_GhostIsOneBnCallPerChunk(RealBn.Factory),
            () => BnVariantProperties.GH2_GhostIsOneBnCallPerChunk(MutantBnVariant.Factory(BnVariantMutation.None)),
            [
                ("Ghost.IgnoresChunks", () => BnVariantProperties.GH2_GhostIsOneBnCallPerChunk(MutantBnVariant.Factory(BnVariantMutation.GhostIgnoresChunks))),
                ("Ghost.UpdatesOnceFromWholeBatch", () => BnVariantProperties.GH2_GhostIsOneBnCallPerChunk(MutantBnVariant.Factory(BnVariantMutation.GhostUpdatesOnceFromWholeBatch))),
                ("Ghost.ChunksInEval", () => BnVariantProperties.GH2_GhostIsOneBnCallPerChunk(MutantBnVariant.Factory(BnVariantMutation.GhostChunksInEval))),
                ("Ghost.ChunkCountNotSize", () => BnVariantProperties.GH2_GhostIsOneBnCallPerChunk(MutantBnVariant.Factory(BnVariantMutation.GhostChunkCountNotSize))),
            ]),
        new("N1", () => NoiseAndPreciseProperties.N1_ZeroSpreadIsIdentityAndEvalNeverNoisy(RealNoise.Factory),
            () => NoiseAndPreciseProperties.N1_ZeroSpreadIsIdentityAndEvalNeverNoisy(MutantNoise.Factory(NoiseMutation.None)),
            [
                ("Noise.AppliedInEval", () => NoiseAndPreciseProperties.N1_ZeroSpreadIsIdentityAndEvalNeverNoisy(MutantNoise.Factory(NoiseMutation.AppliedInEval))),
                ("Noise.ScaleWithoutOne", () => NoiseAndPreciseProperties.N1_ZeroSpreadIsIdentityAndEvalNeverNoisy(MutantNoise.Factory(NoiseMutation.ScaleWithoutOne))),
            ]),
        new("PB1", () => NoiseAndPreciseProperties.P1_PreciseOverEveryBatchIsPopulation(PreciseBnEstimators.Real),
            () => NoiseAndPreciseProperties.P1_PreciseOverEveryBatchIsPopulation(PreciseBnEstimators.Mutant(PreciseMutation.None)),
            [
                ("Precise.AveragesBatchVariances", () => NoiseAndPreciseProperties.P1_PreciseOverEveryBatchIsPopulation(PreciseBnEstimators.Mutant(PreciseMutation.AveragesBatchVariances))),
                ("Precise.UnweightedBatches", () => NoiseAndPreciseProperties.P1_PreciseOverEveryBatchIsPopulation(PreciseBnEstimators.Mutant(PreciseMutation.UnweightedBatches))),
            ]),
        new("TO1", () => Freezers.TO1_TrainOnlyLeavesOtherParametersBitIdentical(Freezers.Real),
            () => Freezers.TO1_TrainOnlyLeavesOtherParametersBitIdentical(Freezers.Mutant(FreezeMutation.None)),
            [
                ("Freeze.ZeroGradInsteadOfExclusion", () => Freezers.TO1_TrainOnlyLeavesOtherParametersBitIdentical(Freezers.Mutant(FreezeMutation.ZeroGradInsteadOfExclusion))),
                ("Freeze.FreezesWeightsNotBiases", () => Freezers.TO1_TrainOnlyLeavesOtherParametersBitIdentical(Freezers.Mutant(FreezeMutation.FreezesWeightsNotBiases))),
            ]),
    ];

    public static Law ById(string id) => All.Single(l => l.Id == id);
}

public class FamilyPropertyTests(ITestOutputHelper output)
{
    public static TheoryData<string> Ids() => new(FamilyLaws.All.Select(l => l.Id));

    public static TheoryData<string, string> Kills()
    {
        var data = new TheoryData<string, string>();
        foreach (var law in FamilyLaws.All)
            foreach (var (mutant, _) in law.Kills)
                data.Add(law.Id, mutant);
        return data;
    }

    [Theory, MemberData(nameof(Ids))]
    public void NormLab_satisfies(string id) => PropertyRunner.Check(FamilyLaws.ById(id).Real());

    [Theory, MemberData(nameof(Ids))]
    public void Unbroken_reference_passes(string id)
    {
        var failure = FamilyLaws.ById(id).Reference().Falsify();
        Assert.True(failure is null, failure?.Describe());
    }

    [Theory, MemberData(nameof(Kills))]
    public void Property_kills_mutant(string id, string mutant)
    {
        var failure = FamilyLaws.ById(id).Kills.Single(k => k.Mutant == mutant).Property().Falsify();
        Assert.True(failure is not null, $"{id} did not catch the {mutant} mutant");
        output.WriteLine(failure!.Describe());
        Assert.True(failure.IsViolation, failure.Describe());
    }

    [Fact]
    public void Every_mutation_is_killed_by_some_property()
    {
        var killed = FamilyLaws.All.SelectMany(l => l.Kills.Select(k => k.Mutant)).ToHashSet();
        var all = Enum.GetValues<GroupNormMutation>().Select(m => $"GroupNorm.{m}")
            .Concat(Enum.GetValues<BnVariantMutation>().Where(m => m != BnVariantMutation.None)
                .Select(m => m.ToString().StartsWith("Renorm") ? $"Renorm.{m.ToString()[6..]}" : $"Ghost.{m.ToString()[5..]}"))
            .Concat(Enum.GetValues<NoiseMutation>().Select(m => $"Noise.{m}"))
            .Concat(Enum.GetValues<PreciseMutation>().Select(m => $"Precise.{m}"))
            .Concat(Enum.GetValues<FreezeMutation>().Select(m => $"Freeze.{m}"))
            .Where(n => !n.EndsWith(".None"));
        var unkilled = all.Where(n => !killed.Contains(n)).ToArray();
        Assert.True(unkilled.Length == 0, $"mutants no property is asked to kill: {string.Join(", ", unkilled)}");
    }
}
