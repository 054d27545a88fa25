#include "util/diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
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
  // As diff(1) prints them: in each run of changes, the removed lines before the added ones.
  for (auto run = edits.begin(); run != edits.end();) {
    auto end = std::find_if(run, edits.end(), [](const Edit& e) { return e.op == Op::keep; });
    if (run != end) {
      const std::size_t a0 = run->a, b0 = run->b;  // where the run starts in both texts
      std::stable_partition(run, end, [](const Edit& e) { return e.op == Op::del; });
      std::size_t dels = 0, adds = 0;
      for (auto e = run; e != end; ++e) {
        if (e->op == Op::del) {
          *e = {Op::del, a0 + dels++, b0};
        } else {
          e->a = a0 + dels;
          e->b = b0 + adds++;
        }
      }
    }
    run = end == edits.end() ? end : end + 1;
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

namespace {

// What an added line that holds hidden text still shows: before its first marker and after
// its last one (without the '+').
struct Shown {
  std::string lead;
  std::string tail;
  // `removed` (a "-" line) hidden like this added line, or nothing when it does not start
  // with lead and end with tail.
  [[nodiscard]] std::optional<std::string> hide(std::string_view removed,
                                                std::string_view marker) const {
    auto text = removed.substr(1);
    if (text.size() < lead.size() + tail.size() || !text.starts_with(lead) || !text.ends_with(tail))
      return std::nullopt;
    return "-" + lead + std::string(marker) + tail;
  }
};

}  // namespace

std::string mask_unified_diff(std::string_view diff,
                              const std::function<std::string(std::string_view)>& mask,
                              std::string_view marker) {
  const auto raw = split_lines(diff);
  std::vector<std::string> shown;
  shown.reserve(raw.size());
  for (const auto& line : raw) shown.push_back(mask(line));
  // Lines before the first hunk header are the ---/+++ labels, not removed or added lines.
  std::size_t first_hunk = 0;
  while (first_hunk < raw.size() && !raw[first_hunk].starts_with("@@")) ++first_hunk;
  auto is_change = [&](std::size_t i) {
    return i >= first_hunk && (raw[i].starts_with("-") || raw[i].starts_with("+"));
  };
  auto shown_of = [&](std::size_t i) {
    const auto first = shown[i].find(marker);
    if (first == std::string::npos) return Shown{};
    const auto last = shown[i].rfind(marker);
    return Shown{shown[i].substr(1, first - 1), shown[i].substr(last + marker.size())};
  };

  std::vector<Shown> anywhere;  // added lines that hide text and start with enough to go by
  for (std::size_t i = first_hunk; i < raw.size(); ++i) {
    if (!raw[i].starts_with("+") || shown[i] == raw[i]) continue;
    auto s = shown_of(i);
    if (trim(s.lead).size() >= 3) anywhere.push_back(std::move(s));
  }

  std::vector<bool> hidden(raw.size(), false);
  for (std::size_t begin = first_hunk; begin < raw.size();) {
    if (!is_change(begin)) {
      ++begin;
      continue;
    }
    std::size_t end = begin;
    while (end < raw.size() && is_change(end)) ++end;
    std::vector<std::size_t> removed, added, secret_added;
    for (std::size_t i = begin; i < end; ++i) {
      if (raw[i].starts_with("-")) {
        removed.push_back(i);
      } else {
        added.push_back(i);
        if (shown[i] != raw[i]) secret_added.push_back(i);
      }
    }
    if (!secret_added.empty()) {
      for (std::size_t k = 0; k < removed.size(); ++k) {
        const std::size_t i = removed[k];
        // The k-th added line of the block is the likeliest counterpart: try it first.
        std::vector<std::size_t> candidates = secret_added;
        if (k < added.size() && shown[added[k]] != raw[added[k]])
          candidates.insert(candidates.begin(), added[k]);
        std::optional<std::string> masked;
        for (std::size_t c = 0; c < candidates.size() && !masked; ++c)
          masked = shown_of(candidates[c]).hide(raw[i], marker);
        shown[i] = masked.value_or("-" + std::string(marker));
        hidden[i] = true;
      }
    }
    begin = end;
  }
  for (std::size_t i = first_hunk; i < raw.size(); ++i) {
    if (hidden[i] || !raw[i].starts_with("-")) continue;
    for (const auto& s : anywhere) {
      if (auto masked = s.hide(raw[i], marker)) {
        shown[i] = *masked;
        break;
      }
    }
  }
  std::string out;
  for (const auto& line : shown) out += line + "\n";
  return out;
}

}  // namespace forja
