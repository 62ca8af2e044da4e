// Elementwise, reduction and shape operations. Unary and binary ops are dispatched by a code so the C ABI stays small;
// the codes are mirrored by the C# enums UnaryOp / BinaryOp (keep the numbers in step).
#include "nl_api.h"

namespace {
enum Unary : int {
  NEG = 0, SQRT, RSQRT, EXP, LOG, RELU, SIGMOID, TANH, ABS, SQUARE, RECIPROCAL, ISNAN, ISFINITE, SIGN, LOG1P, FLOOR, ERFINV
};
enum Binary : int { ADD = 0, SUB, MUL, DIV, POW, EQ, NE, LT, LE, GT, GE, MAXIMUM, MINIMUM };

at::Tensor unary(int op, const at::Tensor& a) {
  switch (op) {
    case NEG: return at::neg(a);
    case SQRT: return at::sqrt(a);
    case RSQRT: return at::rsqrt(a);
    case EXP: return at::exp(a);
    case LOG: return at::log(a);
    case RELU: return at::relu(a);
    case SIGMOID: return at::sigmoid(a);
    case TANH: return at::tanh(a);
    case ABS: return at::abs(a);
    case SQUARE: return at::square(a);
    case RECIPROCAL: return at::reciprocal(a);
    case ISNAN: return at::isnan(a);
    case ISFINITE: return at::isfinite(a);
    case SIGN: return at::sign(a);
    case LOG1P: return at::log1p(a);
    case FLOOR: return at::floor(a);
    case ERFINV: return at::erfinv(a);
  }
  TORCH_CHECK(false, "unknown unary op code ", op);
}

at::Tensor binary(int op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case ADD: return at::add(a, b);
    case SUB: return at::sub(a, b);
    case MUL: return at::mul(a, b);
    case DIV: return at::div(a, b);
    case POW: return at::pow(a, b);
    case EQ: return at::eq(a, b);
    case NE: return at::ne(a, b);
    case LT: return at::lt(a, b);
    case LE: return at::le(a, b);
    case GT: return at::gt(a, b);
    case GE: return at::ge(a, b);
    case MAXIMUM: return at::maximum(a, b);
    case MINIMUM: return at::minimum(a, b);
  }
  TORCH_CHECK(false, "unknown binary op code ", op);
}

at::Tensor binary_scalar(int op, const at::Tensor& a, double s) {
  switch (op) {
    case ADD: return at::add(a, nl::scalar(s));
    case SUB: return at::sub(a, nl::scalar(s));
    case MUL: return at::mul(a, nl::scalar(s));
    case DIV: return at::div(a, nl::scalar(s));
    case POW: return at::pow(a, s);
    case EQ: return at::eq(a, s);
    case NE: return at::ne(a, s);
    case LT: return at::lt(a, s);
    case LE: return at::le(a, s);
    case GT: return at::gt(a, s);
    case GE: return at::ge(a, s);
    case MAXIMUM: return at::clamp_min(a, s);
    case MINIMUM: return at::clamp_max(a, s);
  }
  TORCH_CHECK(false, "unknown binary op code ", op);
}

// In-place forms used by optimizers and initialisers (never on tensors autograd still needs).
void binary_(int op, at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case ADD: a.add_(b); return;
    case SUB: a.sub_(b); return;
    case MUL: a.mul_(b); return;
    case DIV: a.div_(b); return;
  }
  TORCH_CHECK(false, "in-place form not supported for binary op code ", op);
}
}  // namespace

