using LanguageExt;
using NormLab.Core;
using NormLab.Engine.Compilation;
using NormLab.Tests.Properties.Infrastructure;

namespace NormLab.Tests.Properties.CoreLaws;

/// <summary>A generated network with a batch size, a mode and seeds.</summary>
public sealed record NetworkCase(GeneratedNetwork Net, int Batch, bool Training, int Seed, int OtherSeed)
{
    public override string ToString() => $"{Net} | batch {Batch}, {(Training ? "train" : "eval")}, seeds {Seed}/{OtherSeed}";
}

/// <summary>
/// The core laws of issue 4 (12–14). Each is parameterised by the part it checks (shape inference, validation, the
/// compiler) so the same law can be run against a deliberately broken one.
/// </summary>
public static class CoreLawProperties
{
    static Arbitrary<NetworkCase> Cases(bool classifier) =>
        Arb.From(
            from net in NetworkGen.Valid(classifier)
            from batch in Gen.Choose(2, 4)
            from training in Gen.Elements(false, true)
            from seed in Gen.Choose(0, 1_000_000)
            from delta in Gen.Choose(1, 1_000_000)
            select new NetworkCase(net, batch, training, seed, seed + delta),
            c => NetworkGen.Shrink(c.Net, classifier).Select(n => c with { Net = n })
                .Concat(c.Batch > 2 ? [c with { Batch = 2 }] : []));

    /// <summary>
    /// 12. For random valid stacks of every layer kind, the inferred per-sample shapes (<paramref name="infer"/>) equal the
    /// compiled modules' actual output shapes, layer by layer (observed during the forward pass), in train and in eval.
    /// Exact: shapes are integers.
    /// </summary>
    public static PropertyDef<NetworkCase> P12_ShapeInferenceMatchesCompiled(Func<Network, Validation<Problem, NetworkShape>> infer, int maxTest = 300) => new(
        "P12 inferred shapes equal the compiled network's output shapes",
        Cases(classifier: false),
        c =>
        {
            using var scope = torch.NewDisposeScope();
            var net = c.Net.Network;
            var predicted = infer(net).Match(s => s, problems => throw new PropertyViolation(
                $"a valid network was rejected by shape inference: {string.Join("; ", problems)}"));
            using var compiled = Interpreter.Compile(net, (ulong)c.Seed).Match(n => n, problems => throw new PropertyViolation(
                $"a valid network did not compile: {string.Join("; ", problems)}"));
            compiled.train(c.Training);
            var x = Input([c.Batch, .. net.InputShape]);
            var observed = new List<long[]>();
            var output = compiled.forward(x);
            compiled.ForwardLogits(x, (_, y) => observed.Add(y.shape));
            for (var i = 0; i < observed.Count; i++)
            {
                long[] expected = [c.Batch, .. predicted.Layers[i].Output.Map(d => (long)d)];
                if (!observed[i].SequenceEqual(expected))
                    throw new PropertyViolation($"layer {i} ({NetworkText.Describe(net.Layers[i])}): compiled output [{string.Join(", ", observed[i])}], inferred [{string.Join(", ", expected)}]");
            }
            long[] final = [c.Batch, .. predicted.Output.Map(d => (long)d)];
            if (!output.shape.SequenceEqual(final))
                throw new PropertyViolation($"network output [{string.Join(", ", output.shape)}], inferred [{string.Join(", ", final)}]");
        },
        maxTest);

    /// <summary>
    /// 13. Invalid networks are rejected by <paramref name="validate"/> — never an exception — with every problem naming a
    /// path and at least one naming the injected mistake's path; the interpreter never throws on them and returns Fail for
    /// every one that shape inference rejects (all but the network-level name mistakes).
    /// </summary>
    public static PropertyDef<InvalidNetwork> P13_InvalidNetworksRejected(Func<Network, Validation<Problem, Network>> validate, int maxTest = 1000) => new(
        "P13 invalid networks are rejected with a problem naming the path; compiling them fails without throwing",
        InvalidNetworkGen.Networks,
        n =>
        {
            var problems = validate(n.Network).Match(
                _ => throw new PropertyViolation("validation accepted an invalid network"),
                fails => fails.ToArray());
            var unnamed = problems.Where(p => string.IsNullOrWhiteSpace(p.Path) || string.IsNullOrWhiteSpace(p.Message)).ToArray();
            if (unnamed.Length > 0) throw new PropertyViolation($"problems without a path or message: {string.Join("; ", unnamed.Select(p => $"'{p}'"))}");
            if (!problems.Any(p => p.Path == n.ExpectedPath || p.Path.StartsWith(n.ExpectedPath + ".", StringComparison.Ordinal)))
                throw new PropertyViolation($"no problem at {n.ExpectedPath}; got: {string.Join("; ", problems.Select(p => p.ToString()))}");
            // The interpreter validates exactly as NetworkValidation does: every invalid network is a Fail, never a throw.
            var compiled = Interpreter.Compile(n.Network, 1);
            compiled.IfSuccess(c => c.Dispose());
            if (compiled.IsSuccess)
                throw new PropertyViolation("the interpreter compiled a network that validation rejects");
        },
        maxTest);

