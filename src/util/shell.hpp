#pragma once

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
