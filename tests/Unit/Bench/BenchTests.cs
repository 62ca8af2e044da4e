using NormLab.Core.Networks;
using NormLab.Host.Bench;
using Xunit;

namespace NormLab.Tests.Unit.Bench;

public class FlopCountTests
{
    private static NetworkShape Shape(Network n) => ShapeInference.Infer(n, "").Match(s => s, _ => throw new InvalidOperationException());

    [Fact]
    public void LeNet5MultiplyAddsMatchTheHandCount()
    {
        // conv1 6@5×5 same on 1×28×28: 6·28·28·25·1 = 117,600; conv2 16@5×5 valid on 6×14×14 → 16×10×10: 16·100·25·6 = 240,000;
        // dense 400→120: 48,000; 120→84: 10,080; 84→10: 840. Total 416,520.
        Assert.Equal(416_520, FlopCount.MacsPerImage(Shape(Presets.Lenet5)));
        // BN layers add no multiply-adds to the count.
        Assert.Equal(416_520, FlopCount.MacsPerImage(Shape(Presets.Lenet5BnAll)));
        Assert.Equal(2 * 3 * 416_520, FlopCount.TrainingFlopsPerImage(Shape(Presets.Lenet5BnAll)));
    }

    [Fact]
    public void IoffeMlpMultiplyAddsMatchTheHandCount()
    {
        // 784·100 + 100·100 + 100·100 + 100·10 = 99,400 multiply-adds; ×2 FLOPs ×3 (forward + backward) = 596,400.
        Assert.Equal(99_400, FlopCount.MacsPerImage(Shape(Presets.IoffeMlpBn)));
        Assert.Equal(198_800, FlopCount.ForwardFlopsPerImage(Shape(Presets.IoffeMlpBn)));
        Assert.Equal(596_400, FlopCount.TrainingFlopsPerImage(Shape(Presets.IoffeMlpBn)));
    }
}

public class MachinePeakTests
{
    private const string TwoCoreZen3 = """
        processor	: 0
        vendor_id	: AuthenticAMD
        model name	: AMD EPYC
        cpu MHz		: 2445.422
        flags		: fpu sse sse2 fma avx avx2 bmi2
        
        processor	: 1
        vendor_id	: AuthenticAMD
        model name	: AMD EPYC
        cpu MHz		: 2445.422
        flags		: fpu sse sse2 fma avx avx2 bmi2
        """;

    [Fact]
    public void PeakIsCoresTimesFmaUnitsTimesLanesTimesTwoTimesClock()
    {
        var peak = MachinePeak.FromCpuInfo(TwoCoreZen3);
        Assert.Equal((2, 8, 2, "AMD EPYC"), (peak.Cores, peak.SimdFloats, peak.FmaUnits, peak.ModelName));
        Assert.Equal(32, peak.FlopsPerCycle);
        Assert.Equal(2 * 2 * 8 * 2 * 2.445422, peak.PeakGflops, 6);
        Assert.Equal("2 cores × 2 FMA units × 8 float lanes × 2 FLOP/FMA × 2.445 GHz = 156.5 GFLOP/s", peak.Formula);
    }

    [Fact]
    public void Avx512DoublesTheLanesAndNoFmaHalvesTheUnits()
    {
        Assert.Equal(16, MachinePeak.FromCpuInfo("processor : 0\ncpu MHz : 1000\nflags : avx avx2 fma avx512f\n").SimdFloats);
        var sse = MachinePeak.FromCpuInfo("processor : 0\ncpu MHz : 1000\nflags : sse sse2\n", cores: 4);
        Assert.Equal((4, 4, 1), (sse.Cores, sse.SimdFloats, sse.FmaUnits));
        Assert.Equal(4 * 1 * 4 * 2 * 1.0, sse.PeakGflops, 9);
    }
}

public class RatioLineTests
{
    [Fact]
    public void FormatIsWordWorkloadValueWithThreeDecimalsInvariant()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            // A comma-decimal culture must not leak into the line scripts parse.
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            Thread.CurrentThread.CurrentCulture = comma;
            Assert.Equal("ratio lenet5-bn 0.813", RatioLine.Format("lenet5-bn", 0.81349));
            Assert.Equal("ratio inference 1.250", RatioLine.Format("inference", 1.25));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void ParseReadsWhatFormatWritesAndRejectsOtherLines()
    {
        Assert.Equal(("mlp-bn", 0.75), RatioLine.Parse(RatioLine.Format("mlp-bn", 0.75)));
        Assert.Null(RatioLine.Parse("ratio mlp-bn"));
        Assert.Null(RatioLine.Parse("  => PyTorch 1.00 s"));
    }
}

public class TimingAndProcStatusTests
{
    [Fact]
    public void MedianMinMaxOfOddAndEvenCounts()
    {
        var odd = new Timing([3.0, 1.0, 2.0, 10.0, 4.0]);
        Assert.Equal((3.0, 1.0, 10.0), (odd.Median, odd.Min, odd.Max));
        Assert.Equal(2.5, new Timing([4.0, 1.0, 2.0, 3.0]).Median);
    }

    [Fact]
    public void ProcStatusFieldsAreReadInMebibytes()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t 3000000 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  262144 kB\n";
        Assert.Equal(512.0, ProcStatus.ParseMb(status, "VmHWM"));
        Assert.Equal(256.0, ProcStatus.ParseMb(status, "VmRSS"));
        Assert.Null(ProcStatus.ParseMb(status, "VmSwap"));
    }

    [Fact]
    public void ThisProcessHasAPeakRssOnLinux()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(ProcStatus.ReadMb("VmHWM") > 1);
    }
}