NL_EXPORT at::Tensor* nl_unary(int op, const at::Tensor* a, char** err) { NL_TENSOR(unary(op, *a)) }
NL_EXPORT at::Tensor* nl_binary(int op, const at::Tensor* a, const at::Tensor* b, char** err) {
  NL_TENSOR(binary(op, *a, *b))
}
NL_EXPORT at::Tensor* nl_binary_scalar(int op, const at::Tensor* a, double s, char** err) {
  NL_TENSOR(binary_scalar(op, *a, s))
}
NL_EXPORT at::Tensor* nl_rsub_scalar(const at::Tensor* a, double s, char** err) { NL_TENSOR(at::rsub(*a, s)) }
NL_EXPORT at::Tensor* nl_add_scaled(const at::Tensor* a, const at::Tensor* b, double alpha, char** err) {
  NL_TENSOR(at::add(*a, *b, alpha))
}
NL_EXPORT int nl_binary_(int op, at::Tensor* a, const at::Tensor* b, char** err) {
  NL_GUARD(0, binary_(op, *a, *b); return 1;)
}
NL_EXPORT int nl_add_scaled_(at::Tensor* a, const at::Tensor* b, double alpha, char** err) {
  NL_GUARD(0, a->add_(*b, alpha); return 1;)
}
NL_EXPORT int nl_mul_scalar_(at::Tensor* a, double s, char** err) { NL_GUARD(0, a->mul_(nl::scalar(s)); return 1;) }
NL_EXPORT int nl_fill_(at::Tensor* a, double v, char** err) { NL_GUARD(0, a->fill_(v); return 1;) }
NL_EXPORT int nl_zero_(at::Tensor* a, char** err) { NL_GUARD(0, a->zero_(); return 1;) }
NL_EXPORT int nl_copy_(at::Tensor* dst, const at::Tensor* src, char** err) { NL_GUARD(0, dst->copy_(*src); return 1;) }
NL_EXPORT int nl_normal_(at::Tensor* a, double mean, double std, char** err) {
  NL_GUARD(0, a->normal_(mean, std); return 1;)
}
NL_EXPORT int nl_uniform_(at::Tensor* a, double low, double high, char** err) {
  NL_GUARD(0, a->uniform_(low, high); return 1;)
}

NL_EXPORT at::Tensor* nl_clamp(const at::Tensor* a, double lo, double hi, int has_lo, int has_hi, char** err) {
  NL_TENSOR(at::clamp(*a, has_lo ? c10::optional<at::Scalar>(lo) : c10::nullopt,
                      has_hi ? c10::optional<at::Scalar>(hi) : c10::nullopt))
}
NL_EXPORT at::Tensor* nl_where(const at::Tensor* cond, const at::Tensor* a, const at::Tensor* b, char** err) {
  NL_TENSOR(at::where(*cond, *a, *b))
}

// ---- reductions: ndims == 0 means "over every axis" ----
NL_EXPORT at::Tensor* nl_sum(const at::Tensor* a, const int64_t* d, int nd, int keepdim, char** err) {
  NL_TENSOR(nd == 0 ? at::sum(*a) : at::sum(*a, nl::dims(d, nd), keepdim != 0))
}
NL_EXPORT at::Tensor* nl_mean(const at::Tensor* a, const int64_t* d, int nd, int keepdim, char** err) {
  NL_TENSOR(nd == 0 ? at::mean(*a) : at::mean(*a, nl::dims(d, nd), keepdim != 0))
}
NL_EXPORT at::Tensor* nl_var(const at::Tensor* a, const int64_t* d, int nd, int unbiased, int keepdim, char** err) {
  NL_TENSOR(nd == 0 ? at::var(*a, unbiased != 0) : at::var(*a, nl::dims(d, nd), unbiased != 0, keepdim != 0))
}
NL_EXPORT at::Tensor* nl_std(const at::Tensor* a, const int64_t* d, int nd, int unbiased, int keepdim, char** err) {
  NL_TENSOR(nd == 0 ? at::std(*a, unbiased != 0) : at::std(*a, nl::dims(d, nd), unbiased != 0, keepdim != 0))
}
NL_EXPORT at::Tensor* nl_amax(const at::Tensor* a, const int64_t* d, int nd, int keepdim, char** err) {
  NL_TENSOR(at::amax(*a, nl::dims(d, nd), keepdim != 0))
}
NL_EXPORT at::Tensor* nl_amin(const at::Tensor* a, const int64_t* d, int nd, int keepdim, char** err) {
  NL_TENSOR(at::amin(*a, nl::dims(d, nd), keepdim != 0))
}
NL_EXPORT at::Tensor* nl_argmax(const at::Tensor* a, int64_t dim, int keepdim, char** err) {
  NL_TENSOR(at::argmax(*a, dim, keepdim != 0))
}
NL_EXPORT at::Tensor* nl_norm(const at::Tensor* a, double p, char** err) { NL_TENSOR(at::norm(*a, p)) }
NL_EXPORT at::Tensor* nl_quantile(const at::Tensor* a, const at::Tensor* q, int64_t dim, int has_dim, int keepdim,
                                  char** err) {
  NL_TENSOR(at::quantile(*a, *q, has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0, "linear"))
}
NL_EXPORT at::Tensor* nl_sort(const at::Tensor* a, int64_t dim, int descending, at::Tensor** indices, char** err) {
  NL_GUARD(nullptr, {
    auto r = at::sort(*a, dim, descending != 0);
    if (indices) *indices = nl::wrap(std::move(std::get<1>(r)));
    return nl::wrap(std::move(std::get<0>(r)));
  })
}

