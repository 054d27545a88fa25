#pragma once

#include <cstddef>
#include <string>

#include "util/limits.hpp"

namespace forja {

// How deeply a YAML tree may nest: a document, a variable, a template's data. Real inventories
// and playbooks nest fewer than 10 levels; 64 leaves room while keeping every recursive walk of
// a tree (and yaml-cpp's own recursive parser) far from the end of a thread's stack.
inline constexpr int k_max_yaml_depth = 64;

// How many values (scalars, lists, maps) one tree may hold, counted as if every alias were
// written out. Stops alias loops and "billion laughs" (aliases of lists of aliases); a
// 10,000-host inventory is about 100,000 values.
inline constexpr std::size_t k_max_yaml_nodes = 1'000'000 / k_limit_divisor;

// The budget of one walk over a tree whose aliases are expanded, shared by every walker (the
// structure check at load, template data): depth and the number of values visited so far.
class TreeBudget {
 public:
  explicit TreeBudget(std::size_t max_nodes = k_max_yaml_nodes, int max_depth = k_max_yaml_depth)
      : m_max_nodes(max_nodes), m_max_depth(max_depth) {}

  // Count one more value at `depth` (the root is 0); false once either limit is passed.
  [[nodiscard]] bool enter(int depth);
  // Why enter() said no, for an error message.
  [[nodiscard]] std::string exceeded() const;

 private:
  std::size_t m_max_nodes;
  int m_max_depth;
  std::size_t m_nodes = 0;
  bool m_too_deep = false;
};

}  // namespace forja
