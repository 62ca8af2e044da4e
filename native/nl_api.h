// NormLab C ABI conventions (every export follows them):
//  * Tensors cross as opaque `at::Tensor*` handles; every op returns a fresh handle the caller frees with nl_tensor_free.
//  * The last argument of every fallible export is `char** err`. On failure the export stores a malloc'd copy of the
//    error's first line there (freed by the caller with nl_error_free) and returns a null/zero value. Nothing throws
//    across the boundary: c10::Error, std::exception and `...` are all caught (DESIGN.md, "The binding").
#pragma once
#include <ATen/ATen.h>
#include <ATen/ScalarOps.h>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#define NL_EXPORT extern "C" __attribute__((visibility("default")))

namespace nl {

// Keep only libtorch's first line: the rest is a C++ backtrace no .NET user can act on.
inline void set_error(char** err, const char* what) {
  if (err == nullptr) return;
  std::string s = what ? what : "unknown native error";
  auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  *err = static_cast<char*>(std::malloc(s.size() + 1));
  if (*err) std::memcpy(*err, s.c_str(), s.size() + 1);
}

inline at::Tensor* wrap(at::Tensor&& t) { return new at::Tensor(std::move(t)); }

// A Python float as PyTorch's argument parser passes it: a 0-dim double "wrapped number" tensor (it never promotes the
// other operand's dtype). Calling the Tensor overloads with it skips the composite Scalar overloads (mul.Scalar,
// add_.Scalar, ...) that would wrap the number themselves one dispatch deeper: measured 2-4 extra dispatcher calls per
// optimizer update (aten::mul_ > aten::mul > aten::to). Same kernel, same numbers.
inline at::Tensor scalar(double s) { return at::native::wrapped_scalar_tensor(s); }

inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

}  // namespace nl

// Run `body` (which must `return` a value) and turn any exception into an error value plus `fail`.
#define NL_GUARD(fail, body)                                                        \
  try {                                                                             \
    body                                                                            \
  } catch (const c10::Error& e) {                                                   \
    nl::set_error(err, e.what_without_backtrace());                                 \
  } catch (const std::exception& e) {                                               \
    nl::set_error(err, e.what());                                                   \
  } catch (...) {                                                                   \
    nl::set_error(err, "unknown native error");                                     \
  }                                                                                 \
  return fail;

// The common case: an expression producing a new tensor.
#define NL_TENSOR(expr) NL_GUARD(nullptr, return nl::wrap(expr);)
