namespace NormLab.Tests.Unit.Torch;

/// <summary>
/// Native tensors alive on this thread, as TorchSharp counts them (its dispose-scope statistics count every tensor
/// created and disposed, inside scopes or not). Tests that train run on the test thread, so this is the training's count.
/// </summary>
internal static class LiveTensors
{
    public static long Count => TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
}
