using Xunit;
using System.Diagnostics;
using System.Runtime.InteropServices;
using NormLab.Torch;
using Xunit.Abstractions;
using F = NormLab.Torch.torch.nn.functional;

namespace NormLab.Tests.Unit.Torch;

/// <summary>
/// DESIGN.md, "The binding": native memory stays flat over thousands of training steps when each step runs inside a
/// dispose scope (TorchSharp users' top complaint is leaks from undisposed temporaries).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class NativeMemoryTests(ITestOutputHelper output)
{
    private static long RssBytes()
    {
        // /proc/self/statm: size resident shared text lib data dt (in pages).
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    /// <summary>Bytes glibc's malloc has handed out and not got back (mallinfo2's uordblks, all arenas): unlike RSS, it does
    /// not move with fragmentation or with pages the allocator keeps, so it shows a native leak of a few hundred bytes a step.</summary>
    private static long NativeHeapInUse() => (long)GlibcMalloc.mallinfo2().uordblks;

    private static void SettleManagedHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Fact]
    public void Five_thousand_conv_net_steps_in_scopes_leave_live_tensors_and_rss_flat()
    {
        const int steps = 5_000, warmup = 1_000, batch = 8;
        SettleManagedHeap();
        var liveAtStart = Tensor.LiveCount;

        torch.manual_seed(0);
        var conv = new Conv2d(1, 4, 3);
        var fc = new Linear(4 * 5 * 5, 10);
        var parameters = conv.parameters().Concat(fc.parameters()).ToArray();
        var opt = new SGD(parameters, lr: 0.01, momentum: 0.9);
        var liveWithModel = Tensor.LiveCount;

        var rng = new Random(1);
        var pixels = new float[batch * 12 * 12];
        var labels = new long[batch];
        long rssAfterWarmup = 0, rssMax = 0;
        var samples = new List<long>();
        var heapSamples = new List<long>();
        long heapAfterWarmup = 0, heapMax = 0;
        double firstLoss = 0, lastLoss = 0;
        Tensor.ResetPeakCount();
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < steps; step++)
        {
            // A learnable task: the label names the row (0..9) holding a bright pixel.
            for (var i = 0; i < pixels.Length; i++) pixels[i] = (float)rng.NextDouble();
            for (var b = 0; b < batch; b++)
            {
                labels[b] = rng.Next(10);
                pixels[b * 144 + (int)labels[b] * 12 + 6] += 3; // a bright pixel in the row named by the label
            }
            using (torch.NewDisposeScope())
            {
                var x = torch.tensor(pixels, batch, 1, 12, 12);
                var y = torch.tensor(labels);
                var h = F.max_pool2d(conv.forward(x).relu(), 2).flatten(1);
                var loss = F.cross_entropy(fc.forward(h), y);
                opt.zero_grad();
                loss.backward();
                opt.step();
                if (step < 50) firstLoss += loss.item() / 50;
                if (step >= steps - 50) lastLoss += loss.item() / 50;
            }
            Assert.True(Tensor.LiveCount == liveWithModel, $"step {step}: {Tensor.LiveCount} live tensors, expected {liveWithModel}");
            if (step == warmup - 1)
            {
                SettleManagedHeap();
                rssAfterWarmup = RssBytes();
                heapAfterWarmup = NativeHeapInUse();
            }
            else if (step >= warmup && step % 250 == 0)
            {
                // Settle the managed heap first, so that we compare native memory, not uncollected .NET garbage.
                SettleManagedHeap();
                var rss = RssBytes();
                samples.Add(rss);
                rssMax = Math.Max(rssMax, rss);
                var heap = NativeHeapInUse();
                heapMax = Math.Max(heapMax, heap);
                heapSamples.Add(heap);
            }
        }
        SettleManagedHeap();
        var rssEnd = RssBytes();
        rssMax = Math.Max(rssMax, rssEnd);
        var seconds = clock.Elapsed.TotalSeconds;
        var peak = Tensor.PeakCount - liveWithModel;

        opt.Dispose();
        conv.Dispose();
        fc.Dispose();
        SettleManagedHeap();

        output.WriteLine($"{steps} steps in {seconds:F1} s; loss {firstLoss:F3} → {lastLoss:F3}; peak temporaries {peak}; " +
                         $"RSS after warm-up {rssAfterWarmup / 1e6:F1} MB, max later {rssMax / 1e6:F1} MB, end {rssEnd / 1e6:F1} MB; heap in use {heapAfterWarmup / 1e6:F1} → max {heapMax / 1e6:F1} MB; " +
                         $"samples (MB over warm-up): {string.Join(" ", samples.Select(r => ((r - rssAfterWarmup) / 1e6).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.Equal(liveAtStart, Tensor.LiveCount);
        // A step holds a few dozen temporaries at most; a leak would grow this with the step count.
        Assert.InRange(peak, 1, 100);
        // RSS wanders by a few MB with the allocator's page keeping (measured: ±4 MB over 25,000 steps, with malloc's
        // bytes in use flat); a leaked graph or tensor per step would add ≥ 12 KB a step, i.e. ≥ 48 MB here.
        Assert.True(rssMax - rssAfterWarmup < 6_000_000,
            $"RSS grew by {(rssMax - rssAfterWarmup) / 1e6:F2} MB over the last {steps - warmup} steps");
        // The sharper check: bytes malloc'd and not freed. Other code in the test process mallocs now and then (the JIT
        // re-compiling hot methods, the runtime's threads), once, while a leak grows with every step: so we compare the
        // second half of the run with its middle — 2,000 steps may not add 1 MB (500 B a step).
        var heapMid = heapSamples[heapSamples.Count / 2];
        var heapLateMax = heapSamples.Skip(heapSamples.Count / 2).Max();
        Assert.True(heapLateMax - heapMid < 1_000_000,
            $"native heap in use grew by {(heapLateMax - heapMid) / 1e6:F2} MB over the last {(steps - warmup) / 2} steps " +
            $"(whole run after warm-up: {(heapMax - heapAfterWarmup) / 1e6:F2} MB)");
        // The steps did train: the net learns the row of the bright pixel.
        Assert.True(lastLoss < firstLoss * 0.7, $"loss did not fall: {firstLoss:F3} → {lastLoss:F3}");
    }
}

/// <summary>glibc's malloc statistics (mallinfo2, glibc ≥ 2.33: Debian 12 and later).</summary>
internal static class GlibcMalloc
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", ExactSpelling = true)]
    internal static extern MallInfo2 mallinfo2();
}
