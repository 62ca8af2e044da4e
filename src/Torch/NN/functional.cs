using NormLab.Torch.Native;

namespace NormLab.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Stateless layer functions, PyTorch's <c>torch.nn.functional</c> (names and defaults).</summary>
        public static unsafe class functional
        {
            private static Tensor Result(IntPtr r, IntPtr err, params object?[] keep)
            {
                GC.KeepAlive(keep);
                return new Tensor(NativeError.Check(r, err));
            }

            private static IntPtr H(Tensor? t) => t is null ? IntPtr.Zero : t.Handle;

            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, (long, long)? stride = null,
                (long, long)? padding = null, (long, long)? dilation = null, long groups = 1)
            {
                var (s0, s1) = stride ?? (1, 1);
                var (p0, p1) = padding ?? (0, 0);
                var (d0, d1) = dilation ?? (1, 1);
                var s = stackalloc long[] { s0, s1 };
                var p = stackalloc long[] { p0, p1 };
                var d = stackalloc long[] { d0, d1 };
                IntPtr err;
                var r = LibTorch.nl_conv2d(input.Handle, weight.Handle, H(bias), s, p, d, groups, &err);
                return Result(r, err, input, weight, bias);
            }

            /// <summary>Max pooling; <paramref name="stride"/> defaults to the kernel size, as in PyTorch.</summary>
            public static Tensor max_pool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
            {
                var st = stride ?? kernelSize;
                var k = stackalloc long[] { kernelSize, kernelSize };
                var s = stackalloc long[] { st, st };
                var p = stackalloc long[] { padding, padding };
                var d = stackalloc long[] { dilation, dilation };
                IntPtr err;
                var r = LibTorch.nl_max_pool2d(input.Handle, k, s, p, d, ceilMode ? 1 : 0, &err);
                return Result(r, err, input);
            }

            public static Tensor avg_pool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
            {
                var st = stride ?? kernelSize;
                var k = stackalloc long[] { kernelSize, kernelSize };
                var s = stackalloc long[] { st, st };
                var p = stackalloc long[] { padding, padding };
                IntPtr err;
                var r = LibTorch.nl_avg_pool2d(input.Handle, k, s, p, ceilMode ? 1 : 0, countIncludePad ? 1 : 0, &err);
                return Result(r, err, input);
            }

            /// <summary>y = x·Wᵀ + b with W of shape [out, in] (PyTorch's layout).</summary>
            public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null)
            {
                IntPtr err;
                var r = LibTorch.nl_linear(input.Handle, weight.Handle, H(bias), &err);
                return Result(r, err, input, weight, bias);
            }

            public static Tensor relu(Tensor x) => x.relu();
            public static Tensor sigmoid(Tensor x) => x.sigmoid();
            public static Tensor tanh(Tensor x) => x.tanh();

            /// <summary>Leaky ReLU; PyTorch's default slope is 0.01 (Keras' is 0.3 — state it explicitly when reproducing Keras).</summary>
            public static Tensor leaky_relu(Tensor x, double negativeSlope = 0.01)
            {
                IntPtr err;
                var r = LibTorch.nl_leaky_relu(x.Handle, negativeSlope, &err);
                return Result(r, err, x);
            }

            public static Tensor softmax(Tensor x, long dim)
            {
                IntPtr err;
                var r = LibTorch.nl_softmax(x.Handle, dim, &err);
                return Result(r, err, x);
            }

            public static Tensor log_softmax(Tensor x, long dim)
            {
                IntPtr err;
                var r = LibTorch.nl_log_softmax(x.Handle, dim, &err);
                return Result(r, err, x);
            }

            public static Tensor dropout(Tensor x, double p = 0.5, bool training = true)
            {
                IntPtr err;
                var r = LibTorch.nl_dropout(x.Handle, p, training ? 1 : 0, &err);
                return Result(r, err, x);
            }

            /// <summary>Cross-entropy of logits against int64 class indices (log_softmax + nll_loss, fused).</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
            {
                IntPtr err;
                var r = LibTorch.nl_cross_entropy(input.Handle, target.Handle, (int)reduction, labelSmoothing, &err);
                return Result(r, err, input, target);
            }

            public static Tensor nll_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
            {
                IntPtr err;
                var r = LibTorch.nl_nll_loss(input.Handle, target.Handle, (int)reduction, &err);
                return Result(r, err, input, target);
            }

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
            {
                IntPtr err;
                var r = LibTorch.nl_mse_loss(input.Handle, target.Handle, (int)reduction, &err);
                return Result(r, err, input, target);
            }

            /// <summary>
            /// libtorch's batch_norm. Torch-style bookkeeping: when training with running statistics it updates them in
            /// place as r ← (1−m)·r + m·batch with the running variance stored unbiased (× n/(n−1)). It does not check
            /// for one value per channel in training — callers must (NormLab's BatchNorm modules do).
            /// </summary>
            public static Tensor batch_norm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null,
                Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
            {
                IntPtr err;
                var r = LibTorch.nl_batch_norm(input.Handle, H(weight), H(bias), H(runningMean), H(runningVar), training ? 1 : 0, momentum, eps, &err);
                return Result(r, err, input, weight, bias, runningMean, runningVar);
            }

            /// <summary>
            /// Per-channel mean and biased variance of a (N, C, …) batch, from libtorch's batch-norm statistics kernel
            /// (torch.batch_norm_update_stats without running buffers). No autograd: for bookkeeping, not for outputs.
            /// </summary>
            public static (Tensor Mean, Tensor Var) batch_norm_stats(Tensor input)
            {
                IntPtr err;
                IntPtr mean = IntPtr.Zero;
                var r = LibTorch.nl_batch_norm_stats(input.Handle, &mean, &err);
                var variance = Result(r, err, input);
                return (new Tensor(mean), variance);
            }

            /// <summary>
            /// In place, without autograd: <c>mean ← keep·mean + take·batch_mean</c> and <c>var ← keep·var + take·(batch_var·varScale)</c>
            /// from <paramref name="input"/>'s per-channel statistics (the kernel of <see cref="batch_norm_stats"/>), in one native
            /// call. <paramref name="varScale"/> n/(n−1) stores the unbiased variance, 1 the biased one.
            /// </summary>
            public static void batch_norm_running_update(Tensor input, Tensor runningMean, Tensor runningVar, double keep, double take, double varScale)
            {
                IntPtr err;
                LibTorch.nl_batch_norm_running_update(input.Handle, runningMean.Handle, runningVar.Handle, keep, take, varScale, &err);
                GC.KeepAlive(input);
                GC.KeepAlive(runningMean);
                GC.KeepAlive(runningVar);
                NativeError.ThrowIfSet(err);
            }

            public static Tensor layer_norm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                IntPtr err;
                IntPtr r;
                fixed (long* s = normalizedShape)
                    r = LibTorch.nl_layer_norm(input.Handle, s, normalizedShape.Length, H(weight), H(bias), eps, &err);
                return Result(r, err, input, weight, bias);
            }

            public static Tensor group_norm(Tensor input, long numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                IntPtr err;
                var r = LibTorch.nl_group_norm(input.Handle, numGroups, H(weight), H(bias), eps, &err);
                return Result(r, err, input, weight, bias);
            }
        }
    }
}
