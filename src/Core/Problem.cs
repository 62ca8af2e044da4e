namespace NormLab.Core;

/// <summary>
/// One user mistake: where it is (<see cref="Path"/>, e.g. <c>experiments[2].model.layers[4].units</c>) and what is wrong
/// with it, including the fix where there is one. Validation collects every problem at once instead of stopping at the first.
/// </summary>
public sealed record Problem(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
