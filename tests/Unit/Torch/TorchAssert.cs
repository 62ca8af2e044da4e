using Xunit;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace NormLab.Tests.Unit.Torch;

/// <summary>Value assertions for tensors: exact shape, dtype and values within a relative tolerance.</summary>
internal static class TorchAssert
{
    /// <summary>float32 tolerance: a few ulps relative (plus a tiny absolute floor for values near zero).</summary>
    public const double F32 = 1e-6;

    public static void Values(double[] expected, Tensor actual, double relTol = F32, double absTol = 1e-7)
    {
        var values = AsDoubles(actual);
        Assert.True(expected.Length == values.Length, $"expected {expected.Length} values, got {values.Length}: {actual}");
        for (var i = 0; i < expected.Length; i++)
            Close(expected[i], values[i], relTol, absTol, $"element {i} of {actual}");
    }

    public static void Values(double[] expected, long[] shape, Tensor actual, double relTol = F32, double absTol = 1e-7)
    {
        Assert.Equal(shape, actual.shape);
        Values(expected, actual, relTol, absTol);
    }

    public static void Close(double expected, double actual, double relTol = F32, double absTol = 1e-7, string what = "value")
    {
        if (double.IsNaN(expected)) { Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}"); return; }
        var tol = Math.Max(absTol, relTol * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected:R}, got {actual:R} (tolerance {tol:R})");
    }

    public static double[] AsDoubles(Tensor t)
    {
        if (t.dtype == ScalarType.Float64) return t.data<double>().ToArray();
        using var d = t.to_type(ScalarType.Float64).DetachFromDisposeScope();
        return d.data<double>().ToArray();
    }

    public static Tensor F32Tensor(double[] values, params long[] shape) =>
        TorchSharp.torch.tensor(values.Select(v => (float)v).ToArray(), shape);
}
