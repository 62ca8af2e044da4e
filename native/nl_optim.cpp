// Optimizer steps fused into one native call per step (instead of several per parameter). Each loop body follows
// PyTorch 1.13's single-tensor implementation (torch/optim/{sgd,adam,rmsprop}.py) operation for operation, so the
// numbers match PyTorch's bit for bit. State tensors are allocated by the C# side; parameters without a gradient are
// skipped, as in PyTorch.
#include "nl_api.h"
#include <c10/core/GradMode.h>
#include <cmath>

namespace {
struct NoGrad {
  bool prev = c10::GradMode::is_enabled();
  NoGrad() { c10::GradMode::set_enabled(false); }
  ~NoGrad() { c10::GradMode::set_enabled(prev); }
};
// The first lines of every PyTorch 1.13 single-tensor step: the gradient, negated when maximising, plus L2 weight
// decay; undefined when the parameter has no gradient (PyTorch skips it).
at::Tensor effective_grad(const at::Tensor& p, int maximize, double weight_decay) {
  const at::Tensor& g = p.grad();
  if (!g.defined()) return at::Tensor();
  at::Tensor d = maximize ? -g : g;
  if (weight_decay != 0) d = d.add(p, weight_decay);
  return d;
}
}  // namespace

// torch.optim.SGD. `has_buf[i]` says whether bufs[i] already holds a momentum buffer; on the first step PyTorch sets
// buf = clone(d_p) (no dampening), which the caller learns from has_buf being set to 1 here.
NL_EXPORT int nl_sgd_step(at::Tensor* const* ps, int n, at::Tensor* const* bufs, uint8_t* has_buf, double lr,
                          double momentum, double dampening, double weight_decay, int nesterov, int maximize,
                          char** err) {
  NL_GUARD(0, {
    NoGrad ng;
    for (int i = 0; i < n; ++i) {
      at::Tensor& p = *ps[i];
      at::Tensor d_p = effective_grad(p, maximize, weight_decay);
      if (!d_p.defined()) continue;
      if (momentum != 0) {
        at::Tensor& buf = *bufs[i];
        if (!has_buf[i]) {
          buf.copy_(d_p);
          has_buf[i] = 1;
        } else {
          buf.mul_(nl::scalar(momentum)).add_(d_p, 1 - dampening);
        }
        d_p = nesterov ? d_p.add(buf, momentum) : buf;
      }
      p.add_(d_p, -lr);
    }
    return 1;
  })
}

// torch.optim.Adam (amsgrad optional). steps[i] is the per-parameter step count, incremented here.
NL_EXPORT int nl_adam_step(at::Tensor* const* ps, int n, at::Tensor* const* exp_avg, at::Tensor* const* exp_avg_sq,
                           at::Tensor* const* max_exp_avg_sq, int64_t* steps, double lr, double beta1, double beta2,
                           double eps, double weight_decay, int amsgrad, int maximize, char** err) {
  NL_GUARD(0, {
    NoGrad ng;
    for (int i = 0; i < n; ++i) {
      at::Tensor& p = *ps[i];
      const at::Tensor grad = effective_grad(p, maximize, weight_decay);
      if (!grad.defined()) continue;
      const int64_t step = ++steps[i];
      exp_avg[i]->mul_(nl::scalar(beta1)).add_(grad, 1 - beta1);
      exp_avg_sq[i]->mul_(nl::scalar(beta2)).addcmul_(grad, grad, 1 - beta2);
      // Python floats are doubles: bias corrections computed in double, as PyTorch does.
      const double bias_correction1 = 1 - std::pow(beta1, static_cast<double>(step));
      const double bias_correction2 = 1 - std::pow(beta2, static_cast<double>(step));
      const double step_size = lr / bias_correction1;
      const double bias_correction2_sqrt = std::sqrt(bias_correction2);
      at::Tensor denom;
      if (amsgrad) {
        at::maximum_out(*max_exp_avg_sq[i], *max_exp_avg_sq[i], *exp_avg_sq[i]);
        denom = at::div(max_exp_avg_sq[i]->sqrt(), nl::scalar(bias_correction2_sqrt)).add_(nl::scalar(eps));
      } else {
        denom = at::div(exp_avg_sq[i]->sqrt(), nl::scalar(bias_correction2_sqrt)).add_(nl::scalar(eps));
      }
      p.addcdiv_(*exp_avg[i], denom, -step_size);
    }
    return 1;
  })
}

// torch.optim.RMSprop. grad_avg used when centered, bufs when momentum > 0.
NL_EXPORT int nl_rmsprop_step(at::Tensor* const* ps, int n, at::Tensor* const* square_avg, at::Tensor* const* grad_avg,
                              at::Tensor* const* bufs, double lr, double alpha, double eps, double weight_decay,
                              double momentum, int centered, int maximize, char** err) {
  NL_GUARD(0, {
    NoGrad ng;
    for (int i = 0; i < n; ++i) {
      at::Tensor& p = *ps[i];
      const at::Tensor grad = effective_grad(p, maximize, weight_decay);
      if (!grad.defined()) continue;
      square_avg[i]->mul_(nl::scalar(alpha)).addcmul_(grad, grad, 1 - alpha);
      at::Tensor avg;
      if (centered) {
        grad_avg[i]->mul_(nl::scalar(alpha)).add_(grad, 1 - alpha);
        avg = square_avg[i]->addcmul(*grad_avg[i], *grad_avg[i], -1).sqrt_();
      } else {
        avg = square_avg[i]->sqrt();
      }
      avg.add_(nl::scalar(eps));
      if (momentum > 0) {
        bufs[i]->mul_(nl::scalar(momentum)).addcdiv_(grad, avg);
        p.add_(*bufs[i], -lr);
      } else {
        p.addcdiv_(grad, avg, -lr);
      }
    }
    return 1;
  })
}
