// Autograd surface: requires_grad, backward, grad access, detach.
#include "nl_api.h"

NL_EXPORT int nl_set_requires_grad(at::Tensor* t, int flag, char** err) {
  NL_GUARD(0, t->set_requires_grad(flag != 0); return 1;)
}
NL_EXPORT int nl_requires_grad(const at::Tensor* t) { return t->requires_grad() ? 1 : 0; }
NL_EXPORT int nl_is_leaf(const at::Tensor* t) { return t->is_leaf() ? 1 : 0; }

NL_EXPORT int nl_backward(const at::Tensor* t, const at::Tensor* grad, int retain_graph, char** err) {
  NL_GUARD(0, {
    t->backward(grad ? *grad : at::Tensor(), retain_graph ? c10::optional<bool>(true) : c10::nullopt);
    return 1;
  })
}

// Returns null without an error when the tensor has no gradient (PyTorch's `.grad is None`).
NL_EXPORT at::Tensor* nl_grad(const at::Tensor* t, char** err) {
  NL_GUARD(nullptr, {
    const at::Tensor& g = t->grad();
    if (!g.defined()) return static_cast<at::Tensor*>(nullptr);
    return nl::wrap(at::Tensor(g));
  })
}

NL_EXPORT int nl_set_grad(at::Tensor* t, const at::Tensor* g, char** err) {
  NL_GUARD(0, t->mutable_grad() = g ? *g : at::Tensor(); return 1;)
}

// Optimizer.zero_grad over many parameters in one call: set_to_none (PyTorch 2.x default) or zero in place.
NL_EXPORT int nl_zero_grads(at::Tensor* const* ps, int n, int set_to_none, char** err) {
  NL_GUARD(0, {
    for (int i = 0; i < n; ++i) {
      at::Tensor& g = ps[i]->mutable_grad();
      if (!g.defined()) continue;
      if (set_to_none) {
        g = at::Tensor();
      } else {
        g = g.detach();
        g.zero_();
      }
    }
    return 1;
  })
}

NL_EXPORT at::Tensor* nl_detach(const at::Tensor* t, char** err) { NL_TENSOR(t->detach()) }
