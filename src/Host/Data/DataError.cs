namespace NormLab.Host.Data;

/// <summary>Why a dataset could not be loaded; <see cref="Message"/> is ready to print (places tried, what was wrong, the fix).</summary>
public sealed record DataError(string Message)
{
    public override string ToString() => Message;
}
