using static NormLab.Torch.torch.nn;

namespace NormLab.Torch;

/// <summary>y = x·Wᵀ + b, W: [out, in]. PyTorch's default init: W ~ kaiming_uniform(a=√5) = U(±1/√in), b ~ U(±1/√in).</summary>
public sealed class Linear : Module
{
    public Linear(long inFeatures, long outFeatures, bool hasBias = true, string name = "linear") : base(name)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        weight = RegisterParameter("weight", torch.empty([outFeatures, inFeatures]));
        init.kaiming_uniform_(weight, Math.Sqrt(5));
        if (hasBias)
        {
            var bound = 1 / Math.Sqrt(inFeatures);
            bias = RegisterParameter("bias", torch.empty([outFeatures]));
            init.uniform_(bias, -bound, bound);
        }
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public Tensor weight { get; }
    public Tensor? bias { get; }

    public override Tensor forward(Tensor input) => functional.linear(input, weight, bias);
}

/// <summary>2-d convolution over NCHW input. Same default init as <see cref="Linear"/> with fan_in = in·k·k.</summary>
public sealed class Conv2d : Module
{
    private readonly (long, long) stride;
    private readonly (long, long) padding;
    private readonly (long, long) dilation;
    private readonly long groups;

    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool hasBias = true, string name = "conv2d") : base(name)
    {
        this.stride = (stride, stride);
        this.padding = (padding, padding);
        this.dilation = (dilation, dilation);
        this.groups = groups;
        weight = RegisterParameter("weight", torch.empty([outChannels, inChannels / groups, kernelSize, kernelSize]));
        init.kaiming_uniform_(weight, Math.Sqrt(5));
        if (hasBias)
        {
            var bound = 1 / Math.Sqrt(inChannels / groups * kernelSize * kernelSize);
            bias = RegisterParameter("bias", torch.empty([outChannels]));
            init.uniform_(bias, -bound, bound);
        }
    }

    public Tensor weight { get; }
    public Tensor? bias { get; }

    public override Tensor forward(Tensor input) =>
        functional.conv2d(input, weight, bias, stride, padding, dilation, groups);
}
