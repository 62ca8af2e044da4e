using NormLab.Torch;
using Xunit;

namespace NormLab.Tests.Unit.Torch;

/// <summary>The shim's caching CPU allocator (native/nl_allocator.cpp): freed buffers are kept by size and handed out again.</summary>
[Collection(TorchCollection.Name)]
public sealed class CpuCacheTests
{
    [Fact]
    public void A_freed_large_buffer_is_cached_then_reused_by_the_next_tensor_of_its_size()
    {
        Assert.True(torch.cpu.caching_allocator_enabled);
        torch.cpu.empty_cache();
        Assert.Equal(0, torch.cpu.memory_cached());

        // 1,000 x 1,000 float32 = 4,000,000 bytes, far above the 16 KiB floor.
        torch.zeros([1000, 1000]).Dispose();
        Assert.Equal(4_000_000, torch.cpu.memory_cached());

        using (var again = torch.ones([1000, 1000]))
        {
            Assert.Equal(0, torch.cpu.memory_cached());
            // A reused buffer is rewritten like a fresh one: nothing of the zeros remains.
            Assert.All(again.data<float>(), v => Assert.Equal(1f, v));
        }
        Assert.Equal(4_000_000, torch.cpu.memory_cached());

        torch.cpu.empty_cache();
        Assert.Equal(0, torch.cpu.memory_cached());
    }

    [Fact]
    public void Small_buffers_are_not_cached()
    {
        torch.cpu.empty_cache();
        torch.zeros([256]).Dispose(); // 1 KiB
        Assert.Equal(0, torch.cpu.memory_cached());
    }

    [Fact]
    public void A_different_size_does_not_take_a_cached_buffer()
    {
        torch.cpu.empty_cache();
        torch.zeros([1000, 1000]).Dispose();
        using (var other = torch.zeros([999, 1000]))
            Assert.Equal(4_000_000, torch.cpu.memory_cached());
        Assert.Equal(4_000_000 + 3_996_000, torch.cpu.memory_cached());
        torch.cpu.empty_cache();
    }

    [Fact]
    public void Training_steps_reuse_the_cache_instead_of_growing_it()
    {
        // oneDNN's convolution allocates through libtorch's raw allocator path, so this also proves that path works.
        torch.cpu.empty_cache();
        torch.manual_seed(0);
        using var conv = new Conv2d(1, 6, 5, padding: 2);
        using var opt = new SGD(conv.parameters(), lr: 0.01);
        var cachedAfterStep = new List<long>();
        for (var step = 0; step < 20; step++)
        {
            using (var scope = torch.NewDisposeScope())
            {
                var x = torch.rand([64, 1, 28, 28]);
                var y = conv.forward(x);
                var loss = (y * y).mean();
                opt.zero_grad();
                loss.backward();
                opt.step();
            }
            cachedAfterStep.Add(torch.cpu.memory_cached());
        }
        Assert.True(cachedAfterStep[1] > 64 * 6 * 28 * 28 * 4, $"a step frees at least its conv output, cached {cachedAfterStep[1]}");
        // Same shapes every step: once warm, every step takes back exactly what it frees — the cache neither grows nor shrinks.
        Assert.All(cachedAfterStep.Skip(2), c => Assert.Equal(cachedAfterStep[1], c));
        torch.cpu.empty_cache();
    }
}
