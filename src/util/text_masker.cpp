#include "util/text_masker.hpp"

#include <algorithm>

namespace forja {

void TextMasker::add(std::string needle) {
  if (needle.empty()) return;
  auto& bucket = m_by_first_byte[static_cast<unsigned char>(needle.front())];
  if (std::find(bucket.begin(), bucket.end(), needle) != bucket.end()) return;
  auto at = std::find_if(bucket.begin(), bucket.end(),
                         [&](const std::string& n) { return n.size() < needle.size(); });
  bucket.insert(at, std::move(needle));
  ++m_count;
}

std::size_t TextMasker::match_at(std::string_view text, std::size_t pos) const {
  const auto& bucket = m_by_first_byte[static_cast<unsigned char>(text[pos])];
  for (const auto& needle : bucket) {
    if (text.compare(pos, needle.size(), needle) == 0) return needle.size();
  }
  return 0;
}

std::string TextMasker::apply(std::string_view text) const {
  if (m_count == 0) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t hidden_until = 0;  // text[..hidden_until) is behind a marker already written
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const std::size_t len = match_at(text, pos);
    if (pos < hidden_until) {
      hidden_until = std::max(hidden_until, pos + len);
    } else if (len > 0) {
      out += m_marker;
      hidden_until = pos + len;
    } else {
      out += text[pos];
    }
  }
  return out;
}

}  // namespace forja
