namespace NormLab.Host.Data;

/// <summary>
/// An IDX file that is not what it claims to be. The message names the file, what is wrong and how to fix it;
/// <see cref="FilePath"/> carries the path for callers that list every place they tried.
/// </summary>
public sealed class IdxFormatException(string filePath, string problem, string fix)
    : Exception($"{filePath}: {problem}. {fix}")
{
    public string FilePath { get; } = filePath;

    /// <summary>What is wrong, without the path and the fix (e.g. "magic number 0x00000801, expected 0x00000803").</summary>
    public string Problem { get; } = problem;
}