    /// <summary>
    /// 14. The same seed gives bit-identical initial parameters, an identical first loss and an identical loss after one
    /// SGD step (dropout masks included: they come from the seeded generator too); a different seed gives different
    /// initial parameters (every generated classifier has a randomly initialised dense layer). Exact: bitwise.
    /// </summary>
    public static PropertyDef<NetworkCase> P14_SeedsAreReproducible(Func<Network, ulong, CompiledNetwork> compile, int maxTest = 100) => new(
        "P14 same seed: bit-identical weights and first-step losses; different seeds: different weights",
        Cases(classifier: true),
        c =>
        {
            var net = c.Net.Network;
            var first = Run(compile, net, (ulong)c.Seed, c.Batch);
            var again = Run(compile, net, (ulong)c.Seed, c.Batch);
            var other = Run(compile, net, (ulong)c.OtherSeed, c.Batch);
            if (first.Parameters.Length != again.Parameters.Length || !first.Parameters.SequenceEqual(again.Parameters))
                throw new PropertyViolation($"seed {c.Seed} twice: initial parameters differ");
            if (BitConverter.DoubleToInt64Bits(first.Loss) != BitConverter.DoubleToInt64Bits(again.Loss))
                throw new PropertyViolation($"seed {c.Seed} twice: first losses {first.Loss:R} vs {again.Loss:R}");
            if (BitConverter.DoubleToInt64Bits(first.LossAfterStep) != BitConverter.DoubleToInt64Bits(again.LossAfterStep))
                throw new PropertyViolation($"seed {c.Seed} twice: losses after one SGD step {first.LossAfterStep:R} vs {again.LossAfterStep:R}");
            if (first.Parameters.SequenceEqual(other.Parameters))
                throw new PropertyViolation($"seeds {c.Seed} and {c.OtherSeed} gave identical initial parameters");
        },
        maxTest);

    static (int[] Parameters, double Loss, double LossAfterStep) Run(Func<Network, ulong, CompiledNetwork> compile, Network net, ulong seed, int batch)
    {
        using var scope = torch.NewDisposeScope();
        using var model = compile(net, seed);
        model.train();
        // Bit patterns, so −0/+0 and NaN payloads count as differences.
        var parameters = model.parameters().SelectMany(p => p.data<float>()).Select(BitConverter.SingleToInt32Bits).ToArray();
        var classes = model.Shape.Output[0];
        var x = Input([batch, .. net.InputShape]);
        using var y = torch.tensor(Enumerable.Range(0, batch).Select(i => (long)(i % classes)).ToArray(), [batch]);
        using var sgd = torch.optim.SGD(model.parameters(), 0.1);
        var loss = torch.nn.functional.cross_entropy(model.ForwardLogits(x), y);
        var first = loss.item<float>();
        sgd.zero_grad();
        loss.backward();
        sgd.step();
        var after = torch.nn.functional.cross_entropy(model.ForwardLogits(x), y).item<float>();
        return (parameters, first, after);
    }

    /// <summary>A deterministic input (values sin(0.37·i)·2 + 0.5): the laws are about shapes and seeds, not data.</summary>
    static Tensor Input(IEnumerable<int> shape)
    {
        var dims = shape.Select(d => (long)d).ToArray();
        var count = dims.Aggregate(1L, (a, b) => a * b);
        return torch.tensor(Enumerable.Range(0, (int)count).Select(i => (float)(Math.Sin(0.37 * i) * 2 + 0.5)).ToArray(), dims);
    }
}
