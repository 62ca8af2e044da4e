using LanguageExt;
using NormLab.Core.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace NormLab.Host.Running;

/// <summary>An optimizer record → TorchSharp's optimizer over a network's parameters (PyTorch names and defaults both sides).</summary>
public static class OptimizerFactory
{
    public static optim.Optimizer Create(OptimizerSpec spec, IEnumerable<TorchSharp.Modules.Parameter> parameters) => spec switch
    {
        OptimizerSpec.Sgd s => optim.SGD(parameters, s.Lr, s.Momentum, s.Dampening, s.WeightDecay, s.Nesterov),
        OptimizerSpec.Adam a => optim.Adam(parameters, a.Lr, a.Beta1, a.Beta2, a.Eps, a.WeightDecay, a.Amsgrad),
        OptimizerSpec.RmsProp r => optim.RMSProp(parameters, r.Lr, r.Alpha, r.Eps, r.WeightDecay, r.Momentum, r.Centered),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "unknown optimizer"),
    };
}
