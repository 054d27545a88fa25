#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace forja {

// What one call of a parallel_for's fn threw: its index and the exception's what().
struct ParallelFailure {
  std::size_t index = 0;
  std::string what;
};

// Call fn(0..count-1) on up to `workers` threads; returns when all calls are done. An exception
// thrown by fn(i) ends that call only: it is caught on its worker thread and returned (in index
// order), so the caller can report it as item i's error (a failed host) instead of the process
// dying in std::terminate.
[[nodiscard]] std::vector<ParallelFailure> parallel_for(std::size_t count, std::size_t workers,
                                                        const std::function<void(std::size_t)>& fn);

}  // namespace forja
