using System.Globalization;

namespace NormLab.Host.Bench;

/// <summary>
/// The machine's theoretical single-precision peak: cores × FMA units × SIMD lanes × 2 (an FMA is a multiply and an add)
/// × clock. Lanes come from /proc/cpuinfo's flags (avx512f: 16 floats, avx/avx2: 8, otherwise SSE's 4). FMA units per
/// core are not in cpuinfo: we assume 2 for a core with the fma flag (Intel since Haswell, AMD Zen 2 and later: two
/// 256-bit FMA pipes) and 1 without (one multiply and one add port, i.e. one FMA-equivalent). The clock is cpuinfo's
/// "cpu MHz" (base clock under a hypervisor; turbo would raise the peak).
/// </summary>
public sealed record MachinePeak(int Cores, double MegaHertz, int SimdFloats, int FmaUnits, string ModelName)
{
    /// <summary>FLOPs per cycle per core.</summary>
    public int FlopsPerCycle => FmaUnits * SimdFloats * 2;

    /// <summary>Peak GFLOP/s of all cores.</summary>
    public double PeakGflops => Cores * FlopsPerCycle * MegaHertz / 1000.0;

    /// <summary>The formula with this machine's numbers, for results.md.</summary>
    public string Formula => string.Create(CultureInfo.InvariantCulture,
        $"{Cores} cores × {FmaUnits} FMA units × {SimdFloats} float lanes × 2 FLOP/FMA × {MegaHertz / 1000.0:0.###} GHz = {PeakGflops:0.#} GFLOP/s");

    /// <summary>Reads the text of /proc/cpuinfo. <paramref name="cores"/> defaults to the processors listed.</summary>
    public static MachinePeak FromCpuInfo(string cpuinfo, int? cores = null)
    {
        var processors = 0;
        double mhz = 0;
        var flags = new HashSet<string>();
        var model = "unknown";
        foreach (var raw in cpuinfo.Split('\n'))
        {
            var colon = raw.IndexOf(':');
            if (colon < 0) continue;
            var key = raw[..colon].Trim();
            var value = raw[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor": processors++; break;
                case "cpu MHz" when mhz == 0: double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out mhz); break;
                case "flags" when flags.Count == 0: flags.UnionWith(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)); break;
                case "model name" when model == "unknown": model = value; break;
            }
        }
        var lanes = flags.Contains("avx512f") ? 16 : flags.Contains("avx") ? 8 : 4;
        var fmaUnits = flags.Contains("fma") ? 2 : 1;
        return new MachinePeak(cores ?? Math.Max(processors, 1), mhz, lanes, fmaUnits, model);
    }
}
