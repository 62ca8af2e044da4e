using System.Diagnostics;
using NormLab.Core.Data;
using NormLab.Engine.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NormLab.Host.Bench;

/// <summary>
/// The plain-TorchSharp side of the benchmark, the hidden verb <c>bench-torchsharp-worker</c> (protocol:
/// <see cref="WorkerLoop"/>): the workloads written the way TorchSharp's documentation and examples teach —
/// <c>nn.Sequential</c> of TorchSharp's own modules (<c>nn.BatchNorm1d/2d</c>, <c>nn.Conv2d</c>, …), <c>optim.Adam</c> /
/// <c>optim.SGD</c>, <c>nn.functional.cross_entropy</c>, one <c>NewDisposeScope</c> per step, the batch taken from the
/// whole split (one float tensor) with <c>index_select</c>. It is <c>bench/pytorch_reference.py</c> line for line
/// (networks, Keras-convention BN as <c>BatchNorm(eps 1e-3, momentum 0.01)</c>, the Ioffe MLP's torch BN, glorot-uniform
/// kernels and zero biases, loss and accuracy read every step), on TorchSharp's libtorch. Same data (NormLab's loader, so
/// the same decoded floats) and the same batch order as NormLab (<see cref="Core.Data.Shuffle.FillEpochOrder"/> per epoch).
/// Phase timing (<c>phases</c>) wraps the same loop in stopwatches.
/// </summary>
public static class TorchSharpWorker
{
    public const string Verb = "bench-torchsharp-worker";

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, CancellationToken ct) =>
        Task.Run(() => WorkerLoop.Run(Verb, args, stdin, stdout, (w, data, threads, seed) => new Side(w, data, seed), ct), ct);

    private sealed class Side : IBenchSide
    {
        private readonly BenchWorkload w;
        private readonly ulong seed;
        private readonly Tensor xTrain, yTrain, xTest, yTest;
        private readonly int trainCount;

        public Side(BenchWorkload w, DatasetSplits data, ulong seed)
        {
            this.w = w;
            this.seed = seed;
            trainCount = data.Train.Count;
            (xTrain, yTrain) = Tensors(data.Train);
            (xTest, yTest) = Tensors(data.Test);
        }

        /// <summary>A split as the user of a tutorial holds it: all images in one float tensor, labels int64.</summary>
        private static (Tensor X, Tensor Y) Tensors(DatasetArrays split)
        {
            long[] shape = [split.Count, .. split.SampleShape.Select(d => (long)d)];
            var x = torch.tensor(split.DecodeAll(), shape);
            var y = torch.tensor(split.Labels.Select(b => (long)b).ToArray());
            return (x, y);
        }

        public (double Seconds, long Steps, long Images) Train(long steps, StepPhases? phases)
        {
            torch.manual_seed((long)seed);
            using var model = Model();
            using optim.Optimizer opt = w.Optimizer == BenchOptimizer.Adam
                ? optim.Adam(model.parameters())
                : optim.SGD(model.parameters(), BenchWorkload.SgdLearningRate);
            var batch = w.BatchSize;
            var batches = (trainCount + batch - 1) / batch;
            var order = new int[trainCount];
            var idx = new long[batch];
            model.train();
            long step = 0, seen = 0;
            var clock = Stopwatch.StartNew();
            for (var epoch = 0; step < steps; epoch++)
            {
                Core.Data.Shuffle.FillEpochOrder(order, seed, epoch);
                for (var b = 0; b < batches && step < steps; b++)
                {
                    var t0 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    using var scope = torch.NewDisposeScope();
                    var n = Math.Min(batch, trainCount - b * batch);
                    for (var i = 0; i < n; i++) idx[i] = order[b * batch + i];
                    var index = torch.tensor(idx.AsSpan(0, n).ToArray());
                    var x = xTrain.index_select(0, index);
                    var y = yTrain.index_select(0, index);
                    var t1 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    var logits = model.forward(x);
                    var loss = F.cross_entropy(logits, y);
                    var t2 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    opt.zero_grad();
                    loss.backward();
                    var t3 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    opt.step();
                    var t4 = phases is null ? 0 : Stopwatch.GetTimestamp();
                    var value = loss.item<float>();
                    using (torch.no_grad()) _ = logits.argmax(1).eq(y).sum().item<long>();
                    step++;
                    seen += n;
                    if (!float.IsFinite(value)) throw new BenchException($"{w.Name}: diverged at step {step}");
                    if (phases is not null)
                    {
                        phases.Data += t1 - t0;
                        phases.Forward += t2 - t1;
                        phases.Backward += t3 - t2;
                        phases.Optimizer += t4 - t3;
                        phases.Total += Stopwatch.GetTimestamp() - t0; // the scope's disposal falls into the next step's data
                        phases.Steps++;
                    }
                }
            }
            return (clock.Elapsed.TotalSeconds, step, seen);
        }

        public (double Seconds, long Images) Infer(int passes)
        {
            torch.manual_seed((long)seed);
            using var model = Model();
            model.eval();
            var n = xTest.shape[0];
            var clock = Stopwatch.StartNew();
            using (torch.no_grad())
            {
                for (var p = 0; p < passes; p++)
                {
                    double lossSum = 0;
                    long correct = 0;
                    for (long b = 0; b < n; b += w.BatchSize)
                    {
                        using var scope = torch.NewDisposeScope();
                        var len = Math.Min(w.BatchSize, n - b);
                        var x = xTest.narrow(0, b, len);
                        var y = yTest.narrow(0, b, len);
                        var logits = model.forward(x);
                        lossSum += F.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
                        correct += logits.argmax(1).eq(y).sum().item<long>();
                    }
                }
            }
            return (clock.Elapsed.TotalSeconds, passes * n);
        }

        public (IReadOnlyList<double> RssMb, long StepsPerEpoch)? Rss(int epochs, int limit) => null;

        private Sequential Model()
        {
            var model = w.Name switch
            {
                "lenet5-bn" or "inference" => LeNet5(bn: true, scratch: false),
                "lenet5" => LeNet5(bn: false, scratch: false),
                "lenet5-bn-scratch" => LeNet5(bn: true, scratch: true),
                "mlp-bn" => Mlp300100Bn(),
                "ioffe-bn" => IoffeMlpBn(),
                _ => throw new BenchException($"{Verb}: no TorchSharp model for {w.Name}"),
            };
            // glorot_uniform kernels, zero biases (NormLab's default); the Ioffe MLP's hidden layers keep their N(0, 0.05).
            var ioffe = w.Name == "ioffe-bn";
            var linears = 0;
            using (torch.no_grad())
            {
                foreach (var m in model.modules())
                {
                    switch (m)
                    {
                        case Conv2d c:
                            nn.init.xavier_uniform_(c.weight);
                            nn.init.zeros_(c.bias);
                            break;
                        case Linear l:
                            linears++;
                            if (ioffe && linears <= 3) nn.init.normal_(l.weight, 0.0, 0.05);
                            else nn.init.xavier_uniform_(l.weight);
                            nn.init.zeros_(l.bias);
                            break;
                    }
                }
            }
            return model;
        }

        /// <summary>Keras-convention BN as a PyTorch user writes it: eps 1e-3, momentum 0.01.</summary>
        private static nn.Module<Tensor, Tensor> KerasBn(long channels, bool spatial, bool scratch) =>
            scratch ? new ScratchBatchNorm(channels, spatial)
            : spatial ? nn.BatchNorm2d(channels, eps: 1e-3, momentum: 0.01) : nn.BatchNorm1d(channels, eps: 1e-3, momentum: 0.01);

        private static Sequential LeNet5(bool bn, bool scratch)
        {
            var layers = new List<nn.Module<Tensor, Tensor>>();
            void Norm(long c, bool spatial)
            {
                if (bn) layers.Add(KerasBn(c, spatial, scratch));
            }
            layers.Add(nn.Conv2d(1, 6, 5, padding: 2));
            Norm(6, true);
            layers.AddRange([nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5)]);
            Norm(16, true);
            layers.AddRange([nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120)]);
            Norm(120, false);
            layers.AddRange([nn.ReLU(), nn.Linear(120, 84)]);
            Norm(84, false);
            layers.AddRange([nn.ReLU(), nn.Linear(84, 10)]);
            Norm(10, false);
            return nn.Sequential(layers);
        }

        private static Sequential Mlp300100Bn()
        {
            static nn.Module<Tensor, Tensor> Bn(long c) => nn.BatchNorm1d(c, eps: 1e-3, momentum: 0.01);
            return nn.Sequential(nn.Flatten(), Bn(784), nn.Linear(784, 300), nn.ReLU(), Bn(300), nn.Linear(300, 100), nn.ReLU(),
                Bn(100), nn.Linear(100, 10));
        }

        private static Sequential IoffeMlpBn()
        {
            var layers = new List<nn.Module<Tensor, Tensor>> { nn.Flatten() };
            long fanIn = 784;
            for (var i = 0; i < 3; i++)
            {
                layers.AddRange([nn.Linear(fanIn, 100), nn.BatchNorm1d(100), nn.Sigmoid()]); // torch convention: momentum 0.1, eps 1e-5
                fanIn = 100;
            }
            layers.Add(nn.Linear(100, 10));
            return nn.Sequential(layers);
        }
    }

    /// <summary>NormLab's from-scratch BN op for op, as <c>bench/pytorch_reference.py</c>'s ScratchBatchNorm: mean, centred,
    /// squared, mean, rsqrt; Keras-style running statistics with the biased variance; autograd derives the backward pass.</summary>
    private sealed class ScratchBatchNorm : nn.Module<Tensor, Tensor>
    {
        private const double Eps = 1e-3, Momentum = 0.99;
        private readonly long[] dims, shape;
        private readonly Parameter weight, bias;
        private readonly Tensor running_mean, running_var;

        public ScratchBatchNorm(long channels, bool spatial) : base("ScratchBatchNorm")
        {
            dims = spatial ? [0, 2, 3] : [0];
            shape = spatial ? [1, channels, 1, 1] : [1, channels];
            weight = nn.Parameter(torch.ones(channels));
            bias = nn.Parameter(torch.zeros(channels));
            running_mean = torch.zeros(channels);
            running_var = torch.ones(channels);
            register_parameter("weight", weight);
            register_parameter("bias", bias);
            register_buffer("running_mean", running_mean);
            register_buffer("running_var", running_var);
        }

        public override Tensor forward(Tensor x)
        {
            if (!training)
            {
                var xhatEval = (x - running_mean.view(shape)) * (running_var.view(shape) + Eps).rsqrt();
                return xhatEval * weight.view(shape) + bias.view(shape);
            }
            var mean = x.mean(dims, keepdim: true);
            var centered = x - mean;
            var squared = centered * centered;
            var variance = squared.mean(dims, keepdim: true);
            var inv = (variance + Eps).rsqrt();
            var xhat = centered * inv;
            using (torch.no_grad())
            {
                var n = x.numel() / x.shape[1];
                var m = mean.reshape(-1);
                var v = variance.reshape(-1);
                _ = v * ((double)n / (n - 1)); // NormLab computes it for every convention; Keras keeps the biased one
                running_mean.mul_(Momentum).add_(m, alpha: 1 - Momentum);
                running_var.mul_(Momentum).add_(v, alpha: 1 - Momentum);
            }
            return xhat * weight.view(shape) + bias.view(shape);
        }
    }
}
