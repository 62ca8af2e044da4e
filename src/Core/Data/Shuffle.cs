namespace NormLab.Core.Data;

/// <summary>
/// Deterministic per-seed, per-epoch sample orders. The generator is ours (SplitMix64 seeding xoshiro256**), not
/// <see cref="System.Random"/>, whose algorithm is an implementation detail that has changed across .NET versions:
/// a seed must give the same order on every machine and every runtime, forever.
/// </summary>
public static class Shuffle
{
    /// <summary>A permutation of 0..n-1 for (<paramref name="seed"/>, <paramref name="epoch"/>).</summary>
    public static int[] EpochOrder(int n, ulong seed, int epoch)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), $"must be >= 0 (got {n})");
        var order = new int[n];
        FillEpochOrder(order, seed, epoch);
        return order;
    }

    /// <summary>Writes the permutation of 0..order.Length-1 for (seed, epoch) into <paramref name="order"/> (no allocation).</summary>
    public static void FillEpochOrder(Span<int> order, ulong seed, int epoch)
    {
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var rng = Xoshiro256StarStar.ForStream(seed, (ulong)(uint)epoch);
        // Fisher–Yates from the top, each swap partner drawn uniformly (Lemire's unbiased bounded draw).
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = (int)rng.NextBounded((uint)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): used only to expand seeds into xoshiro state, as its authors recommend.</summary>
public struct SplitMix64(ulong state)
{
    private ulong _state = state;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>xoshiro256** 1.0 (Blackman and Vigna 2018), a small fast generator with a reference implementation to test against.</summary>
public struct Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new ArgumentException("xoshiro state must not be all zero");
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>
    /// A generator for stream <paramref name="stream"/> of <paramref name="seed"/>: the seed and the stream are mixed through
    /// SplitMix64 so neighbouring seeds or epochs give unrelated states.
    /// </summary>
    public static Xoshiro256StarStar ForStream(ulong seed, ulong stream)
    {
        var key = new SplitMix64(seed).Next() ^ new SplitMix64(~stream).Next();
        var sm = new SplitMix64(key);
        // SplitMix64 output is a bijection of its counter, so four consecutive outputs are never all zero.
        return new Xoshiro256StarStar(sm.Next(), sm.Next(), sm.Next(), sm.Next());
    }

    public ulong Next()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, bound) without modulo bias (Lemire 2019, "Fast random integer generation in an interval").</summary>
    public uint NextBounded(uint bound)
    {
        if (bound == 0) throw new ArgumentOutOfRangeException(nameof(bound), "must be > 0");
        var m = (ulong)(uint)(Next() >> 32) * bound;
        var low = (uint)m;
        if (low < bound)
        {
            var threshold = (uint)(-bound) % bound;
            while (low < threshold)
            {
                m = (ulong)(uint)(Next() >> 32) * bound;
                low = (uint)m;
            }
        }
        return (uint)(m >> 32);
    }
}
