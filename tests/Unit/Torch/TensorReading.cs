using TorchSharp;

namespace NormLab.Tests.Unit.Torch;

/// <summary>Test shorthand: a scalar tensor's value as a double, whatever its dtype (TorchSharp's item&lt;T&gt; needs the exact type).</summary>
internal static class TensorReading
{
    public static double item(this torch.Tensor t) => t.dtype switch
    {
        torch.ScalarType.Float64 => t.item<double>(),
        torch.ScalarType.Float32 => t.item<float>(),
        torch.ScalarType.Int64 => t.item<long>(),
        torch.ScalarType.Int32 => t.item<int>(),
        torch.ScalarType.Bool => t.item<bool>() ? 1 : 0,
        _ => t.to_type(torch.ScalarType.Float64).item<double>(),
    };
}
