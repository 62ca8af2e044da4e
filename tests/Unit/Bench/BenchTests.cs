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
            Assert.Equal("ratio lenet5-bn torchsharp 0.813", RatioLine.Format("lenet5-bn", RatioLine.TorchSharp, 0.81349));
            Assert.Equal("ratio inference pytorch 1.250", RatioLine.Format("inference", RatioLine.PyTorch, 1.25));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void ParseReadsWhatFormatWritesAndRejectsOtherLines()
    {
        Assert.Equal(("mlp-bn", "pytorch", 0.75), RatioLine.Parse(RatioLine.Format("mlp-bn", RatioLine.PyTorch, 0.75)));
        Assert.Equal(("mlp-bn", "torchsharp", 1.02), RatioLine.Parse("ratio mlp-bn torchsharp 1.020"));
        Assert.Null(RatioLine.Parse("ratio mlp-bn"));
        Assert.Null(RatioLine.Parse("ratio mlp-bn 0.750"));
        Assert.Null(RatioLine.Parse("ratio mlp-bn tensorflow 0.750"));
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
    public void NativeBnWorkloadsKeepTheArithmeticOfTheOtherSides()
    {
        // Plain TorchSharp and PyTorch write Keras BN as BatchNorm(eps 1e-3, momentum 0.01): torch statistics.
        foreach (var name in new[] { "lenet5-bn", "mlp-bn", "inference" })
        {
            var bns = BenchWorkload.Find(name)!.Network.Layers.OfType<BatchNorm>().ToList();
            Assert.NotEmpty(bns);
            Assert.All(bns, b =>
            {
                Assert.Equal(BnConvention.Torch, b.Convention);
                Assert.Equal(0.01, b.ResolvedMomentum, 12);
                Assert.Equal(1e-3, b.ResolvedEpsilon, 12);
            });
        }
        Assert.Equal(Presets.Lenet5BnAll.Layers.Filter(l => l is not BatchNorm), BenchWorkload.Find("lenet5-bn")!.Network.Layers.Filter(l => l is not BatchNorm));
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
        var machine = new MachineInfo("AMD EPYC", 2, 23.4, "TorchSharp 0.107.0, libtorch 2.10.0.0", "1.13.0a0", "OpenBLAS (/x/libblas.so.3)", ".NET 10.0.0", "Linux");
        var peak = new MachinePeak(2, 2445.422, 8, 2, "AMD EPYC");
        var lenet = BenchWorkload.Find("lenet5-bn")!;
        var scratch = BenchWorkload.Find("lenet5-bn-scratch")!;
        var infer = BenchWorkload.Find("inference")!;
        static SideResult Side(double[] seconds, double rss, double? gflops = null, PhaseBreakdown? phases = null) =>
            new(new Timing(seconds), rss, gflops, phases);
        return new BenchReport("2025-01-02 03:04", false, 3, 2, machine, peak, load, "0.6 0.5 0.4",
        [
            new WorkloadResult(lenet, 938, 60_000, Side([8.0, 9.0, 10.0], 400, 15.62, new PhaseBreakdown(0.1, 2.0, 3.0, 0.5, 6.0)),
                Side([9.0, 9.5, 9.9], 420, 14.8), Side([10.0, 11.0, 12.0], 500, 13.0)),
            new WorkloadResult(scratch, 938, 60_000, Side([16.0], 410), Side([19.0], 430), Side([33.0], 520)),
            new WorkloadResult(infer, 5, 50_000, Side([1.0], 450), Side([0.8], 460), Side([2.0], 480)),
        ],
        new RssCheck("ioffe-bn", 5, 1000, [480.0, 480.5, 481.0, 481.0, 481.25]));
    }

    [Fact]
    public void TableRowsCarryMediansRangesBothRatiosGflopsAndRss()
    {
        var md = ResultsMarkdown.Render(Report());
        Assert.Contains("| 1 | lenet5-bn: LeNet-5 + native BN, Adam, batch 64, 1 epoch | 9.00 s (8.00–10.00) | 9.50 s (9.00–9.90) | 11.00 s (10.00–12.00) | " +
                        "**0.947** | **0.818** | 15.62 / 14.80 / 13.00 (10.0% / 9.5% / 8.3%) | 400 / 420 / 500 |", md);
        // Inference: µs per image and images/s; ratio of time per image.
        Assert.Contains("| 20.0 µs/img (20.0–20.0; 50000 img/s) | 16.0 µs/img (16.0–16.0; 62500 img/s) | 40.0 µs/img (40.0–40.0; 25000 img/s) | " +
                        "**1.250** | **0.500** | – | 450 / 460 / 480 |", md);
        Assert.Contains("Scratch BN costs 1.78× native BN in NormLab, 2.00× in plain TorchSharp and 3.00× in PyTorch", md);
        // Phases only where a side measured them; other = total minus the four.
        Assert.Contains("| lenet5-bn | NormLab | 0.100 | 2.000 | 3.000 | 0.500 | 0.400 | 6.000 |", md);
        Assert.DoesNotContain("| lenet5-bn | PyTorch | ", md);
        Assert.Contains("480.0, 480.5, 481.0, 481.0, 481.3 MiB — epoch 5 minus epoch 1: +1.3 MiB", md);
        Assert.Contains("2 cores × 2 FMA units × 8 float lanes × 2 FLOP/FMA × 2.445 GHz = 156.5 GFLOP/s", md);
        Assert.Contains("before: 0.5 0.4 0.3, after: 0.6 0.5 0.4", md);
        Assert.Contains("ratio lenet5-bn torchsharp 0.947\nratio lenet5-bn pytorch 0.818\nratio lenet5-bn-scratch torchsharp 0.842\n" +
                        "ratio lenet5-bn-scratch pytorch 0.485\nratio inference torchsharp 1.250\nratio inference pytorch 0.500\n", md.Replace("\r\n", "\n"));
    }

    [Fact]
    public void RewritingKeepsTheHandWrittenNotesAndWritesAtomically()
    {
        var dir = Path.Combine(Path.GetTempPath(), "normlab-bench-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "results.md");
            ResultsMarkdown.Write(path, Report());
            File.AppendAllText(path, "\n## Phases\nconv backward is 60% of the step.\n");
            ResultsMarkdown.Write(path, Report(load: "9.9 9.9 9.9"));
            var text = File.ReadAllText(path);
            Assert.Contains("before: 9.9 9.9 9.9", text);
            Assert.EndsWith(ResultsMarkdown.NotesMarker + "\n## Phases\nconv backward is 60% of the step.\n", text.Replace("\r\n", "\n"));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
