namespace NormLab.Core.Networks;

/// <summary>
/// The numbers behind each <see cref="Initializer"/>: fans of a weight shape and the exact distribution to sample.
/// Weight shapes are PyTorch's: Dense <c>[out, in]</c>, Conv2D <c>[out, in, kh, kw]</c>.
/// </summary>
public static class InitializerMath
{
    /// <summary>
    /// 1 / std of a unit normal truncated at ±2: Keras divides He/Glorot normal stddevs by it so that the truncated samples
    /// keep the intended variance (<c>keras.initializers.VarianceScaling</c>).
    /// </summary>
    public const double TruncatedNormalStdCorrection = 0.87962566103423978;

    /// <summary>
    /// (fan_in, fan_out) of a PyTorch-layout weight shape, as <c>torch.nn.init._calculate_fan_in_and_fan_out</c> computes
    /// them: fan_in = shape[1]·receptive field, fan_out = shape[0]·receptive field, receptive field = product of shape[2..].
    /// A rank-1 shape (a bias or a 1-d weight) has fan_in = fan_out = its length; a rank-0 shape has 1 and 1.
    /// </summary>
    public static (long FanIn, long FanOut) Fans(Seq<int> weightShape)
    {
        if (weightShape.Count == 0) return (1, 1);
        if (weightShape.Count == 1) return (weightShape[0], weightShape[0]);
        var receptive = weightShape.Skip(2).Aggregate(1L, (acc, d) => acc * d);
        return (weightShape[1] * receptive, weightShape[0] * receptive);
    }

    /// <summary>The distribution of the weight tensor of the given PyTorch-layout shape.</summary>
    public static Distribution Weight(Initializer init, Seq<int> weightShape)
    {
        var (fanIn, fanOut) = Fans(weightShape);
        return init switch
        {
            HeNormal => HeNormalDistribution(fanIn),
            HeUniform => Symmetric(Math.Sqrt(6.0 / fanIn)),
            GlorotUniform => Symmetric(GlorotUniformBound(fanIn, fanOut)),
            Normal n => new Distribution.Normal(n.Mean, n.Std),
            Uniform u => new Distribution.Uniform(u.Low, u.High),
            Zeros => new Distribution.Constant(0),
            Ones => new Distribution.Constant(1),
            TorchDefault => Symmetric(TorchDefaultBound(fanIn)),
            _ => new Distribution.Constant(0),
        };
    }

    /// <summary>
    /// The distribution of the bias of a layer whose weight has the given shape: zeros (Keras' <c>bias_initializer="zeros"</c>)
    /// for every initializer except <see cref="TorchDefault"/>, whose bias is U(±1/sqrt(fan_in)) as in <c>nn.Linear.reset_parameters</c>.
    /// </summary>
    public static Distribution Bias(Initializer init, Seq<int> weightShape) =>
        init is TorchDefault ? Symmetric(TorchDefaultBound(Fans(weightShape).FanIn)) : new Distribution.Constant(0);

    /// <summary>
    /// Keras he_normal: σ' = sqrt(2/fan_in)/0.8796…, truncated at ±2σ' (what we sample; the resulting std is sqrt(2/fan_in)).
    /// </summary>
    public static Distribution.TruncatedNormal HeNormalDistribution(long fanIn)
    {
        var std = Math.Sqrt(2.0 / fanIn) / TruncatedNormalStdCorrection;
        return new Distribution.TruncatedNormal(0, std, -2 * std, 2 * std);
    }

    /// <summary>The std a He-initialised layer ends up with: sqrt(2/fan_in).</summary>
    public static double HeStd(long fanIn) => Math.Sqrt(2.0 / fanIn);

    /// <summary>glorot_uniform's limit: sqrt(6/(fan_in+fan_out)).</summary>
    public static double GlorotUniformBound(long fanIn, long fanOut) => Math.Sqrt(6.0 / (fanIn + fanOut));

    /// <summary>PyTorch's default bound 1/sqrt(fan_in) (kaiming_uniform with a=√5 reduces to it, and so does the bias).</summary>
    public static double TorchDefaultBound(long fanIn) => 1.0 / Math.Sqrt(fanIn);

    static Distribution.Uniform Symmetric(double bound) => new(-bound, bound);
}
