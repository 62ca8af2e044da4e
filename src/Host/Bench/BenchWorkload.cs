using NormLab.Core.Networks;
using NormLab.Host.Data;

namespace NormLab.Host.Bench;

/// <summary>What a workload times: optimizer steps of training, or eval-mode passes over the test split.</summary>
public enum BenchKind
{
    Train,
    Inference,
}

/// <summary>The optimizers the workloads use, with the hyperparameters both sides share.</summary>
public enum BenchOptimizer
{
    /// <summary>Adam with PyTorch's defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8).</summary>
    Adam,
    /// <summary>Plain SGD, lr 0.01 (Keras' default, the MLP studies' setting).</summary>
    Sgd,
}

/// <summary>
/// One workload of issue 7, defined once: the PyTorch reference (<c>bench/pytorch_reference.py</c>) mirrors it by
/// <see cref="Name"/>. <paramref name="FullSteps"/> counts optimizer steps (one epoch = ⌈train / batch⌉, the last
/// partial batch kept) or, for inference, passes over the 10,000 test images.
/// </summary>
public sealed record BenchWorkload(
    int Number,
    string Name,
    string Title,
    BenchKind Kind,
    string Dataset,
    Network Network,
    BenchOptimizer Optimizer,
    int BatchSize,
    long FullSteps,
    long QuickSteps)
{
    public const double SgdLearningRate = 0.01;

    /// <summary>Steps (or passes) for a full or a quick run.</summary>
    public long Steps(bool quick) => quick ? QuickSteps : FullSteps;

    /// <summary>⌈60,000 / batch⌉: one epoch of the MNIST / Fashion-MNIST training split.</summary>
    public static long Epoch(int batch) => (60_000 + batch - 1) / batch;

    /// <summary>LeNet-5 with BN before every activation, every BatchNorm switched to the from-scratch implementation.</summary>
    public static Network ScratchBn(Network network) => network with
    {
        Name = network.Name + "_scratch",
        Layers = network.Layers.Map(l => l is BatchNorm b ? b with { Implementation = BnImplementation.Scratch } : l),
    };

    /// <summary>
    /// Keras-convention native BN as the other two sides compute it: <c>BatchNorm(eps 1e-3, momentum 0.01)</c>, i.e. torch
    /// statistics (unbiased running variance, libtorch's in-kernel update) with Keras' ε and momentum. NormLab's keras
    /// convention keeps the biased running variance, which libtorch's kernel cannot, and so adds a var_mean and two
    /// updates per BN layer per step; the ratio against plain TorchSharp is meant to measure NormLab's own overhead, so
    /// every side does the same arithmetic. (The scratch workload keeps Keras statistics on every side.)
    /// </summary>
    public static Network TorchStatistics(Network network) => network with
    {
        Layers = network.Layers.Map(l => l is BatchNorm { Convention: BnConvention.Keras, Implementation: BnImplementation.Native } b
            ? b with { Convention = BnConvention.Torch, Momentum = 1 - BatchNorm.KerasMomentum, Epsilon = BatchNorm.KerasEpsilon }
            : l),
    };

    /// <summary>The six workloads of issue 7, in its order.</summary>
    public static IReadOnlyList<BenchWorkload> All { get; } =
    [
        new(1, "lenet5-bn", "LeNet-5 + native BN, Adam, batch 64, 1 epoch", BenchKind.Train, KnownDatasets.Mnist,
            TorchStatistics(Presets.Lenet5BnAll), BenchOptimizer.Adam, 64, Epoch(64), 150),
        new(2, "lenet5", "LeNet-5 without BN, Adam, batch 64, 1 epoch", BenchKind.Train, KnownDatasets.Mnist,
            Presets.Lenet5, BenchOptimizer.Adam, 64, Epoch(64), 150),
        new(3, "mlp-bn", "MLP 784-300-100-10 + BN, SGD, batch 32, 1 epoch (Fashion-MNIST)", BenchKind.Train,
            KnownDatasets.FashionMnist, TorchStatistics(Presets.Mlp300100Bn), BenchOptimizer.Sgd, 32, Epoch(32), 300),
        new(4, "ioffe-bn", "Ioffe MLP 3x100 sigmoid + BN, SGD, batch 60, 2,000 steps", BenchKind.Train, KnownDatasets.Mnist,
            Presets.IoffeMlpBn, BenchOptimizer.Sgd, 60, 2000, 300),
        new(5, "inference", "Inference: LeNet-5 + BN, eval mode, 10,000 test images, batch 1,000", BenchKind.Inference,
            KnownDatasets.Mnist, TorchStatistics(Presets.Lenet5BnAll), BenchOptimizer.Adam, 1000, 5, 2),
        new(6, "lenet5-bn-scratch", "LeNet-5 + scratch BN (workload 1 with every BN from scratch)", BenchKind.Train,
            KnownDatasets.Mnist, ScratchBn(Presets.Lenet5BnAll), BenchOptimizer.Adam, 64, Epoch(64), 150),
    ];

    /// <summary>The workload called <paramref name="name"/> or numbered so (e.g. "4").</summary>
    public static BenchWorkload? Find(string name) =>
        All.FirstOrDefault(w => w.Name == name || w.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) == name);
}
