using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Torch;

/// <summary>
/// Errors cross the C ABI as values and surface as typed exceptions carrying libtorch's first line; after each one the
/// library still works (DESIGN.md, "The binding").
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ErrorTests
{
    private static void NextCallStillWorks()
    {
        using var scope = torch.NewDisposeScope();
        Values([19, 22, 43, 50], F32Tensor([1, 2, 3, 4], 2, 2).matmul(F32Tensor([5, 6, 7, 8], 2, 2)), 0, 0);
    }

    [Fact]
    public void Matmul_shape_mismatch_names_the_shapes()
    {
        using (var scope = torch.NewDisposeScope())
        {
            var ex = Assert.Throws<TorchException>(() => torch.ones(2, 3).matmul(torch.ones(2, 3)));
            Assert.Equal("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)", ex.Message);
            Assert.DoesNotContain("\n", ex.Message);
        }
        NextCallStillWorks();
    }

    [Fact]
    public void Conv2d_channel_mismatch_names_weight_and_input_shapes()
    {
        using (var scope = torch.NewDisposeScope())
        {
            var ex = Assert.Throws<TorchException>(() => F.conv2d(torch.ones(1, 3, 5, 5), torch.ones(6, 1, 5, 5)));
            Assert.Contains("weight of size [6, 1, 5, 5]", ex.Message);
            Assert.Contains("input[1, 3, 5, 5]", ex.Message);
            Assert.Contains("to have 1 channels, but got 3 channels", ex.Message);
        }
        NextCallStillWorks();
    }

    [Fact]
    public void Broadcast_mismatch_and_bad_view()
    {
        using (var scope = torch.NewDisposeScope())
        {
            var ex = Assert.Throws<TorchException>(() => torch.ones(2, 3).add(torch.ones(4)));
            Assert.Contains("size of tensor a (3) must match the size of tensor b (4)", ex.Message);
            Assert.Throws<TorchException>(() => torch.ones(2, 3).t().view(6));
            Assert.Throws<TorchException>(() => torch.ones(2, 3).reshape(4));
            Assert.Throws<TorchException>(() => torch.cat([torch.ones(2, 3), torch.ones(2, 4)]));
            Assert.Throws<TorchException>(() => torch.ones(2, 3).narrow(1, 2, 5));
        }
        NextCallStillWorks();
    }

    [Fact]
    public void Cross_entropy_with_float_class_targets_is_a_dtype_error()
    {
        using (var scope = torch.NewDisposeScope())
        {
            var ex = Assert.Throws<TorchException>(() => F.cross_entropy(torch.ones(2, 3), F32Tensor([0, 1], 2)));
            Assert.Contains("expected scalar type Long but found Float", ex.Message);
        }
        NextCallStillWorks();
    }

    [Fact]
    public void Reading_data_with_the_wrong_element_type_names_both_types()
    {
        using (var scope = torch.NewDisposeScope())
        {
            var t = torch.tensor(new long[] { 1, 2 });
            var ex = Assert.Throws<TorchException>(() => t.data<float>());
            Assert.Contains("Single", ex.Message);
            Assert.Contains("Int64", ex.Message);
            Assert.Throws<TorchException>(() => torch.ones(2).CopyFrom<double>([1.0, 2.0]));
            Assert.Equal([1L, 2L], t.data<long>());
        }
        NextCallStillWorks();
    }

    [Fact]
    public void Use_after_dispose_throws_ObjectDisposedException()
    {
        var t = torch.ones(2);
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => t.add(1));
        Assert.Throws<ObjectDisposedException>(() => t.shape);
        Assert.Throws<ObjectDisposedException>(() => t.data<float>());
        using (var scope = torch.NewDisposeScope())
        {
            Assert.Throws<ObjectDisposedException>(() => torch.ones(2).add(t));
        }
        t.Dispose(); // twice is harmless
        Tensor fromScope;
        using (torch.NewDisposeScope()) fromScope = torch.ones(3);
        var ode = Assert.Throws<ObjectDisposedException>(() => fromScope.sum());
        Assert.Contains("DisposeScope", ode.Message);
        NextCallStillWorks();
    }

    [Fact]
    public void Backward_without_a_gradient_on_a_non_scalar_is_a_TorchException()
    {
        using (var scope = torch.NewDisposeScope())
        {
            var x = torch.ones([3], requiresGrad: true);
            var ex = Assert.Throws<TorchException>(() => x.mul(2).backward());
            Assert.Equal("grad can be implicitly created only for scalar outputs", ex.Message);
            var ex2 = Assert.Throws<TorchException>(() => torch.ones(2).sum().backward());
            Assert.Contains("does not require grad", ex2.Message);
            // The graph is still usable afterwards.
            x.mul(2).sum().backward();
            Values([2, 2, 2], x.grad!, 0, 0);
        }
        NextCallStillWorks();
    }

    [Fact]
    public void Errors_inside_optimizer_and_loss_calls_are_typed()
    {
        using (var scope = torch.NewDisposeScope())
        {
            Assert.Throws<TorchException>(() => F.nll_loss(torch.ones(2, 3), torch.tensor(new long[] { 0, 5 })));
            Assert.Throws<TorchException>(() => F.batch_norm(torch.ones(4, 3), torch.zeros(2), torch.ones(2), training: true));
            Assert.Throws<TorchException>(() => F.linear(torch.ones(2, 3), torch.ones(4, 2)));
        }
        NextCallStillWorks();
    }
}
