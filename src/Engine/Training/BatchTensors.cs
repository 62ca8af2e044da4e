namespace NormLab.Engine.Training;

/// <summary>
/// Batches live in two CPU tensors allocated once per run and refilled in place each step (no per-step native allocation
/// for the data on CPU); a last partial batch is a leading slice of them, which stays contiguous. On another device the
/// filled slice is copied over once per step (a tensor of the step's dispose scope).
/// </summary>
internal static class BatchTensors
{
    internal static (Tensor Images, Tensor Labels) Load(Tensor imageTensor, Tensor labelTensor, float[] images, long[] labels,
        int count, int sampleSize, Device device)
    {
        var full = count == labels.Length;
        var x = full ? imageTensor : imageTensor.narrow(0, 0, count);
        var y = full ? labelTensor : labelTensor.narrow(0, 0, count);
        x.data<float>().CopyFrom(new ReadOnlySpan<float>(images, 0, count * sampleSize));
        y.data<long>().CopyFrom(new ReadOnlySpan<long>(labels, 0, count));
        return device.type == DeviceType.CPU ? (x, y) : (x.to(device), y.to(device));
    }
}
