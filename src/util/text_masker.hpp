#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace forja {

// Hides every occurrence of any of a set of strings behind one marker. Occurrences that overlap
// become a single marker, so no piece of either string shows. One pass over the text:
// at each byte only the needles starting with that byte are tried (thousands of lines against
// hundreds of needles stay cheap).
class TextMasker {
 public:
  explicit TextMasker(std::string marker) : m_marker(std::move(marker)) {}

  // Hide `needle` from now on; empty or already known needles are ignored.
  void add(std::string needle);
  // `text` with every needle replaced by the marker.
  [[nodiscard]] std::string apply(std::string_view text) const;
  // The length of the longest needle starting at text[pos], 0 when none does.
  [[nodiscard]] std::size_t match_at(std::string_view text, std::size_t pos) const;
  [[nodiscard]] bool empty() const { return m_count == 0; }
  [[nodiscard]] const std::string& marker() const { return m_marker; }

 private:
  std::string m_marker;
  std::array<std::vector<std::string>, 256> m_by_first_byte;  // each longest first
  std::size_t m_count = 0;
};

}  // namespace forja
