using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;

namespace NormLab.Tests.Unit.Torch;

/// <summary>Factories, dtype conversions, data round-trips, copies and aliases, in-place ops, ToString.</summary>
[Collection(TorchCollection.Name)]
public sealed class FactoryAndDataTests
{
    [Fact]
    public void Constant_factories()
    {
        using var scope = torch.NewDisposeScope();
        Values([0, 0, 0, 0, 0, 0], [2, 3], torch.zeros(2, 3), 0, 0);
        Values([1, 1, 1, 1], [4], torch.ones([4], ScalarType.Float64), 0, 0);
        var full = torch.full([2, 2], 2.5, ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, full.dtype);
        Values([2.5, 2.5, 2.5, 2.5], [2, 2], full, 0, 0);
        Assert.Equal([3L, 0], torch.empty([3, 0]).shape);
        Assert.Equal(0, torch.empty([3, 0]).numel());
        Assert.True(torch.zeros([2], requiresGrad: true).requires_grad);
        Assert.False(torch.zeros(2).requires_grad);
        var s = torch.scalar_tensor(3.5, ScalarType.Float64);
        Assert.Equal(0, s.dim());
        Assert.Equal(3.5, s.item());
    }

    [Fact]
    public void Arange_and_randperm()
    {
        using var scope = torch.NewDisposeScope();
        var r = torch.arange(0, 5);
        Assert.Equal(ScalarType.Int64, r.dtype);
        Assert.Equal([0L, 1, 2, 3, 4], r.data<long>());
        Assert.Equal([0, 0.25, 0.5, 0.75], torch.arange(0, 1, 0.25, ScalarType.Float64).data<double>());
        Assert.Equal([5L, 3, 1], torch.arange(5, 0, -2).data<long>());
        var perm = torch.randperm(7).data<long>();
        Assert.Equal([0L, 1, 2, 3, 4, 5, 6], perm.Order());
    }

