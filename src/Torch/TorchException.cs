namespace NormLab.Torch;

/// <summary>
/// An error raised inside libtorch (a shape mismatch, a wrong dtype, an invalid argument), carried across the C ABI
/// as a value. <see cref="Exception.Message"/> is libtorch's first line, e.g.
/// "Given groups=1, weight of size [6, 1, 5, 5], expected input[64, 3, 28, 28] to have 1 channels, but got 3 channels instead".
/// After it is thrown the native library is in a good state: the next call works.
/// </summary>
public sealed class TorchException(string message) : Exception(message);
