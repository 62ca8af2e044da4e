using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NormLab.Core.Data;
using NormLab.Engine;
using NormLab.Engine.Training;
using NormLab.Host.Data;
using TorchSharp;

namespace NormLab.Host.Bench;

/// <summary>What one C# side of the benchmark can do; the protocol around it is <see cref="WorkerLoop"/>'s.</summary>
internal interface IBenchSide
{
    /// <summary>A fresh network trained <paramref name="steps"/> optimizer steps; phase times added to <paramref name="phases"/> when set.</summary>
    (double Seconds, long Steps, long Images) Train(long steps, StepPhases? phases);

    /// <summary><paramref name="passes"/> eval-mode passes over the test split.</summary>
    (double Seconds, long Images) Infer(int passes);

    /// <summary>RSS (MiB) after each of <paramref name="epochs"/> epochs of a run on the first <paramref name="limit"/> images
    /// (0: all), and the steps per epoch; null where the side does not offer it.</summary>
    (IReadOnlyList<double> RssMb, long StepsPerEpoch)? Rss(int epochs, int limit);
}

/// <summary>
/// The worker end of <see cref="WorkerProcess"/>'s line protocol, shared by the two C# sides (<c>bench-worker</c>: NormLab,
/// <c>bench-torchsharp-worker</c>: plain TorchSharp) and mirrored by <c>bench/pytorch_reference.py</c>. Arguments
/// <c>--workload NAME --data DIR --threads N --seed S</c>; the dataset is loaded once, then <c>{"ready": …}</c>, then one
/// JSON line per command: <c>train STEPS</c>, <c>phases STEPS</c> (the same training with per-phase stopwatches:
/// <c>phasesMs</c> = data, forward, backward, optimizer, total per step), <c>infer PASSES</c>, <c>rss EPOCHS LIMIT</c>
/// (NormLab only), <c>peak</c>, <c>quit</c>.
/// </summary>
internal static class WorkerLoop
{
    public static int Run(string verb, IReadOnlyList<string> args, TextReader stdin, TextWriter stdout,
        Func<BenchWorkload, DatasetSplits, int, ulong, IBenchSide> makeSide, CancellationToken ct)
    {
        void Reply(object value)
        {
            stdout.WriteLine(JsonSerializer.Serialize(value));
            stdout.Flush();
        }

        string Arg(string name) =>
            args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new BenchException($"{verb}: missing {name}");

        try
        {
            var workload = BenchWorkload.Find(Arg("--workload")) ?? throw new BenchException($"{verb}: unknown workload {Arg("--workload")}");
            var threads = int.Parse(Arg("--threads"), CultureInfo.InvariantCulture);
            var seed = ulong.Parse(Arg("--seed"), CultureInfo.InvariantCulture);
            var started = Stopwatch.StartNew();
            torch.set_num_threads(threads);
            var data = DatasetCatalog.Load(workload.Dataset, new DatasetOptions { DataDir = Arg("--data"), AllowDownload = false })
                .Match(d => d, e => throw new BenchException(e.Message));
            var side = makeSide(workload, data, threads, seed);
            Reply(new { ready = true, loadSeconds = started.Elapsed.TotalSeconds, torch = torch.__version__, threads = torch.get_num_threads() });

            while (stdin.ReadLine() is { } line)
            {
                ct.ThrowIfCancellationRequested();
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0) continue;
                try
                {
                    switch (words[0])
                    {
                        case "train":
                        {
                            var (seconds, steps, images) = side.Train(long.Parse(words[1], CultureInfo.InvariantCulture), null);
                            Reply(new { seconds, steps, images });
                            break;
                        }
                        case "phases":
                        {
                            var phases = new StepPhases();
                            var (seconds, steps, images) = side.Train(long.Parse(words[1], CultureInfo.InvariantCulture), phases);
                            var (d, f, b, o, t) = phases.PerStepMs();
                            Reply(new { seconds, steps, images, phasesMs = new { data = d, forward = f, backward = b, optimizer = o, total = t } });
                            break;
                        }
                        case "infer":
                        {
                            var (seconds, images) = side.Infer(int.Parse(words[1], CultureInfo.InvariantCulture));
                            Reply(new { seconds, images });
                            break;
                        }
                        case "rss":
                        {
                            var rss = side.Rss(int.Parse(words[1], CultureInfo.InvariantCulture), int.Parse(words[2], CultureInfo.InvariantCulture))
                                      ?? throw new BenchException($"{verb}: no rss command on this side");
                            Reply(new { rssMb = rss.RssMb, stepsPerEpoch = rss.StepsPerEpoch });
                            break;
                        }
                        case "peak":
                            Reply(new { peakRssMb = ProcStatus.ReadMb("VmHWM") });
                            break;
                        case "quit":
                            Reply(new { peakRssMb = ProcStatus.ReadMb("VmHWM") });
                            return 0;
                        default:
                            Reply(new { error = $"unknown command '{words[0]}'" });
                            break;
                    }
                }
                catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or BenchException or LayerException or FormatException or IndexOutOfRangeException)
                {
                    Reply(new { error = e.Message });
                }
            }
            return 0;
        }
        catch (BenchException e)
        {
            Reply(new { error = e.Message });
            return 2;
        }
    }
}
