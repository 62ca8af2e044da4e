namespace NormLab.Torch;

/// <summary>How a loss reduces over the batch; the values are at::Reduction's, so they cross the ABI unchanged.</summary>
public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}
