// Tensor lifetime, creation and inspection.
#include "nl_api.h"

namespace {
at::TensorOptions opts(int dtype) { return at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)); }

// at:: factories ignore TensorOptions::requires_grad (only the torch:: variable factories honour it), so a leaf that
// should require grad is marked after creation, as torch::zeros does.
at::Tensor leaf(at::Tensor t, int requires_grad) {
  if (requires_grad != 0) t.set_requires_grad(true);
  return t;
}
}  // namespace

NL_EXPORT void nl_tensor_free(at::Tensor* t) { delete t; }

// Copies `data` (row-major, `dtype`) into a new tensor that owns its memory.
NL_EXPORT at::Tensor* nl_tensor_from_data(const void* data, const int64_t* shape, int ndim, int dtype, char** err) {
  NL_TENSOR(at::from_blob(const_cast<void*>(data), nl::dims(shape, ndim), opts(dtype)).clone())
}

NL_EXPORT at::Tensor* nl_empty(const int64_t* shape, int ndim, int dtype, int rg, char** err) {
  NL_TENSOR(leaf(at::empty(nl::dims(shape, ndim), opts(dtype)), rg))
}
NL_EXPORT at::Tensor* nl_zeros(const int64_t* shape, int ndim, int dtype, int rg, char** err) {
  NL_TENSOR(leaf(at::zeros(nl::dims(shape, ndim), opts(dtype)), rg))
}
NL_EXPORT at::Tensor* nl_ones(const int64_t* shape, int ndim, int dtype, int rg, char** err) {
  NL_TENSOR(leaf(at::ones(nl::dims(shape, ndim), opts(dtype)), rg))
}
NL_EXPORT at::Tensor* nl_full(const int64_t* shape, int ndim, double value, int dtype, int rg, char** err) {
  NL_TENSOR(leaf(at::full(nl::dims(shape, ndim), value, opts(dtype)), rg))
}
NL_EXPORT at::Tensor* nl_randn(const int64_t* shape, int ndim, int dtype, int rg, char** err) {
  NL_TENSOR(leaf(at::randn(nl::dims(shape, ndim), opts(dtype)), rg))
}
NL_EXPORT at::Tensor* nl_rand(const int64_t* shape, int ndim, int dtype, int rg, char** err) {
  NL_TENSOR(leaf(at::rand(nl::dims(shape, ndim), opts(dtype)), rg))
}
NL_EXPORT at::Tensor* nl_randperm(int64_t n, char** err) { NL_TENSOR(at::randperm(n, at::kLong)) }
NL_EXPORT at::Tensor* nl_arange(double start, double end, double step, int dtype, char** err) {
  NL_TENSOR(at::arange(start, end, step, opts(dtype)))
}
NL_EXPORT at::Tensor* nl_scalar_tensor(double value, int dtype, char** err) {
  NL_TENSOR(at::scalar_tensor(value, opts(dtype)))
}

NL_EXPORT int nl_tensor_ndim(const at::Tensor* t) { return static_cast<int>(t->dim()); }
NL_EXPORT void nl_tensor_shape(const at::Tensor* t, int64_t* out) {
  for (int64_t i = 0; i < t->dim(); ++i) out[i] = t->size(i);
}
NL_EXPORT int nl_tensor_dtype(const at::Tensor* t) { return static_cast<int>(t->scalar_type()); }
NL_EXPORT int64_t nl_tensor_numel(const at::Tensor* t) { return t->numel(); }
NL_EXPORT int nl_tensor_defined(const at::Tensor* t) { return t->defined() ? 1 : 0; }

// Copies the tensor's values, row-major, into `dst` (exactly numel * element size bytes).
NL_EXPORT int nl_tensor_copy_to(const at::Tensor* t, void* dst, int64_t nbytes, char** err) {
  NL_GUARD(0, {
    at::Tensor c = t->detach().contiguous();
    const int64_t need = c.numel() * static_cast<int64_t>(c.element_size());
    TORCH_CHECK(need == nbytes, "copy_to: destination has ", nbytes, " bytes, tensor needs ", need);
    if (need > 0) std::memcpy(dst, c.data_ptr(), static_cast<size_t>(need));
    return 1;
  })
}

// Copies `nbytes` from `src` into an existing contiguous tensor (used to refill pinned batch tensors in place).
NL_EXPORT int nl_tensor_copy_from(at::Tensor* t, const void* src, int64_t nbytes, char** err) {
  NL_GUARD(0, {
    TORCH_CHECK(t->is_contiguous(), "copy_from: tensor is not contiguous");
    const int64_t need = t->numel() * static_cast<int64_t>(t->element_size());
    TORCH_CHECK(need == nbytes, "copy_from: source has ", nbytes, " bytes, tensor needs ", need);
    if (need > 0) std::memcpy(t->data_ptr(), src, static_cast<size_t>(need));
    return 1;
  })
}

NL_EXPORT double nl_tensor_item(const at::Tensor* t, char** err) {
  NL_GUARD(0.0, return t->item<double>();)
}

NL_EXPORT at::Tensor* nl_tensor_to_dtype(const at::Tensor* t, int dtype, char** err) {
  NL_TENSOR(t->to(static_cast<at::ScalarType>(dtype)))
}

NL_EXPORT at::Tensor* nl_tensor_clone(const at::Tensor* t, char** err) { NL_TENSOR(t->clone()) }

// A new handle to the same storage (a shallow alias), so a caller may own two handles to one tensor.
NL_EXPORT at::Tensor* nl_tensor_alias(const at::Tensor* t, char** err) { NL_TENSOR(at::Tensor(*t)) }