public class WorkloadTests
{
    [Fact]
    public void SixWorkloadsInTheIssuesOrderWithTheirStepCounts()
    {
        Assert.Equal(["lenet5-bn", "lenet5", "mlp-bn", "ioffe-bn", "inference", "lenet5-bn-scratch"], BenchWorkload.All.Select(w => w.Name));
        Assert.Equal([938L, 938, 1875, 2000, 5, 938], BenchWorkload.All.Select(w => w.FullSteps));
        Assert.Equal("mlp-bn", BenchWorkload.Find("3")!.Name);
    }

    [Fact]
    public void ScratchWorkloadChangesOnlyTheBnImplementation()
    {
        var scratch = BenchWorkload.Find("lenet5-bn-scratch")!.Network;
        var native = Presets.Lenet5BnAll;
        Assert.Equal(native.Layers.Count, scratch.Layers.Count);
        Assert.Equal(5, scratch.Layers.Count(l => l is BatchNorm { Implementation: BnImplementation.Scratch, Convention: BnConvention.Keras }));
        Assert.Equal(native.Layers.Filter(l => l is not BatchNorm), scratch.Layers.Filter(l => l is not BatchNorm));
    }

    [Fact]
    public void UnknownOnlyNamesEveryWorkload()
    {
        var e = Assert.Throws<BenchException>(() => BenchCommand.SelectWorkloads(["lenet7"]));
        Assert.Equal("--only lenet7: unknown workload; use one of lenet5-bn (1), lenet5 (2), mlp-bn (3), ioffe-bn (4), inference (5), lenet5-bn-scratch (6)", e.Message);
        Assert.Equal(["lenet5", "ioffe-bn"], BenchCommand.SelectWorkloads(["4", "lenet5"]).Select(w => w.Name));
    }
}

public class ResultsMarkdownTests
{
    private static BenchReport Report(string load = "0.5 0.4 0.3")
    {
        var machine = new MachineInfo("AMD EPYC", 2, 23.4, "normlab-native 1 (libtorch 1.13.0)", "1.13.0a0", "OpenBLAS (/x/libblas.so.3)", ".NET 10.0.0", "Linux");
        var peak = new MachinePeak(2, 2445.422, 8, 2, "AMD EPYC");
        var lenet = BenchWorkload.Find("lenet5-bn")!;
        var scratch = BenchWorkload.Find("lenet5-bn-scratch")!;
        var infer = BenchWorkload.Find("inference")!;
        return new BenchReport("2025-01-02 03:04", false, 3, 2, machine, peak, load, "0.6 0.5 0.4",
        [
            new WorkloadResult(lenet, 938, 60_000, new Timing([8.0, 9.0, 10.0]), new Timing([10.0, 11.0, 12.0]), 400, 500, 15.62, 13.0),
            new WorkloadResult(scratch, 938, 60_000, new Timing([16.0]), new Timing([33.0]), 410, 520, null, null),
            new WorkloadResult(infer, 5, 50_000, new Timing([1.0]), new Timing([2.0]), 450, 480, null, null),
        ],
        new RssCheck("ioffe-bn", 5, 1000, [480.0, 480.5, 481.0, 481.0, 481.25]));
    }

    [Fact]
    public void TableRowsCarryMediansRangesRatiosGflopsAndRss()
    {
        var md = ResultsMarkdown.Render(Report());
        Assert.Contains("| 1 | lenet5-bn: LeNet-5 + native BN, Adam, batch 64, 1 epoch | 11.00 s (10.00–12.00) | 9.00 s (8.00–10.00) | **0.818** | " +
                        "15.62 / 13.00 (10.0% / 8.3%) | 400 / 500 |", md);
        // Inference: µs per image and images/s; ratio of time per image.
        Assert.Contains("| 40.0 µs/img (40.0–40.0; 25000 img/s) | 20.0 µs/img (20.0–20.0; 50000 img/s) | **0.500** | – | 450 / 480 |", md);
        Assert.Contains("Scratch BN costs 1.78× native BN in NormLab and 3.00× in PyTorch", md);
        Assert.Contains("480.0, 480.5, 481.0, 481.0, 481.3 MiB — epoch 5 minus epoch 1: +1.3 MiB", md);
        Assert.Contains("2 cores × 2 FMA units × 8 float lanes × 2 FLOP/FMA × 2.445 GHz = 156.5 GFLOP/s", md);
        Assert.Contains("before: 0.5 0.4 0.3, after: 0.6 0.5 0.4", md);
        Assert.Contains("ratio lenet5-bn 0.818\nratio lenet5-bn-scratch 0.485\nratio inference 0.500\n", md.Replace("\r\n", "\n"));
    }

    [Fact]
    public void RewritingKeepsTheHandWrittenNotesAndWritesAtomically()
    {
        var dir = Path.Combine(Path.GetTempPath(), "normlab-bench-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "results.md");
            ResultsMarkdown.Write(path, Report());
            File.AppendAllText(path, "\n## Profile\nconv backward is 60% of the step.\n");
            ResultsMarkdown.Write(path, Report(load: "9.9 9.9 9.9"));
            var text = File.ReadAllText(path);
            Assert.Contains("before: 9.9 9.9 9.9", text);
            Assert.EndsWith(ResultsMarkdown.NotesMarker + "\n## Profile\nconv backward is 60% of the step.\n", text.Replace("\r\n", "\n"));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
