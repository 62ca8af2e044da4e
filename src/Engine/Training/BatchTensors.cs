namespace NormLab.Engine.Training;

/// <summary>
/// Batches live in two tensors allocated once per run and refilled in place each step (no per-step native allocation
/// for the data); a last partial batch is a leading slice of them, which stays contiguous.
/// </summary>
internal static class BatchTensors
{
    internal static (Tensor Images, Tensor Labels) Load(Tensor imageTensor, Tensor labelTensor, float[] images, long[] labels, int count, int sampleSize)
    {
        var full = count == labels.Length;
        var x = full ? imageTensor : imageTensor.narrow(0, 0, count);
        var y = full ? labelTensor : labelTensor.narrow(0, 0, count);
        x.CopyFrom<float>(images.AsSpan(0, count * sampleSize));
        y.CopyFrom<long>(labels.AsSpan(0, count));
        return (x, y);
    }
}
