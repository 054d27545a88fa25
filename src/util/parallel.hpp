#pragma once

#include <cstddef>
#include <functional>

namespace forja {

// Call fn(0..count-1) on up to `workers` threads; returns when all calls are done.
// fn must not throw.
void parallel_for(std::size_t count, std::size_t workers,
                  const std::function<void(std::size_t)>& fn);

}  // namespace forja
