namespace NormLab.Torch;

/// <summary>Element types, numbered as c10::ScalarType (and as TorchSharp's ScalarType), so codes cross the ABI unchanged.</summary>
public enum ScalarType
{
    Byte = 0,
    Int32 = 3,
    Int64 = 4,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
}

internal static class ScalarTypeExtensions
{
    internal static int ElementSize(this ScalarType t) => t switch
    {
        ScalarType.Byte or ScalarType.Bool => 1,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unsupported scalar type"),
    };

    internal static ScalarType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : typeof(T) == typeof(int) ? ScalarType.Int32
        : typeof(T) == typeof(byte) ? ScalarType.Byte
        : typeof(T) == typeof(bool) ? ScalarType.Bool
        : throw new NotSupportedException($"no tensor element type for {typeof(T).Name}");
}