// ---- shape ----
NL_EXPORT at::Tensor* nl_reshape(const at::Tensor* a, const int64_t* s, int n, char** err) {
  NL_TENSOR(a->reshape(nl::dims(s, n)))
}
NL_EXPORT at::Tensor* nl_view(const at::Tensor* a, const int64_t* s, int n, char** err) {
  NL_TENSOR(a->view(nl::dims(s, n)))
}
NL_EXPORT at::Tensor* nl_flatten(const at::Tensor* a, int64_t start, int64_t end, char** err) {
  NL_TENSOR(a->flatten(start, end))
}
NL_EXPORT at::Tensor* nl_permute(const at::Tensor* a, const int64_t* d, int n, char** err) {
  NL_TENSOR(a->permute(nl::dims(d, n)))
}
NL_EXPORT at::Tensor* nl_transpose(const at::Tensor* a, int64_t d0, int64_t d1, char** err) {
  NL_TENSOR(a->transpose(d0, d1))
}
NL_EXPORT at::Tensor* nl_contiguous(const at::Tensor* a, char** err) { NL_TENSOR(a->contiguous()) }
NL_EXPORT at::Tensor* nl_unsqueeze(const at::Tensor* a, int64_t d, char** err) { NL_TENSOR(a->unsqueeze(d)) }
NL_EXPORT at::Tensor* nl_squeeze(const at::Tensor* a, int64_t d, char** err) { NL_TENSOR(a->squeeze(d)) }
NL_EXPORT at::Tensor* nl_expand(const at::Tensor* a, const int64_t* s, int n, char** err) {
  NL_TENSOR(a->expand(nl::dims(s, n)))
}
NL_EXPORT at::Tensor* nl_narrow(const at::Tensor* a, int64_t dim, int64_t start, int64_t len, char** err) {
  NL_TENSOR(a->narrow(dim, start, len))
}
NL_EXPORT at::Tensor* nl_index_select(const at::Tensor* a, int64_t dim, const at::Tensor* idx, char** err) {
  NL_TENSOR(at::index_select(*a, dim, *idx))
}
NL_EXPORT at::Tensor* nl_cat(at::Tensor* const* ts, int n, int64_t dim, char** err) {
  NL_GUARD(nullptr, {
    std::vector<at::Tensor> v;
    v.reserve(n);
    for (int i = 0; i < n; ++i) v.push_back(*ts[i]);
    return nl::wrap(at::cat(v, dim));
  })
}
NL_EXPORT at::Tensor* nl_stack(at::Tensor* const* ts, int n, int64_t dim, char** err) {
  NL_GUARD(nullptr, {
    std::vector<at::Tensor> v;
    v.reserve(n);
    for (int i = 0; i < n; ++i) v.push_back(*ts[i]);
    return nl::wrap(at::stack(v, dim));
  })
}
NL_EXPORT at::Tensor* nl_matmul(const at::Tensor* a, const at::Tensor* b, char** err) { NL_TENSOR(at::matmul(*a, *b)) }
NL_EXPORT at::Tensor* nl_addmm(const at::Tensor* bias, const at::Tensor* a, const at::Tensor* b, double beta,
                               double alpha, char** err) {
  NL_TENSOR(at::addmm(*bias, *a, *b, beta, alpha))
}
