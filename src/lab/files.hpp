#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace forja::lab {

// Small file helpers for the lab's own files on the machine.

// The whole content of a file.
[[nodiscard]] Result<std::string> read_file(const std::filesystem::path& file);

// Write via a temp file beside the target, then rename; parent directories are created.
[[nodiscard]] Result<void> write_file_atomic(
    const std::filesystem::path& file, std::string_view content,
    std::filesystem::perms mode = std::filesystem::perms(0644));

// Create a directory and its parents.
[[nodiscard]] Result<void> make_dirs(const std::filesystem::path& dir);

// Remove a file or a whole tree, if it exists.
[[nodiscard]] Result<void> remove_tree(const std::filesystem::path& path);

}  // namespace forja::lab
