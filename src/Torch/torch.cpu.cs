using NormLab.Torch.Native;

namespace NormLab.Torch;

public static partial class torch
{
    /// <summary>
    /// The shim's caching CPU allocator (native/nl_allocator.cpp), named after <c>torch.cuda</c>'s memory functions:
    /// freed tensor buffers of 16 KiB and more are kept by size and reused, so a training loop stops mapping and
    /// zero-filling fresh pages every step. <c>NORMLAB_CPU_ALLOCATOR=default</c> turns it off.
    /// </summary>
    public static class cpu
    {
        /// <summary>Whether the caching allocator serves libtorch's CPU tensors in this process.</summary>
        public static bool caching_allocator_enabled => LibTorch.nl_cpu_cache_enabled() != 0;

        /// <summary>Bytes held in the cache for reuse (not in any live tensor) — <c>torch.cuda.memory_reserved</c> minus the live part.</summary>
        public static long memory_cached() => LibTorch.nl_cpu_cache_bytes();

        /// <summary>Gives every cached buffer back to the system (<c>torch.cuda.empty_cache</c>); live tensors are untouched.</summary>
        public static void empty_cache() => LibTorch.nl_cpu_cache_release();
    }
}
