namespace NormLab.Core.Experiments;

/// <summary>
/// Where a run trains (YAML <c>device: cpu | cuda | auto</c>, CLI <c>--device</c>). <see cref="Auto"/> is CUDA when the
/// host finds it available, else CPU; the host resolves it (the Core knows no libtorch) before a run's config.yaml is
/// written, so a run's recorded device is always <see cref="Cpu"/> or <see cref="Cuda"/>. Unset means <see cref="Cpu"/>.
/// </summary>
public enum DeviceKind
{
    Cpu,
    Cuda,
    Auto,
}

public static class DeviceKinds
{
    /// <summary>The YAML/CLI spellings, in the order the messages list them.</summary>
    public static Seq<string> Names => Seq("cpu", "cuda", "auto");

    /// <summary>The device of a plan that sets none.</summary>
    public const DeviceKind Default = DeviceKind.Cpu;

    public static string Name(this DeviceKind d) => d switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => "cuda",
        _ => "auto",
    };

    public static Option<DeviceKind> Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "cpu" => Some(DeviceKind.Cpu),
        "cuda" => Some(DeviceKind.Cuda),
        "auto" => Some(DeviceKind.Auto),
        _ => None,
    };

    /// <summary>
    /// The device a run uses: cpu stays cpu, auto becomes cuda when <paramref name="cudaAvailable"/> else cpu, and cuda
    /// stays cuda when available — None when cuda is asked for and not available (the host reports it before training).
    /// </summary>
    public static Option<DeviceKind> Resolve(this DeviceKind requested, bool cudaAvailable) => requested switch
    {
        DeviceKind.Cpu => Some(DeviceKind.Cpu),
        DeviceKind.Auto => Some(cudaAvailable ? DeviceKind.Cuda : DeviceKind.Cpu),
        _ => cudaAvailable ? Some(DeviceKind.Cuda) : None,
    };
}
