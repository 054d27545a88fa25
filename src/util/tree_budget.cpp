#include "util/tree_budget.hpp"

namespace forja {

bool TreeBudget::enter(int depth) {
  if (depth > m_max_depth) {
    m_too_deep = true;
    return false;
  }
  return ++m_nodes <= m_max_nodes;
}

std::string TreeBudget::exceeded() const {
  if (m_too_deep) {
    return "nested more than " + std::to_string(m_max_depth) +
           " levels deep (or an alias that contains itself)";
  }
  return "more than " + std::to_string(m_max_nodes) +
         " values once aliases are expanded (aliases of aliases multiply)";
}

}  // namespace forja
