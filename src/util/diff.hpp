#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace forja {

// A unified diff (3 lines of context) between two texts, with the given labels;
// "" when they are equal.
[[nodiscard]] std::string unified_diff(std::string_view before, std::string_view after,
                                       std::string_view before_label,
                                       std::string_view after_label);

// `diff` (as unified_diff makes it) with every line passed through `mask`, which hides
// sensitive text behind `marker`, and with the removed lines that stand for hidden added text
// hidden too: the old value of a secret is as secret as the new one, yet `mask` only knows the
// new one. A removed (-) line is hidden when it sits in the same change block (a run of -/+
// lines between context lines) as an added (+) line that `mask` changed, or, anywhere in the
// diff, when it starts with the text such an added line shows before its first marker (3
// non-blank bytes or more, so "requirepass " counts and "  " does not) and ends with the text
// after its last one. It keeps only that text, shown on the added side anyway:
// "-requirepass old" beside "+requirepass ********" becomes "-requirepass ********";
// a removed line of the block that does not start and end that way becomes "-********".
[[nodiscard]] std::string mask_unified_diff(
    std::string_view diff, const std::function<std::string(std::string_view)>& mask,
    std::string_view marker);

}  // namespace forja
