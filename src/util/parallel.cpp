#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace forja {

void parallel_for(std::size_t count, std::size_t workers,
                  const std::function<void(std::size_t)>& fn) {
  workers = std::clamp<std::size_t>(workers, 1, std::max<std::size_t>(count, 1));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) fn(i);
  };
  std::vector<std::jthread> threads;
  for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
}

}  // namespace forja