    [Fact]
    public void Random_factories_have_the_right_moments_and_ranges()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var n = torch.randn([20_000], ScalarType.Float64);
        // mean ~ N(0, 1/20000): |mean| < 0.035 is 5 standard deviations.
        Assert.InRange(n.mean().item(), -0.035, 0.035);
        Assert.InRange(n.std().item(), 0.97, 1.03);
        var u = torch.rand([20_000], ScalarType.Float64).data<double>();
        Assert.All(u, v => Assert.InRange(v, 0.0, 1.0 - 1e-300));
        Assert.InRange(u.Average(), 0.49, 0.51);
        var e = torch.empty([10_000], ScalarType.Float64);
        e.uniform_(-3, -1);
        Assert.All(e.data<double>(), v => Assert.InRange(v, -3.0, -1.0));
        e.normal_(10, 0.5);
        Assert.InRange(e.mean().item(), 9.95, 10.05);
        Assert.InRange(e.std().item(), 0.48, 0.52);
    }

    [Fact]
    public void Manual_seed_makes_randn_reproducible()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(42);
        var a = torch.randn(3, 4).data<float>();
        var b = torch.randn(3, 4).data<float>();
        torch.manual_seed(42);
        Assert.Equal(a, torch.randn(3, 4).data<float>());
        Assert.Equal(b, torch.randn(3, 4).data<float>());
        Assert.NotEqual(a, b);
        torch.manual_seed(43);
        Assert.NotEqual(a, torch.randn(3, 4).data<float>());
    }

    [Fact]
    public void Data_round_trips_exactly_for_float32_float64_int64()
    {
        using var scope = torch.NewDisposeScope();
        float[] f = [1.5f, -0f, float.MaxValue, float.Epsilon, float.NaN, float.NegativeInfinity];
        var tf = torch.tensor(f, 2, 3);
        Assert.Equal(ScalarType.Float32, tf.dtype);
        Assert.Equal([2L, 3], tf.shape);
        Assert.Equal(f, tf.data<float>());
        double[] d = [0.1, -1e-300, double.MaxValue, double.Epsilon, Math.PI, -7];
        var td = torch.tensor(d, 3, 2);
        Assert.Equal(ScalarType.Float64, td.dtype);
        Assert.Equal(d, td.data<double>());
        long[] l = [long.MinValue, -1, 0, 1, long.MaxValue, (1L << 53) + 1];
        var tl = torch.tensor(l);
        Assert.Equal(ScalarType.Int64, tl.dtype);
        Assert.Equal([6L], tl.shape);
        Assert.Equal(l, tl.data<long>());
        // The tensor holds a copy: changing the array afterwards does not change it.
        d[0] = 99;
        Assert.Equal(0.1, td.data<double>()[0]);
    }

    [Fact]
    public void CopyTo_and_CopyFrom_move_values_through_spans()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.zeros(2, 2);
        t.CopyFrom<float>([1, 2, 3, 4]);
        Values([1, 2, 3, 4], t, 0, 0);
        Span<float> dst = stackalloc float[4];
        t.mul(10).CopyTo(dst);
        Assert.Equal([10f, 20, 30, 40], dst.ToArray());
        Assert.Throws<TorchException>(() => t.CopyFrom<float>([1, 2, 3]));
        Assert.Throws<TorchException>(() => t.CopyTo(new float[5].AsSpan()));
        Assert.Throws<ArgumentException>(() => torch.tensor(new float[] { 1, 2, 3 }, 2, 2));
    }

    [Fact]
    public void Dtype_conversions()
    {
        using var scope = torch.NewDisposeScope();
        var f = torch.tensor(new[] { 1.7f, -1.7f, 2.5f });
        // Float → integer truncates toward zero, as in C and PyTorch.
        Assert.Equal([1L, -1, 2], f.to_type(ScalarType.Int64).data<long>());
        Assert.Equal([1.7f, -1.7f, 2.5f], f.to_type(ScalarType.Float64).data<double>().Select(v => (float)v));
        Assert.Equal([0.1f, 1e-3f], torch.tensor(new[] { 0.1, 1e-3 }).to_type(ScalarType.Float32).data<float>());
        Assert.Equal([3.0, -4.0], torch.tensor(new long[] { 3, -4 }).to_type(ScalarType.Float64).data<double>());
        Assert.Equal([false, true, true], torch.tensor(new[] { 0f, -0.5f, 2f }).to_type(ScalarType.Bool).data<bool>());
        Assert.Equal([1, 0], torch.tensor(new[] { 1.0, 0.0 }).gt(0.5).to_type(ScalarType.Int32).data<int>());
    }

    [Fact]
    public void Item_and_scalar_accessors()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(2.5, torch.tensor(new[] { 2.5f }).item());
        Assert.Equal(2.5f, torch.tensor(new[] { 2.5f }).ToSingle());
        Assert.Equal(7L, torch.tensor(new long[] { 7 }).ToInt64());
        Assert.Equal(-3.25, torch.tensor(new[] { -3.25 }, 1, 1).ToDouble());
        Assert.Throws<TorchException>(() => torch.ones(2).item());
    }

    [Fact]
    public void Clone_copies_alias_shares_and_detach_drops_grad()
    {
        using var scope = torch.NewDisposeScope();
        var a = F32Tensor([1, 2, 3], 3);
        var c = a.clone();
        var al = a.alias();
        a.fill_(5);
        Values([1, 2, 3], c, 0, 0);
        Values([5, 5, 5], al, 0, 0);
        al.Dispose();
        Values([5, 5, 5], a, 0, 0);
        var w = torch.ones([2], requiresGrad: true);
        var y = w.mul(2);
        Assert.True(y.requires_grad);
        Assert.False(y.is_leaf);
        var dy = y.detach();
        Assert.False(dy.requires_grad);
        Assert.True(dy.is_leaf);
        Values([2, 2], dy, 0, 0);
    }

    [Fact]
    public void In_place_ops_modify_the_receiver_and_return_it()
    {
        using var scope = torch.NewDisposeScope();
        var a = F32Tensor([1, 2, 3], 3);
        var b = F32Tensor([10, 20, 30], 3);
        Assert.Same(a, a.add_(b, -0.5));
        Values([-4, -8, -12], a, 0, 0);
        Assert.Same(a, a.mul_(-0.5));
        Values([2, 4, 6], a, 0, 0);
        a.mul_(F32Tensor([1, 0.5, 2], 3));
        Values([2, 2, 12], a, 0, 0);
        a.add_(b);
        Values([12, 22, 42], a, 0, 0);
        a.copy_(b);
        Values([10, 20, 30], a, 0, 0);
        b.fill_(1);
        Values([10, 20, 30], a, 0, 0);
        a.zero_();
        Values([0, 0, 0], a, 0, 0);
        a.requires_grad_();
        Assert.True(a.requires_grad);
        // In-place on a leaf that requires grad is an autograd error, reported as a TorchException.
        Assert.Throws<TorchException>(() => a.fill_(1));
    }

    [Fact]
    public void ToString_shows_shape_dtype_and_values()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal("Tensor(shape=[2, 2], dtype=Float32) [[1, 2.5], [-3, 0.125]]", F32Tensor([1, 2.5, -3, 0.125], 2, 2).ToString());
        Assert.Equal("Tensor(shape=[3], dtype=Int64) [7, -1, 0]", torch.tensor(new long[] { 7, -1, 0 }).ToString());
        Assert.Equal("Tensor(shape=[], dtype=Float64) 0.3333", torch.scalar_tensor(1.0 / 3, ScalarType.Float64).ToString());
        var big = torch.arange(0, 2000).ToString();
        Assert.StartsWith("Tensor(shape=[2000], dtype=Int64) [0, 1, 2, 3, 4, 5, … 1994 more]", big);
        var dead = torch.zeros(1);
        dead.Dispose();
        Assert.Equal("Tensor(disposed)", dead.ToString());
    }

    [Fact]
    public void Version_names_libtorch()
    {
        Assert.Contains("libtorch 1.13", torch.version);
    }
}
