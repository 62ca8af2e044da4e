// libtorch's own op timings (the legacy autograd profiler, the one behind PyTorch's
// `torch.autograd.profiler.profile(use_kineto=False)`), aggregated per op name so NormLab and PyTorch can be compared op
// by op (`./normlab bench --profile`). Only the thread that calls ops records events, as in PyTorch.
#include "nl_api.h"
#include <map>
#include <sstream>
#include <torch/csrc/autograd/profiler_legacy.h>

namespace {

struct OpTotals {
  int64_t calls = 0;
  double self_us = 0;   // time inside this op minus the ops it called
  double total_us = 0;  // time inside this op, callees included
};

struct Open {
  const torch::autograd::profiler::LegacyEvent* push;
  double child_us;
};

// One line per op name, "name<TAB>calls<TAB>self_us<TAB>total_us". Pushes and pops nest per thread, so a stack pairs them.
std::string aggregate(const torch::autograd::profiler::thread_event_lists& lists) {
  using torch::autograd::profiler::EventKind;
  std::map<std::string, OpTotals> totals;
  for (const auto& events : lists) {
    std::vector<Open> stack;
    for (const auto& e : events) {
      if (e.kind() == EventKind::PushRange) {
        stack.push_back({&e, 0.0});
      } else if (e.kind() == EventKind::PopRange && !stack.empty()) {
        auto open = stack.back();
        stack.pop_back();
        double us = open.push->cpuElapsedUs(e);
        auto& t = totals[open.push->name()];
        t.calls += 1;
        t.total_us += us;
        t.self_us += us - open.child_us;
        if (!stack.empty()) stack.back().child_us += us;
      }
    }
  }
  std::ostringstream out;
  for (const auto& entry : totals)
    out << entry.first << '\t' << entry.second.calls << '\t' << entry.second.self_us << '\t' << entry.second.total_us << '\n';
  return out.str();
}

}  // namespace

NL_EXPORT int nl_profiler_start(char** err) {
  NL_GUARD(0, {
    using torch::autograd::profiler::ProfilerConfig;
    using torch::autograd::profiler::ProfilerState;
    torch::autograd::profiler::enableProfilerLegacy(ProfilerConfig(ProfilerState::CPU));
    return 1;
  })
}

// Stops the profiler and returns the aggregate as one malloc'd text (freed with nl_error_free).
NL_EXPORT char* nl_profiler_stop(char** err) {
  NL_GUARD(nullptr, {
    auto text = aggregate(torch::autograd::profiler::disableProfilerLegacy());
    auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, text.c_str(), text.size() + 1);
    return copy;
  })
}
