#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forja {

// The one place where shell quoting happens.

// Quote one word for a POSIX shell; safe for any bytes except NUL.
[[nodiscard]] std::string shell_quote(std::string_view word);

// Quote every word of argv and join with spaces: a command line a POSIX shell runs as that argv.
[[nodiscard]] std::string shell_join(const std::vector<std::string>& argv);

}  // namespace forja

namespace forja {

// Split a command written as one string into words the way a POSIX shell would, without any
// expansion: blanks separate words, '...' is literal, "..." keeps blanks and honours \" \\ \$
// \`, a backslash outside quotes escapes the next character. nullopt on an unterminated quote
// or a trailing backslash.
[[nodiscard]] std::optional<std::vector<std::string>> split_shell_words(std::string_view text);

}  // namespace forja
