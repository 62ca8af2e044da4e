namespace NormLab.Engine;

/// <summary>
/// libtorch's errors reach .NET as TorchSharp's <see cref="System.Runtime.InteropServices.ExternalException"/>, whose
/// message is libtorch's text followed by a C++ backtrace ("Exception raised from … (most recent call first): frame #0 …").
/// A user needs the first part only.
/// </summary>
public static class TorchErrors
{
    public static string Describe(System.Runtime.InteropServices.ExternalException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("\nException raised from", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf("Exception raised from", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
