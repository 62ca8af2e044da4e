using Xunit;
namespace NormLab.Tests.Unit.Torch;

/// <summary>
/// Every binding test runs in this one collection, with parallelisation disabled: libtorch's RNG, thread settings,
/// <c>LiveTensors.Count</c> and the process's RSS are process-wide, so a seeded test or a leak test must not share the
/// process with other tests running at the same moment.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "Torch binding (process-wide state)";
}
