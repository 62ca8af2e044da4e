// 1,000 conv2d forward+backward steps on a 64×1×28×28 batch (conv 1→6, 5×5, padding 2; loss = sum of the output),
// 2 libtorch threads, OpenBLAS pinned to 1 — the same loop as tests/fixtures/conv_bench.py, for issue 2's closing note.
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

var steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
const int warmup = 20;
torch.set_num_threads(2);
torch.manual_seed(0);
using var x = torch.randn(64, 1, 28, 28);
using var w = torch.randn([6, 1, 5, 5], requires_grad: true);
using var b = torch.randn([6], requires_grad: true);

void Step()
{
    using var scope = torch.NewDisposeScope();
    var y = F.conv2d(x, w, b, padding: [2, 2]);
    y.sum().backward();
    w.grad = null;
    b.grad = null;
}

for (var i = 0; i < warmup; i++) Step();
var clock = Stopwatch.StartNew();
for (var i = 0; i < steps; i++) Step();
var seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"C# TorchSharp (libtorch {torch.__version__}), threads={torch.get_num_threads()}: " +
    $"{steps} steps in {seconds:F3} s ({1000 * seconds / steps:F3} ms/step)"));
