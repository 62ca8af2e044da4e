using System.Reflection;
using TorchSharp;

namespace NormLab.Host.Running;

/// <summary>The versions summary.json records: TorchSharp's (informational version without the commit suffix) and libtorch's.</summary>
public static class Versions
{
    public static string TorchSharp { get; } = Of(typeof(torch).Assembly);

    public static string Libtorch => torch.__version__;

    static string Of(Assembly a)
    {
        var informational = a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (informational is { Length: > 0 }) return informational.Split('+')[0];
        return a.GetName().Version?.ToString() ?? "unknown";
    }
}
