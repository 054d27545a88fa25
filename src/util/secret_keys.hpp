#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace forja {

// Which keys name secret values, for code that echoes input text (the source line under an
// error) before any value is known to be secret. util knows no names: the caller sets a rule
// (a key that looks secret) and adds names (keys declared secret), once per process.

void set_secret_key_rule(bool (*rule)(std::string_view key));
void add_secret_key(std::string name);
// True when the rule says so or the name was added.
[[nodiscard]] bool is_secret_key(std::string_view key);

// One input line as it may be echoed, secret values shown as "********".
struct EchoedLine {
  std::string text;
  std::vector<std::pair<std::size_t, std::size_t>> hidden;  // [begin, end) in the input line

  // Where byte `offset` of the input line is in `text`; inside a hidden value: where its
  // "********" starts. Keeps a caret under the right column.
  [[nodiscard]] std::size_t offset_of(std::size_t offset) const;
};

// lines[index] with the value of every secret key hidden: YAML `key: value` (also inside a
// flow map: `db: {password: x}`), INI `key=value` (also `key = value`, several on a host line),
// and every line nested under a secret key in YAML's block layout (list items and map values
// below `api_keys:`, a block scalar below `key: |`, a quoted value continued on the next line).
// Plain values end at a comment (" #"); in a flow collection at ',', ']' or '}'; after `=` at
// the next `name=` word. Quoted values and [..]/{..} values are hidden whole.
[[nodiscard]] EchoedLine echoed_line(std::span<const std::string> lines, std::size_t index);

}  // namespace forja
