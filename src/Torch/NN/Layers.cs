using static NormLab.Torch.torch.nn;

namespace NormLab.Torch;

// Parameter-free layers: thin module wrappers of torch.nn.functional.

public sealed class ReLU(string name = "relu") : Module(name)
{
    public override Tensor forward(Tensor input) => input.relu();
}

/// <summary>PyTorch's default slope is 0.01; Keras' LeakyReLU default is 0.3.</summary>
public sealed class LeakyReLU(double negativeSlope = 0.01, string name = "leaky_relu") : Module(name)
{
    public double NegativeSlope { get; } = negativeSlope;
    public override Tensor forward(Tensor input) => functional.leaky_relu(input, NegativeSlope);
}

public sealed class Sigmoid(string name = "sigmoid") : Module(name)
{
    public override Tensor forward(Tensor input) => input.sigmoid();
}

public sealed class Tanh(string name = "tanh") : Module(name)
{
    public override Tensor forward(Tensor input) => input.tanh();
}

public sealed class Softmax(long dim = 1, string name = "softmax") : Module(name)
{
    public override Tensor forward(Tensor input) => functional.softmax(input, dim);
}

public sealed class Identity(string name = "identity") : Module(name)
{
    public override Tensor forward(Tensor input) => input.alias();
}

/// <summary>Flattens every axis but the batch axis (PyTorch's nn.Flatten defaults: start_dim=1, end_dim=-1).</summary>
public sealed class Flatten(string name = "flatten") : Module(name)
{
    public override Tensor forward(Tensor input) => input.flatten(1);
}

/// <summary>Inverted dropout (PyTorch and Keras): scales kept units by 1/(1−p) in training, identity in eval.</summary>
public sealed class Dropout(double p = 0.5, string name = "dropout") : Module(name)
{
    public override Tensor forward(Tensor input) => functional.dropout(input, p, training);
}

public sealed class MaxPool2d(long kernelSize, long? stride = null, string name = "max_pool2d") : Module(name)
{
    public override Tensor forward(Tensor input) => functional.max_pool2d(input, kernelSize, stride);
}

public sealed class AvgPool2d(long kernelSize, long? stride = null, string name = "avg_pool2d") : Module(name)
{
    public override Tensor forward(Tensor input) => functional.avg_pool2d(input, kernelSize, stride);
}

/// <summary>Runs its children in order.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> layers = [];

    public Sequential(string name, IEnumerable<Module> modules) : base(name)
    {
        var i = 0;
        foreach (var m in modules) layers.Add(RegisterModule((i++).ToString(System.Globalization.CultureInfo.InvariantCulture), m));
    }

    public IReadOnlyList<Module> Layers => layers;

    /// <summary>Intermediate tensors are disposed as soon as the next layer has consumed them (autograd keeps its own references).</summary>
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            var y = layer.forward(x);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = y;
        }
        return ReferenceEquals(x, input) ? input.alias() : x;
    }
}
