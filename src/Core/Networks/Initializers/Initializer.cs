namespace NormLab.Core.Networks;

/// <summary>
/// How a layer's weights (and bias) start. A closed family of records whose fields are their config, like Keras'
/// <c>kernel_initializer</c>. <see cref="InitializerMath"/> turns one into the exact distribution to sample for a weight shape.
/// When a <see cref="Conv2D"/> or <see cref="Dense"/> leaves <c>Init</c> null it gets <see cref="GlorotUniform"/> (Keras'
/// default, because the source studies are Keras notebooks); the bias starts at zero for every initializer except
/// <see cref="TorchDefault"/>.
/// </summary>
public abstract record Initializer
{
    /// <summary>The initializer's name as written in YAML: <c>he_normal</c>, <c>glorot_uniform</c>, …</summary>
    public abstract string KindName { get; }

    /// <summary>The initializer used when a layer leaves <c>Init</c> null: Keras' default, glorot_uniform.</summary>
    public static Initializer Default { get; } = new GlorotUniform();
}

/// <summary>
/// He (Kaiming) normal, Keras flavour: a normal truncated at ±2σ' with σ' = sqrt(2/fan_in)/0.87962566103423978, so that the
/// truncated distribution's standard deviation is sqrt(2/fan_in). (0.8796… is the std of a unit normal truncated at ±2;
/// Keras <c>VarianceScaling(scale=2, mode="fan_in", distribution="truncated_normal")</c>.)
/// </summary>
public sealed record HeNormal : Initializer
{
    public override string KindName => "he_normal";
}

/// <summary>He (Kaiming) uniform: U(±sqrt(6/fan_in)) (Keras <c>he_uniform</c>; PyTorch <c>kaiming_uniform_</c> with a=0).</summary>
public sealed record HeUniform : Initializer
{
    public override string KindName => "he_uniform";
}

/// <summary>Glorot (Xavier) uniform: U(±sqrt(6/(fan_in+fan_out))). Keras' default kernel initializer.</summary>
public sealed record GlorotUniform : Initializer
{
    public override string KindName => "glorot_uniform";
}

/// <summary>
/// A plain (not truncated) normal N(Mean, Std²), like Keras <c>RandomNormal</c>, whose defaults are mean 0 and
/// stddev 0.05 (the "small Gaussian" of the Ioffe &amp; Szegedy MNIST notebook).
/// </summary>
public sealed record Normal(double Mean = 0, double Std = 0.05) : Initializer
{
    public override string KindName => "normal";
}

/// <summary>U(Low, High), like Keras <c>RandomUniform</c> (defaults ±0.05).</summary>
public sealed record Uniform(double Low = -0.05, double High = 0.05) : Initializer
{
    public override string KindName => "uniform";
}

/// <summary>All weights 0.</summary>
public sealed record Zeros : Initializer
{
    public override string KindName => "zeros";
}

/// <summary>All weights 1.</summary>
public sealed record Ones : Initializer
{
    public override string KindName => "ones";
}

/// <summary>
/// PyTorch's default for <c>nn.Linear</c>/<c>nn.Conv2d</c>: weights <c>kaiming_uniform_(a=√5)</c>, which is U(±1/sqrt(fan_in))
/// (gain sqrt(2/(1+5)) times sqrt(3/fan_in)), and bias U(±1/sqrt(fan_in)) — the only initializer here with a random bias.
/// </summary>
public sealed record TorchDefault : Initializer
{
    public override string KindName => "torch_default";
}
