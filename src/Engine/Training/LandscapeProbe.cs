using NormLab.Core;
using NormLab.Engine.Compilation;

namespace NormLab.Engine.Training;

/// <summary>
/// The loss landscape along the gradient (Santurkar, Tsipras, Ilyas &amp; Mądry 2018, Fig. 4), measured on the training
/// batch of a probe step after the step's backward and before its optimizer step. With θ the trainable parameters, g the
/// gradient just computed and L0 the step's loss, for every step size η: θ' = θ − η·g, one training-mode forward and
/// backward of the training loss (cross-entropy on the logits) on the same batch gives L(θ') and g' = ∇L(θ'), and
/// d(η) = ‖g' − g‖₂ over all trainable parameters together. Rows (probe <c>landscape</c>, layer <c>all</c>): <c>loss</c> (L0),
/// <c>loss@η</c>, <c>loss_range</c> (max − min of the loss@η), <c>grad_diff@η</c> (d(η)), <c>grad_predictiveness</c>
/// (max of d) and <c>beta_smoothness</c> (max of d(η) / ‖η·g‖₂); η is written as <see cref="Format.Number(double)"/> writes it.
/// <para><b>The same function at every η.</b> Each extra forward starts from the state the step's own forward started
/// from (<see cref="ForwardState"/> captured before it: buffers, the modules' counters and draws, the generator), so it
/// draws the step's dropout masks and noise, and renorm reads the same running statistics: the loss is evaluated along
/// the gradient of the very objective the step differentiated, and at η = 0 it would give L0 and g again, bit for bit.</para>
/// <para><b>No trace.</b> Afterwards every parameter, every gradient (the optimizer then steps with g) and the state the
/// step's forward left (captured after the backward) are put back, so training continues bit-identically.</para>
/// </summary>
public static class LandscapeProbe
{
    public const string Name = "landscape";
    public const string Layer = "all";

    public static IReadOnlyList<ProbeRow> Measure(CompiledNetwork net, Tensor x, Tensor y, double loss0,
        IReadOnlyList<double> stepSizes, ForwardState beforeForward, long step)
    {
        using var scope = torch.NewDisposeScope();
        var parameters = net.TrainableParameters().ToArray();
        var theta = new Tensor[parameters.Length];
        var g = new Tensor[parameters.Length];
        var hadGrad = new bool[parameters.Length];
        double gSquares = 0;
        using (torch.no_grad())
            for (var i = 0; i < parameters.Length; i++)
            {
                theta[i] = parameters[i].detach().clone();
                var grad = parameters[i].grad;
                hadGrad[i] = grad is not null;
                // A parameter the loss does not reach has no gradient: autograd's "zero".
                g[i] = grad is null ? torch.zeros_like(parameters[i]) : grad.detach().clone();
                gSquares += SumOfSquares(g[i]);
            }
        var gNorm = Math.Sqrt(gSquares);
        var losses = new double[stepSizes.Count];
        var diffs = new double[stepSizes.Count];
        using var afterBackward = ForwardState.Capture(net);
        try
        {
            for (var k = 0; k < stepSizes.Count; k++)
            {
                using var inner = torch.NewDisposeScope();
                beforeForward.Restore();
                using (torch.no_grad())
                    for (var i = 0; i < parameters.Length; i++)
                    {
                        using var moved = theta[i].add(g[i], alpha: -stepSizes[k]);
                        parameters[i].copy_(moved);
                        parameters[i].grad?.zero_();
                    }
                var loss = nn.functional.cross_entropy(net.ForwardLogits(x), y);
                loss.backward();
                losses[k] = loss.item<float>();
                double squares = 0;
                using (torch.no_grad())
                    for (var i = 0; i < parameters.Length; i++)
                    {
                        var grad = parameters[i].grad;
                        squares += grad is null ? SumOfSquares(g[i]) : SumOfSquares(grad - g[i]);
                    }
                diffs[k] = Math.Sqrt(squares);
            }
        }
        finally
        {
            using (torch.no_grad())
                for (var i = 0; i < parameters.Length; i++)
                {
                    parameters[i].copy_(theta[i]);
                    if (hadGrad[i]) parameters[i].grad!.copy_(g[i]);
                    else parameters[i].grad = null;
                }
            afterBackward.Restore();
        }
        return Rows(step, loss0, stepSizes, losses, diffs, gNorm);
    }

    /// <summary>The rows of one probe step from the measured losses and gradient changes (pure arithmetic).</summary>
    public static IReadOnlyList<ProbeRow> Rows(long step, double loss0, IReadOnlyList<double> stepSizes, double[] losses, double[] diffs, double gNorm)
    {
        ProbeRow Row(string stat, double value) => new(step, Name, Layer, stat, value);
        var rows = new List<ProbeRow> { Row("loss", loss0) };
        for (var k = 0; k < stepSizes.Count; k++) rows.Add(Row("loss@" + Format.Number(stepSizes[k]), losses[k]));
        rows.Add(Row("loss_range", MaxOrNaN(losses) - MinOrNaN(losses)));
        for (var k = 0; k < stepSizes.Count; k++) rows.Add(Row("grad_diff@" + Format.Number(stepSizes[k]), diffs[k]));
        rows.Add(Row("grad_predictiveness", MaxOrNaN(diffs)));
        // d(η) / ‖η·g‖₂ where the step moved at all (‖g‖ = 0 at a stationary point leaves nothing to divide by).
        var ratios = stepSizes.Select((eta, k) => (eta, k)).Where(s => Math.Abs(s.eta) * gNorm > 0)
            .Select(s => diffs[s.k] / (Math.Abs(s.eta) * gNorm)).ToArray();
        rows.Add(Row("beta_smoothness", MaxOrNaN(ratios)));
        return rows;
    }

    // A non-finite loss at a large η (the network blew up there) makes the range non-finite too: NaN propagates through Max.
    private static double MaxOrNaN(double[] xs) => xs.Length == 0 ? double.NaN : xs.Any(double.IsNaN) ? double.NaN : xs.Max();
    private static double MinOrNaN(double[] xs) => xs.Length == 0 ? double.NaN : xs.Any(double.IsNaN) ? double.NaN : xs.Min();

    private static double SumOfSquares(Tensor t)
    {
        using var d = t.to_type(ScalarType.Float64);
        using var s = d.square().sum();
        return s.item<double>();
    }
}
