using NormLab.Tests.Properties.Infrastructure;

namespace NormLab.Tests.Properties.BatchNorm;

/// <summary>The BN properties by id, each instantiated for a BN under test (P8 pairs the real native BN with it).</summary>
public static class BnLaws
{
    public static readonly IReadOnlyDictionary<string, Func<BnFactory, IProperty>> ById = new Dictionary<string, Func<BnFactory, IProperty>>
    {
        ["P1"] = f => BnProperties.P1_TrainNormalises(f),
        ["P2"] = f => BnProperties.P2_Affine(f),
        ["P3"] = f => BnProperties.P3_ShiftScaleInvariance(f),
        ["P4"] = f => BnProperties.P4_PermutationEquivariance(f),
        ["P5"] = f => BnProperties.P5_EvalIsPerRow(f),
        ["P6a"] = f => BnProperties.P6a_CumulativeAverages(f),
        ["P6b"] = f => BnProperties.P6b_MomentumConverges(f),
        ["P6d"] = f => BnProperties.P6d_WindowAveragesLastBatches(f),
        ["P6c"] = f => BnProperties.P6c_UntrackedTrainEqualsEval(f),
        ["P7"] = f => BnProperties.P7_Gradients(f),
        ["P8"] = f => BnProperties.P8_NativeAgreesWithScratch(RealBn.Factory, f),
        ["P9"] = f => BnProperties.P9_Bookkeeping(f),
        ["P10"] = f => BnProperties.P10_KerasTorchDuality(f),
    };

    /// <summary>Which properties must kill which mutant (each property kills at least one; the tests assert both).</summary>
    public static readonly (Mutation Mutant, string[] KilledBy)[] Kills =
    [
        (Mutation.UnbiasedVarianceInTraining, ["P1"]),
        (Mutation.ForgetEpsilon, ["P1", "P3"]),
        (Mutation.ForgetCentering, ["P1", "P3"]),
        (Mutation.RunningStatsInTraining, ["P1"]),
        (Mutation.StatisticsSkipLastRow, ["P4", "P1"]),
        (Mutation.AffineIgnoresBeta, ["P2", "P8"]),
        (Mutation.EvalUsesBatchStatistics, ["P5", "P6a"]),
        (Mutation.UpdateStatsInEval, ["P9", "P5"]),
        (Mutation.NotCountingBatches, ["P9", "P6a"]),
        (Mutation.EmptyBatchCounts, ["P9"]),
        (Mutation.CumulativeOneOverKPlusOne, ["P6a"]),
        (Mutation.KerasMomentumTorchStyle, ["P6b", "P10"]),
        (Mutation.KerasStoresUnbiased, ["P6b", "P10"]),
        (Mutation.TorchStoresBiased, ["P6b", "P10", "P8"]),
        (Mutation.UntrackedEvalUsesInitialStatistics, ["P6c"]),
        (Mutation.WindowOneTooMany, ["P6d"]),
        (Mutation.DetachedStatistics, ["P7", "P8"]),
    ];
}
