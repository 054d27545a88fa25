#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forja {

// Split on '\n'; a trailing newline does not produce an empty last line.
[[nodiscard]] std::vector<std::string> split_lines(std::string_view text);

// Split on a separator character, keeping empty fields.
[[nodiscard]] std::vector<std::string> split(std::string_view text, char sep);

// Remove leading and trailing ASCII whitespace.
[[nodiscard]] std::string trim(std::string_view text);

[[nodiscard]] bool starts_with(std::string_view text, std::string_view prefix);

// The items joined with a separator: join({"a", "b"}) == "a, b".
[[nodiscard]] std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// Order for names people read: runs of digits compare as numbers ("lab2" < "lab10").
[[nodiscard]] bool natural_less(std::string_view a, std::string_view b);

// Levenshtein distance, for "did you mean" suggestions.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate to `word` if it is close enough to be a plausible typo.
[[nodiscard]] std::optional<std::string> closest_match(std::string_view word,
                                                       const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates);

// The last `n` non-empty lines of text, joined with "\n" (for error messages).
[[nodiscard]] std::string last_lines(std::string_view text, std::size_t n);

}  // namespace forja
