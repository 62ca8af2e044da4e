using NormLab.Core.Networks;
using NormLab.Engine.Compilation;
using TorchSharp;
using static LanguageExt.Prelude;

namespace NormLab.Host.Cli;

/// <summary>
/// <c>normlab torch-check</c> (hidden): loads TorchSharp's native libraries, compiles a tiny BN network and trains one
/// step, printing libtorch's version. It is what fails first when the glue library does not load (Debian 12's libstdc++).
/// </summary>
public static class TorchCheck
{
    public static int Run(TextWriter output)
    {
        try
        {
            var network = new Network("check", Seq1(4), Seq<Layer>(new Dense(3), new BatchNorm(), new Activation(ActivationKind.Relu), new Dense(2)));
            using var net = Interpreter.CompileValid(network, 1);
            using var optimizer = torch.optim.SGD(net.parameters(), 0.1);
            using var scope = torch.NewDisposeScope();
            var x = torch.randn(8, 4);
            var y = torch.tensor(new long[] { 0, 1, 0, 1, 0, 1, 0, 1 });
            var loss = torch.nn.functional.cross_entropy(net.ForwardLogits(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            output.WriteLine($"TorchSharp loads: libtorch {torch.__version__}; trained one step (loss {loss.item<float>():0.0000})");
            return 0;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            output.WriteLine($"TorchSharp does not load: {(e.InnerException ?? e).Message}");
            output.WriteLine("Rebuild with ./normlab build: the build makes TorchSharp's glue library load with this system's libstdc++ (README, \"Debian 12\").");
            return 1;
        }
    }
}
