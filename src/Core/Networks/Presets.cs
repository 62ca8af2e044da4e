namespace NormLab.Core.Networks;

/// <summary>
/// The networks of the five source studies, written as records and available to YAML by name. Every preset takes a
/// channels-first MNIST image <c>[1, 28, 28]</c> (the MLPs start with a <see cref="Flatten"/>, as the Keras notebooks'
/// <c>Flatten(input_shape=[28, 28])</c> does), so one data pipeline feeds them all. Keras' fused <c>Dense(…, activation=…)</c>
/// is written as a <see cref="Dense"/> followed by an <see cref="Activation"/>: same function, same parameter count.
/// </summary>
public static class Presets
{
    static readonly Seq<int> MnistImage = Seq(1, 28, 28);

    static Activation Relu(string? name = null) => new(ActivationKind.Relu, Name: name);
    static Activation Softmax() => new(ActivationKind.Softmax);
    static Activation Sigmoid(string? name = null) => new(ActivationKind.Sigmoid, Name: name);

    /// <summary>Keras' <c>LeakyReLU()</c> default slope, written out because ours defaults to PyTorch's 0.01.</summary>
    const double KerasLeakyReluAlpha = 0.3;

    // ---------------------------------------------------------------------------------------------------------------
    // The LeNet-BN study (seed 003): LeNet on MNIST, BN from scratch with window-averaged statistics (window_size 5,
    // epsilon 1e-8), added step by step after each conv / dense and before its ReLU.

    /// <summary>The LeNet-BN study's batch norm: from scratch, mean of the last 5 batch statistics, ε = 1e-8.</summary>
    public static BatchNorm LeNetStudyBatchNorm { get; } =
        new(Convention: BnConvention.Window, Epsilon: 1e-8, Implementation: BnImplementation.Scratch, Window: 5);

    /// <summary>
    /// LeNet: conv 6@5×5 same → relu → maxpool 2 → conv 16@5×5 valid → relu → maxpool 2 → flatten → dense 120 → relu
    /// → dense 84 → relu → dense 10 → softmax, with <paramref name="bn"/> after the first <paramref name="convs"/>
    /// convolutions and the first <paramref name="denses"/> hidden dense layers, before their activations.
    /// </summary>
    public static Network LeNet(string name, Option<BatchNorm> bn, int convs, int denses, bool bnOnOutput = false)
    {
        Seq<Layer> Norm(bool on) => on ? bn.Map(b => (Layer)b).ToSeq() : Seq<Layer>();
        var layers = Seq1<Layer>(new Conv2D(6, 5, Padding: new Padding.Same()))
            + Norm(convs >= 1) + Seq<Layer>(Relu(), new MaxPool(2), new Conv2D(16, 5))
            + Norm(convs >= 2) + Seq<Layer>(Relu(), new MaxPool(2), new Flatten(), new Dense(120))
            + Norm(denses >= 1) + Seq<Layer>(Relu(), new Dense(84))
            + Norm(denses >= 2) + Seq<Layer>(Relu(), new Dense(10))
            + Norm(bnOnOutput) + Seq1<Layer>(Softmax());
        return new Network(name, MnistImage, layers);
    }

    public static Network Lenet => LeNet("lenet", None, 0, 0);
    public static Network LenetBn1 => LeNet("lenet_bn1", LeNetStudyBatchNorm, 1, 0);
    public static Network LenetBn2 => LeNet("lenet_bn2", LeNetStudyBatchNorm, 2, 0);
    public static Network LenetFcBn1 => LeNet("lenet_fc_bn1", LeNetStudyBatchNorm, 2, 1);
    public static Network LenetFcBn2 => LeNet("lenet_fc_bn2", LeNetStudyBatchNorm, 2, 2);

    // ---------------------------------------------------------------------------------------------------------------
    // The MNIST notebook (seed 000): the same LeNet-5 in Keras, BatchNormalization() (Keras defaults) before every
    // activation, the output softmax included.

    public static Network Lenet5 => LeNet("lenet5", None, 0, 0);
    public static Network Lenet5BnAll => LeNet("lenet5_bn_all", new BatchNorm(BnConvention.Keras), 2, 2, bnOnOutput: true);

    // ---------------------------------------------------------------------------------------------------------------
    // The Fashion-MNIST MLPs (seeds 001 and 002).

