#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace forja {

std::vector<ParallelFailure> parallel_for(std::size_t count, std::size_t workers,
                                          const std::function<void(std::size_t)>& fn) {
  workers = std::clamp<std::size_t>(workers, 1, std::max<std::size_t>(count, 1));
  std::atomic<std::size_t> next{0};
  std::mutex failures_mutex;
  std::vector<ParallelFailure> failures;
  auto fail = [&](std::size_t i, std::string what) {
    std::lock_guard lock(failures_mutex);
    failures.push_back({i, std::move(what)});
  };
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        fn(i);
      } catch (const std::exception& e) {
        fail(i, e.what());
      } catch (...) {
        fail(i, "unknown exception");
      }
    }
  };
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
  }  // joined here
  std::sort(failures.begin(), failures.end(),
            [](const auto& a, const auto& b) { return a.index < b.index; });
  return failures;
}

}  // namespace forja
