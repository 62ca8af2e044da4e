namespace NormLab.Host.Results;

/// <summary>A results file that does not follow the contract in HELPERS.md; the message names the file, the line where known, and the problem.</summary>
public sealed class ResultsFormatException(string filePath, int? line, string problem)
    : Exception(line is int l ? $"{filePath}:{l}: {problem}" : $"{filePath}: {problem}")
{
    public string FilePath { get; } = filePath;

    public int? Line { get; } = line;
}
