using LanguageExt;
using NormLab.Core.Experiments;
using NormLab.Torch;

namespace NormLab.Host.Running;

/// <summary>An optimizer record → the binding's optimizer over a network's parameters (PyTorch names and defaults both sides).</summary>
public static class OptimizerFactory
{
    public static Optimizer Create(OptimizerSpec spec, IEnumerable<Tensor> parameters) => spec switch
    {
        OptimizerSpec.Sgd s => new SGD(parameters, s.Lr, s.Momentum, s.Dampening, s.WeightDecay, s.Nesterov),
        OptimizerSpec.Adam a => new Adam(parameters, a.Lr, a.Beta1, a.Beta2, a.Eps, a.WeightDecay, a.Amsgrad),
        OptimizerSpec.RmsProp r => new RMSprop(parameters, r.Lr, r.Alpha, r.Eps, r.WeightDecay, r.Momentum, r.Centered),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "unknown optimizer"),
    };
}