    /// <summary>Seed 001, "before BN": Dense 300 he_normal → LeakyReLU() → Dense 100 he_normal → LeakyReLU() → Dense 10 softmax.</summary>
    public static Network Mlp300100 => new("mlp_300_100", MnistImage, Seq<Layer>(
        new Flatten(),
        new Dense(300, Init: new HeNormal()), new Activation(ActivationKind.LeakyRelu, KerasLeakyReluAlpha),
        new Dense(100, Init: new HeNormal()), new Activation(ActivationKind.LeakyRelu, KerasLeakyReluAlpha),
        new Dense(10), Softmax()));

    /// <summary>The BN-after-activation MLP of seeds 001 and 002: BN on the flat input and after each hidden ReLU.</summary>
    static Network MlpBnAfter(string name, Initializer? hiddenInit)
    {
        var bn = new BatchNorm(BnConvention.Keras);
        return new Network(name, MnistImage, Seq<Layer>(
            new Flatten(), bn,
            new Dense(300, Init: hiddenInit), Relu(), bn,
            new Dense(100, Init: hiddenInit), Relu(), bn,
            new Dense(10), Softmax()));
    }

    /// <summary>Seed 001, "after BN": BN, Dense 300 relu (glorot_uniform), BN, Dense 100 relu, BN, Dense 10 softmax.</summary>
    public static Network Mlp300100Bn => MlpBnAfter("mlp_300_100_bn", null);

    /// <summary>Seed 002, first model: as <see cref="Mlp300100Bn"/> with he_normal hidden layers (BN after the activation).</summary>
    public static Network Mlp300100BnAfter => MlpBnAfter("mlp_300_100_bn_after", new HeNormal());

    /// <summary>Seed 002, second model: Dense he_normal without bias (BN's β replaces it) → BN → relu, twice; Dense 10 softmax.</summary>
    public static Network Mlp300100BnBefore
    {
        get
        {
            var bn = new BatchNorm(BnConvention.Keras);
            return new Network("mlp_300_100_bn_before", MnistImage, Seq<Layer>(
                new Flatten(),
                new Dense(300, UseBias: false, Init: new HeNormal()), bn, Relu(),
                new Dense(100, UseBias: false, Init: new HeNormal()), bn, Relu(),
                new Dense(10), Softmax()));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Ioffe & Szegedy 2015, experiment 1 (seed 004): MNIST, 3 fully connected hidden layers of 100 sigmoids, small Gaussian
    // init (Keras RandomNormal(): mean 0, std 0.05), BN (torch convention) before each sigmoid in the BN form.

    /// <summary>The probe point of the Ioffe study: the layer whose output is the input of the last hidden sigmoid.</summary>
    public const string IoffePreActivation = "hidden3";

    /// <summary>The last hidden sigmoid itself, for a probe defined on a layer's input.</summary>
    public const string IoffeLastSigmoid = "hidden3_sigmoid";

    static Network IoffeMlp(string name, bool batchNorm)
    {
        var layers = Seq1<Layer>(new Flatten());
        for (var i = 1; i <= 3; i++)
        {
            var preActivation = i == 3 ? IoffePreActivation : null;
            layers += batchNorm
                ? Seq<Layer>(new Dense(100, Init: new Normal()), new BatchNorm(BnConvention.Torch, Name: preActivation))
                : Seq1<Layer>(new Dense(100, Init: new Normal(), Name: preActivation));
            layers = layers.Add(Sigmoid(i == 3 ? IoffeLastSigmoid : null));
        }
        return new Network(name, MnistImage, layers + Seq<Layer>(new Dense(10), Softmax()));
    }

    public static Network IoffeMlpPlain => IoffeMlp("ioffe_mlp", batchNorm: false);
    public static Network IoffeMlpBn => IoffeMlp("ioffe_mlp_bn", batchNorm: true);

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Every preset, in the order of the studies.</summary>
    public static Seq<Network> All => Seq(
        Lenet, LenetBn1, LenetBn2, LenetFcBn1, LenetFcBn2,
        Lenet5, Lenet5BnAll,
        Mlp300100, Mlp300100Bn, Mlp300100BnAfter, Mlp300100BnBefore,
        IoffeMlpPlain, IoffeMlpBn);

    /// <summary>The preset names, as YAML writes them.</summary>
    public static Seq<string> Names => All.Map(n => n.Name);

    /// <summary>The preset called <paramref name="name"/> (exact, lower case), if any.</summary>
    public static Option<Network> Find(string name) => All.Find(n => n.Name == name);
}
