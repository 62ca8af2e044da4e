using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]
[assembly: InternalsVisibleTo("NormLab.Engine")]
[assembly: InternalsVisibleTo("NormLab.Tests.Unit")]
[assembly: InternalsVisibleTo("NormLab.Tests.Properties")]

namespace NormLab.Torch.Native;

/// <summary>
/// P/Invoke declarations of the C ABI in native/ (one partial file per native source file). Every signature is
/// blittable, so calls cost no marshalling. The last parameter of every fallible export is <c>char** err</c>:
/// see <see cref="NativeError"/>.
/// </summary>
internal static unsafe partial class LibTorch
{
    internal const string Lib = "normlab_native";

    // ---- nl_runtime.cpp ----
    [LibraryImport(Lib)] internal static partial void nl_error_free(IntPtr e);
    [LibraryImport(Lib)] internal static partial IntPtr nl_version();
    [LibraryImport(Lib)] internal static partial int nl_set_num_threads(int n, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_get_num_threads();
    [LibraryImport(Lib)] internal static partial int nl_openblas_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int nl_manual_seed(ulong seed, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_grad_enabled();
    [LibraryImport(Lib)] internal static partial void nl_set_grad_enabled(int enabled);

    // ---- nl_allocator.cpp ----
    [LibraryImport(Lib)] internal static partial int nl_cpu_cache_enabled();
    [LibraryImport(Lib)] internal static partial long nl_cpu_cache_bytes();
    [LibraryImport(Lib)] internal static partial void nl_cpu_cache_release();

    // ---- nl_profiler.cpp ----
    [LibraryImport(Lib)] internal static partial int nl_profiler_start(IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_profiler_stop(IntPtr* err);

    // ---- nl_tensor.cpp ----
    [LibraryImport(Lib)] internal static partial void nl_tensor_free(IntPtr t);
    [LibraryImport(Lib)] internal static partial IntPtr nl_tensor_from_data(void* data, long* shape, int ndim, int dtype, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_empty(long* shape, int ndim, int dtype, int rg, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_zeros(long* shape, int ndim, int dtype, int rg, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_ones(long* shape, int ndim, int dtype, int rg, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_full(long* shape, int ndim, double value, int dtype, int rg, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_randn(long* shape, int ndim, int dtype, int rg, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_rand(long* shape, int ndim, int dtype, int rg, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_randperm(long n, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_arange(double start, double end, double step, int dtype, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_scalar_tensor(double value, int dtype, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_tensor_ndim(IntPtr t);
    [LibraryImport(Lib)] internal static partial void nl_tensor_shape(IntPtr t, long* shape);
    [LibraryImport(Lib)] internal static partial int nl_tensor_dtype(IntPtr t);
    [LibraryImport(Lib)] internal static partial long nl_tensor_numel(IntPtr t);
    [LibraryImport(Lib)] internal static partial int nl_tensor_copy_to(IntPtr t, void* dst, long nbytes, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_tensor_copy_from(IntPtr t, void* src, long nbytes, IntPtr* err);
    [LibraryImport(Lib)] internal static partial double nl_tensor_item(IntPtr t, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_tensor_to_dtype(IntPtr t, int dtype, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_tensor_clone(IntPtr t, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_tensor_alias(IntPtr t, IntPtr* err);

    // ---- nl_ops.cpp ----
    [LibraryImport(Lib)] internal static partial IntPtr nl_unary(int op, IntPtr a, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_binary(int op, IntPtr a, IntPtr b, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_binary_scalar(int op, IntPtr a, double s, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_rsub_scalar(IntPtr a, double s, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_add_scaled(IntPtr a, IntPtr b, double alpha, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_binary_(int op, IntPtr a, IntPtr b, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_add_scaled_(IntPtr a, IntPtr b, double alpha, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_mul_scalar_(IntPtr a, double s, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_fill_(IntPtr a, double v, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_zero_(IntPtr a, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_copy_(IntPtr dst, IntPtr src, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_normal_(IntPtr a, double mean, double std, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_uniform_(IntPtr a, double low, double high, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_clamp(IntPtr a, double lo, double hi, int hasLo, int hasHi, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_where(IntPtr cond, IntPtr a, IntPtr b, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_sum(IntPtr a, long* dims, int nd, int keepdim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_mean(IntPtr a, long* dims, int nd, int keepdim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_var(IntPtr a, long* dims, int nd, int unbiased, int keepdim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_std(IntPtr a, long* dims, int nd, int unbiased, int keepdim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_amax(IntPtr a, long* dims, int nd, int keepdim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_amin(IntPtr a, long* dims, int nd, int keepdim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_argmax(IntPtr a, long dim, int keepdim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_norm(IntPtr a, double p, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_quantile(IntPtr a, IntPtr q, long dim, int hasDim, int keepdim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_sort(IntPtr a, long dim, int descending, IntPtr* indices, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_reshape(IntPtr a, long* shape, int n, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_view(IntPtr a, long* shape, int n, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_flatten(IntPtr a, long start, long end, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_permute(IntPtr a, long* dims, int n, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_transpose(IntPtr a, long d0, long d1, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_contiguous(IntPtr a, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_unsqueeze(IntPtr a, long d, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_squeeze(IntPtr a, long d, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_expand(IntPtr a, long* shape, int n, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_narrow(IntPtr a, long dim, long start, long len, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_index_select(IntPtr a, long dim, IntPtr idx, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_cat(IntPtr* ts, int n, long dim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_stack(IntPtr* ts, int n, long dim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_matmul(IntPtr a, IntPtr b, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_addmm(IntPtr bias, IntPtr a, IntPtr b, double beta, double alpha, IntPtr* err);

    // ---- nl_nn.cpp ----
    [LibraryImport(Lib)] internal static partial IntPtr nl_conv2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, long groups, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_max_pool2d(IntPtr x, long* k, long* s, long* p, long* d, int ceilMode, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_avg_pool2d(IntPtr x, long* k, long* s, long* p, int ceilMode, int countIncludePad, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_linear(IntPtr x, IntPtr w, IntPtr b, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_leaky_relu(IntPtr x, double slope, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_softmax(IntPtr x, long dim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_log_softmax(IntPtr x, long dim, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_dropout(IntPtr x, double p, int train, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_cross_entropy(IntPtr logits, IntPtr target, int reduction, double labelSmoothing, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_nll_loss(IntPtr logp, IntPtr target, int reduction, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_mse_loss(IntPtr a, IntPtr b, int reduction, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_batch_norm(IntPtr x, IntPtr w, IntPtr b, IntPtr runningMean, IntPtr runningVar, int training, double momentum, double eps, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_var_mean(IntPtr x, long* dims, int nd, int unbiased, int keepdim, IntPtr* meanOut, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_batch_norm_stats(IntPtr x, IntPtr* meanOut, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_batch_norm_running_update(IntPtr x, IntPtr mean, IntPtr var, double keep, double take, double varScale, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_layer_norm(IntPtr x, long* shape, int n, IntPtr w, IntPtr b, double eps, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_group_norm(IntPtr x, long groups, IntPtr w, IntPtr b, double eps, IntPtr* err);

    // ---- nl_autograd.cpp ----
    [LibraryImport(Lib)] internal static partial int nl_set_requires_grad(IntPtr t, int flag, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_requires_grad(IntPtr t);
    [LibraryImport(Lib)] internal static partial int nl_is_leaf(IntPtr t);
    [LibraryImport(Lib)] internal static partial int nl_backward(IntPtr t, IntPtr grad, int retainGraph, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_grad(IntPtr t, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_set_grad(IntPtr t, IntPtr g, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_zero_grads(IntPtr* ps, int n, int setToNone, IntPtr* err);
    [LibraryImport(Lib)] internal static partial IntPtr nl_detach(IntPtr t, IntPtr* err);

    // ---- nl_optim.cpp ----
    [LibraryImport(Lib)] internal static partial int nl_sgd_step(IntPtr* ps, int n, IntPtr* bufs, byte* hasBuf, double lr, double momentum, double dampening, double weightDecay, int nesterov, int maximize, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_adam_step(IntPtr* ps, int n, IntPtr* expAvg, IntPtr* expAvgSq, IntPtr* maxExpAvgSq, long* steps, double lr, double beta1, double beta2, double eps, double weightDecay, int amsgrad, int maximize, IntPtr* err);
    [LibraryImport(Lib)] internal static partial int nl_rmsprop_step(IntPtr* ps, int n, IntPtr* squareAvg, IntPtr* gradAvg, IntPtr* bufs, double lr, double alpha, double eps, double weightDecay, double momentum, int centered, int maximize, IntPtr* err);
}
