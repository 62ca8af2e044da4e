using LanguageExt;
using NormLab.Core.Experiments;
using TorchSharp;
using static LanguageExt.Prelude;

namespace NormLab.Host.Running;

/// <summary>
/// The run's device, decided before any training: <c>--device</c> over the file's <c>device</c>, <c>auto</c> resolved
/// against <c>torch.cuda.is_available()</c>, and a clear error for every experiment that asks for CUDA where there is none.
/// The Torch <see cref="torch.Device"/> is made here, in the host; the Core only knows <see cref="DeviceKind"/>.
/// </summary>
public static class DeviceResolution
{
    public static bool CudaAvailable() => torch.cuda.is_available();

    /// <summary>The plans with their device resolved to cpu or cuda, or one error line per experiment that cannot have CUDA.</summary>
    public static Either<Seq<string>, Seq<RunPlan>> Apply(Seq<RunPlan> plans, Option<DeviceKind> cliOverride, bool cudaAvailable)
    {
        var errors = new List<string>();
        var resolved = new List<RunPlan>();
        foreach (var plan in plans)
        {
            var requested = cliOverride.IfNone(plan.Device);
            var device = requested.Resolve(cudaAvailable);
            if (device.IsNone)
            {
                var line = CudaMissing(plan.ExperimentName, cliOverride.IsSome);
                if (!errors.Contains(line)) errors.Add(line);
                continue;
            }
            resolved.Add(plan with { Device = device.IfNone(DeviceKinds.Default) });
        }
        return errors.Count > 0 ? Left<Seq<string>, Seq<RunPlan>>(errors.ToSeq().Strict()) : Right<Seq<string>, Seq<RunPlan>>(resolved.ToSeq().Strict());
    }

    public static string CudaMissing(string experiment, bool fromCli) =>
        $"experiment \"{experiment}\": device cuda{(fromCli ? " (--device cuda)" : "")} but CUDA is not available to this build " +
        $"(libtorch {torch.__version__}) — install TorchSharp's CUDA package (README, \"Device\") or use device: cpu or auto";

    /// <summary>The Torch device of a resolved <see cref="DeviceKind"/>.</summary>
    public static torch.Device Torch(DeviceKind resolved) => resolved switch
    {
        DeviceKind.Cuda => torch.CUDA,
        DeviceKind.Cpu => torch.CPU,
        _ => throw new ArgumentException("device auto must be resolved before a run starts", nameof(resolved)),
    };
}
