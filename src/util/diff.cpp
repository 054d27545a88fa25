#include "util/diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "util/text.hpp"

namespace forja {

namespace {

enum class Op { keep, del, add };
struct Edit {
  Op op;
  std::size_t a;  // index in before (keep/del)
  std::size_t b;  // index in after (keep/add)
};

// Longest-common-subsequence edit script; files here are config files, small enough for
// the quadratic table. Past a size limit, fall back to "replace everything".
std::vector<Edit> edit_script(const std::vector<std::string>& a,
                              const std::vector<std::string>& b) {
  std::vector<Edit> edits;
  const std::size_t n = a.size(), m = b.size();
  if (n * m > 4'000'000) {
    for (std::size_t i = 0; i < n; ++i) edits.push_back({Op::del, i, 0});
    for (std::size_t j = 0; j < m; ++j) edits.push_back({Op::add, n, j});
    return edits;
  }
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({Op::keep, i++, j++});
    } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      edits.push_back({Op::add, i, j++});
    } else {
      edits.push_back({Op::del, i++, j});
    }
  }
  return edits;
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after,
                         std::string_view before_label, std::string_view after_label) {
  if (before == after) return {};
  auto a = split_lines(before);
  auto b = split_lines(after);
  auto edits = edit_script(a, b);
  constexpr std::size_t k_context = 3;
  std::string out = fmt::format("--- {}\n+++ {}\n", before_label, after_label);
  std::size_t k = 0;
  while (k < edits.size()) {
    // Find the next change.
    while (k < edits.size() && edits[k].op == Op::keep) ++k;
    if (k == edits.size()) break;
    std::size_t start = k >= k_context ? k - k_context : 0;
    // Extend the hunk while changes are within 2*context of each other.
    std::size_t end = k;
    std::size_t keeps = 0;
    for (std::size_t p = k; p < edits.size(); ++p) {
      if (edits[p].op == Op::keep) {
        if (++keeps > 2 * k_context) break;
      } else {
        keeps = 0;
        end = p;
      }
    }
    std::size_t stop = std::min(edits.size(), end + 1 + k_context);
    std::size_t a_start = edits[start].a, b_start = edits[start].b;
    std::size_t a_len = 0, b_len = 0;
    std::string body;
    for (std::size_t p = start; p < stop; ++p) {
      const auto& e = edits[p];
      if (e.op == Op::keep) {
        body += " " + a[e.a] + "\n";
        ++a_len;
        ++b_len;
      } else if (e.op == Op::del) {
        body += "-" + a[e.a] + "\n";
        ++a_len;
      } else {
        body += "+" + b[e.b] + "\n";
        ++b_len;
      }
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_len ? a_start + 1 : a_start, a_len,
                       b_len ? b_start + 1 : b_start, b_len);
    out += body;
    k = stop;
  }
  if (!before.empty() && before.back() != '\n') out += "\\ No newline at end of before\n";
  if (!after.empty() && after.back() != '\n') out += "\\ No newline at end of after\n";
  return out;
}

}  // namespace forja
