#include "util/source_location.hpp"

#include "util/secret_keys.hpp"

namespace forja {

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
  const std::string& text = echoed.text;
  const std::string number = std::to_string(at.line);
  out += "\n  " + number + " | " + text;
  if (at.column > 0) {
    // Keep tabs so the caret lines up under the same column in a terminal.
    const std::size_t column = echoed.offset_of(static_cast<std::size_t>(at.column) - 1);
    std::string pad;
    for (std::size_t i = 0; i < column && i < text.size(); ++i) pad += text[i] == '\t' ? '\t' : ' ';
    out += "\n  " + std::string(number.size(), ' ') + " | " + pad + "^";
  }
  return out;
}

std::unexpected<Error> located_error(const SourceLocation& at, std::string_view what,
                                     std::span<const std::string> lines) {
  return bad_input(located_message(at, what, lines));
}

}  // namespace forja
