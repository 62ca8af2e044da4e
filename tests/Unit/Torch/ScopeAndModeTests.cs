using Xunit;
using NormLab.Torch;
using static NormLab.Tests.Unit.Torch.TorchAssert;

namespace NormLab.Tests.Unit.Torch;

/// <summary>Grad-mode scopes, dispose scopes, module train/eval propagation, thread settings.</summary>
[Collection(TorchCollection.Name)]
public sealed class ScopeAndModeTests
{
    /// <summary>xunit makes one instance per test: finalize what earlier tests left behind before any test counts live
    /// tensors, so the finalizer thread cannot lower the count in the middle of one.</summary>
    public ScopeAndModeTests()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Fact]
    public void No_grad_restores_the_previous_mode_when_nested()
    {
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            using (torch.no_grad()) Assert.False(torch.is_grad_enabled());
            // The inner no_grad must restore "off", not switch gradients on.
            Assert.False(torch.is_grad_enabled());
            using (torch.enable_grad())
            {
                Assert.True(torch.is_grad_enabled());
                using (torch.no_grad()) Assert.False(torch.is_grad_enabled());
                Assert.True(torch.is_grad_enabled());
            }
            Assert.False(torch.is_grad_enabled());
        }
        Assert.True(torch.is_grad_enabled());
    }

    [Fact]
    public void A_scope_disposes_what_was_created_inside_it()
    {
        var before = Tensor.LiveCount;
        Tensor a, b;
        using (var scope = torch.NewDisposeScope())
        {
            Assert.Same(scope, DisposeScope.Current);
            a = torch.ones(2);
            b = a.add(1);
            Assert.Equal(2, scope.Count);
            Assert.Equal(before + 2, Tensor.LiveCount);
        }
        Assert.Null(DisposeScope.Current);
        Assert.True(a.IsDisposed);
        Assert.True(b.IsDisposed);
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Nested_scopes_MoveToOuter_and_DetachFromDisposeScope()
    {
        var before = Tensor.LiveCount;
        Tensor inner, moved, detached, outerOnly;
        using (var outer = torch.NewDisposeScope())
        {
            outerOnly = torch.zeros(1);
            using (var scope = torch.NewDisposeScope())
            {
                Assert.Same(scope, DisposeScope.Current);
                inner = torch.ones(1);
                moved = scope.MoveToOuter(torch.ones(2));
                detached = torch.ones(3).DetachFromDisposeScope();
                Assert.Equal(1, scope.Count);
            }
            Assert.Same(outer, DisposeScope.Current);
            Assert.True(inner.IsDisposed);
            Assert.False(moved.IsDisposed);
            Assert.False(detached.IsDisposed);
            Assert.Equal(2, outer.Count);
            // MoveToOuterDisposeScope from the outermost scope hands the tensor to nobody.
            var escaped = torch.full([1], 7.0).MoveToOuterDisposeScope();
            Assert.Equal(2, outer.Count);
            escaped.Dispose();
        }
        Assert.True(moved.IsDisposed);
        Assert.True(outerOnly.IsDisposed);
        Assert.False(detached.IsDisposed);
        Values([1, 1, 1], detached, 0, 0);
        detached.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Explicit_dispose_inside_a_scope_is_not_a_double_free()
    {
        var before = Tensor.LiveCount;
        using (torch.NewDisposeScope())
        {
            var t = torch.ones(4);
            t.Dispose();
            Assert.Equal(before, Tensor.LiveCount);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Module_parameters_survive_scopes_and_are_freed_with_the_module()
    {
        var before = Tensor.LiveCount;
        Linear lin;
        using (torch.NewDisposeScope()) lin = new Linear(3, 2);
        Assert.All(lin.parameters(), p => Assert.False(p.IsDisposed));
        Assert.All(lin.parameters(), p => Assert.True(p.requires_grad));
        Assert.Equal(before + 2, Tensor.LiveCount);
        lin.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Eval_and_train_reach_grandchildren()
    {
        var dropout = new Dropout(0.5);
        var inner = new Sequential("inner", [new Linear(4, 4), dropout]);
        using var net = new Sequential("net", [inner, new ReLU(), new Linear(4, 2)]);
        Assert.True(dropout.training);
        net.eval();
        Assert.False(net.training);
        Assert.False(inner.training);
        Assert.False(dropout.training);
        using (var scope = torch.NewDisposeScope())
        {
            // In eval the dropout is the identity, so the net is deterministic.
            var x = torch.randn(3, 4);
            Assert.Equal(net.forward(x).data<float>(), net.forward(x).data<float>());
        }
        net.train();
        Assert.True(dropout.training);
        Assert.Equal(["0.0.weight", "0.0.bias", "2.weight", "2.bias"], net.named_parameters().Select(p => p.Name));
        Assert.Equal(4, net.parameters().Count());
    }

    [Fact]
    public void Sequential_forward_chains_layers_and_leaves_no_stray_tensors()
    {
        using var net = new Sequential("net", [new Linear(2, 3), new ReLU(), new Identity(), new Tanh(), new Sigmoid()]);
        var before = Tensor.LiveCount;
        using (var x = F32Tensor([1, -1], 1, 2))
        using (var y = net.forward(x))
        {
            Assert.Equal([1L, 3], y.shape);
            Assert.All(y.data<float>(), v => Assert.InRange(v, 0.5f, 0.7616f)); // sigmoid(tanh(relu(·))) ∈ [0.5, σ(tanh ∞))
            Assert.Equal(before + 2, Tensor.LiveCount);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Set_num_threads_pins_openblas_to_one_thread()
    {
        var original = torch.get_num_threads();
        try
        {
            torch.set_num_threads(1);
            Assert.Equal(1, torch.get_num_threads());
            // Debian's libtorch links libblas.so.3, which is OpenBLAS here.
            Assert.True(torch.openblas_limited);
        }
        finally
        {
            torch.set_num_threads(original);
        }
        Assert.Equal(original, torch.get_num_threads());
    }
}
