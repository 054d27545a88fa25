#include "util/source_location.hpp"

#include <algorithm>

#include "util/secret_keys.hpp"
#include "util/utf8.hpp"

namespace forja {

namespace {

// An excerpt longer than this is cut to a window around the column.
constexpr std::size_t k_excerpt_width = 120;

// `text` with every byte that is not part of valid UTF-8 shown as '?', so a message about a
// bad byte is still printable (and valid in JSON output).
std::string printable(std::string_view text) {
  std::string out;
  while (auto bad = first_invalid_utf8(text)) {
    out.append(text.substr(0, *bad));
    out += '?';
    text.remove_prefix(*bad + 1);
  }
  out.append(text);
  return out;
}

}  // namespace

std::string SourceLocation::str() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  if (line > 0 && column > 0) s += ":" + std::to_string(column);
  return s;
}

std::string located_message(const SourceLocation& at, std::string_view what,
                            std::span<const std::string> lines) {
  std::string out = at.str() + ": " + std::string(what);
  if (at.line <= 0 || static_cast<std::size_t>(at.line) > lines.size()) return out;
  // The line as it may be shown: the value of a secret key is hidden (errors are printed
  // before any value is known to be secret), and the caret follows it to its new column.
  const EchoedLine echoed = echoed_line(lines, static_cast<std::size_t>(at.line) - 1);
  std::string_view full = echoed.text;
  std::size_t column =
      at.column > 0 ? echoed.offset_of(static_cast<std::size_t>(at.column) - 1) + 1 : 1;
  std::string text;
  if (full.size() > k_excerpt_width) {  // a window around the column, "..." where cut
    std::size_t start = column > k_excerpt_width / 2 ? column - k_excerpt_width / 2 : 0;
    start = std::min(start, full.size() - k_excerpt_width);
    text = (start > 0 ? "..." : "") + printable(full.substr(start, k_excerpt_width)) +
           (start + k_excerpt_width < full.size() ? "..." : "");
    column = column - start + (start > 0 ? 3 : 0);
  } else {
    text = printable(full);
  }
  const std::string number = std::to_string(at.line);
  out += "\n  " + number + " | " + text;
  if (at.column > 0) {
    // Keep tabs so the caret lines up under the same column in a terminal.
    std::string pad;
    for (std::size_t i = 0; i + 1 < column && i < text.size(); ++i)
      pad += text[i] == '\t' ? '\t' : ' ';
    out += "\n  " + std::string(number.size(), ' ') + " | " + pad + "^";
  }
  return out;
}

std::unexpected<Error> located_error(const SourceLocation& at, std::string_view what,
                                     std::span<const std::string> lines) {
  return bad_input(located_message(at, what, lines));
}

}  // namespace forja
