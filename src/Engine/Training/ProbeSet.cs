using NormLab.Engine.Compilation;

namespace NormLab.Engine.Training;

/// <summary>
/// The probes of one run. On a probe step the trainer passes <see cref="Observe"/> to the forward pass; the probes copy
/// what they need from the observed layer outputs (under no_grad, so autograd never sees them) and report rows after
/// the step. A landscape probe due on the step has the forward's starting state captured by <see cref="BeforeForward"/>
/// and measures in <see cref="AfterBackward"/> (<see cref="LandscapeProbe"/>). Off probe steps they cost nothing.
/// </summary>
internal sealed class ProbeSet(CompiledNetwork net, IReadOnlyList<ProbeRequest> requests, ITrainingObserver observer) : IDisposable
{
    private readonly List<ProbeRow> pending = [];
    private long currentStep;
    private ForwardState? beforeForward;

    internal bool Due(long step)
    {
        currentStep = step;
        foreach (var r in requests)
            if (step % r.Every == 0) return true;
        return false;
    }

    private bool LandscapeDue => requests.Any(r => r.Kind == ProbeKind.Landscape && currentStep % r.Every == 0);

    /// <summary>Before the step's forward: what it starts from, for a landscape probe due on this step.</summary>
    internal void BeforeForward()
    {
        beforeForward?.Dispose();
        beforeForward = LandscapeDue ? ForwardState.Capture(net) : null;
    }

    internal void Observe(int layerIndex, Tensor output)
    {
        foreach (var r in requests)
        {
            if (r.LayerIndex != layerIndex || currentStep % r.Every != 0) continue;
            using var _ = torch.no_grad();
            switch (r.Kind)
            {
                case ProbeKind.Percentiles: Percentiles(r, output); break;
                case ProbeKind.BatchStats: BatchStats(r, output); break;
            }
        }
    }

    /// <summary>After the step's backward, before its optimizer step: gradient norms, then the landscape on the batch
    /// (<paramref name="x"/>, <paramref name="y"/>) whose loss was <paramref name="loss"/>.</summary>
    internal void AfterBackward(Tensor x, Tensor y, Tensor loss)
    {
        GradNorms();
        if (beforeForward is null) return;
        try
        {
            var loss0 = loss.item<float>();
            foreach (var r in requests)
                if (r.Kind == ProbeKind.Landscape && currentStep % r.Every == 0)
                    pending.AddRange(LandscapeProbe.Measure(net, x, y, loss0, r.StepSizes ?? [], beforeForward, currentStep));
        }
        finally
        {
            beforeForward.Dispose();
            beforeForward = null;
        }
    }

    private void GradNorms()
    {
        foreach (var r in requests)
        {
            if (r.Kind != ProbeKind.GradNorm || currentStep % r.Every != 0) continue;
            var layers = r.LayerIndex >= 0 ? [net.Layers[r.LayerIndex]] : net.Layers;
            double sumSquares = 0;
            foreach (var p in layers.SelectMany(l => l.parameters()))
            {
                var g = p.grad;
                if (g is null) continue;
                var norm = g.norm().item<float>();
                sumSquares += norm * norm;
            }
            pending.Add(new ProbeRow(currentStep, "grad_norm", r.LayerName, "l2", Math.Sqrt(sumSquares)));
        }
    }

    public void Dispose()
    {
        beforeForward?.Dispose();
        beforeForward = null;
    }

    internal void Flush(long step)
    {
        foreach (var row in pending) observer.OnProbe(row);
        pending.Clear();
    }

    private void Percentiles(ProbeRequest r, Tensor output)
    {
        var flat = output.detach().flatten(1);
        var values = r.Unit is int u ? flat.narrow(1, u, 1).flatten() : flat.flatten();
        var q = torch.tensor(r.Percentiles.Select(p => p / 100.0).ToArray(), device: values.device).to_type(values.dtype);
        var result = values.quantile(q).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        for (var i = 0; i < result.Length; i++)
            pending.Add(new ProbeRow(currentStep, "percentiles", r.LayerName, "p" + r.Percentiles[i].ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), result[i]));
    }

    private void BatchStats(ProbeRequest r, Tensor output)
    {
        long[] dims = output.dim() == 4 ? [0, 2, 3] : [0];
        var (variance, mean) = output.detach().var_mean(dims, unbiased: false);
        var means = mean.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var vars = variance.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        // Summaries over channels: how far channel means drift from 0 and variances from 1 (BN's targets).
        pending.Add(new ProbeRow(currentStep, "batch_stats", r.LayerName, "mean_of_means", means.Average()));
        pending.Add(new ProbeRow(currentStep, "batch_stats", r.LayerName, "mean_abs_mean", means.Average(Math.Abs)));
        pending.Add(new ProbeRow(currentStep, "batch_stats", r.LayerName, "mean_of_vars", vars.Average()));
        pending.Add(new ProbeRow(currentStep, "batch_stats", r.LayerName, "max_var", vars.Max()));
    }
}
