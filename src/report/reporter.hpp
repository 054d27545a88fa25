#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "util/text_masker.hpp"

namespace forja {

// The one place that prints. Whole lines (or whole blocks) are written atomically, so output
// from parallel hosts never interleaves mid-line.
class Reporter {
 public:
  // Color on when `out` is a terminal and NO_COLOR is unset or empty (color_wanted).
  explicit Reporter(std::FILE* out = stdout, std::FILE* err = stderr);

  // Write one line (a newline is added) to stdout.
  void line(std::string_view text);
  // Write several lines as one uninterrupted block to stdout.
  void block(const std::vector<std::string>& lines);
  // Write one line to stderr.
  void error_line(std::string_view text);
  // Show a transient status line on a terminal (nothing when stderr is not a terminal).
  void progress(std::string_view text);

  // Never print this value: every line written afterwards (stdout and stderr) shows "********"
  // in its place, in every form it can take there: as is, JSON-escaped (--json), shell-quoted
  // (an argv in an error) and JSON-escaped shell-quoted. Each line of a multi-line value is
  // masked alone too (a diff shows it line by line), in the same forms, once stripped of
  // surrounding blanks. Values and lines under 3 bytes are not masked alone: masking "a"
  // everywhere would garble all output (a short line stays masked within the whole value).
  void add_secret(std::string_view value);
  // `text` as it would be printed: every secret masked.
  [[nodiscard]] std::string masked(std::string_view text);
  // A unified diff as it must be printed: secrets masked, and the removed lines that held the
  // old value of a masked line masked too (mask_unified_diff in util/diff.hpp has the rule).
  [[nodiscard]] std::string masked_diff(std::string_view diff);

  [[nodiscard]] bool color() const { return m_color; }
  // Wrap text in an ANSI color (green, yellow, red, bold, dim) when color is on.
  [[nodiscard]] std::string paint(std::string_view color, std::string_view text) const;

 private:
  void clear_progress_locked();
  [[nodiscard]] std::string masked_locked(std::string_view text) const;
  TextMasker m_secrets{"********"};
  std::mutex m_mutex;
  std::FILE* m_out;
  std::FILE* m_err;
  bool m_color = false;
  bool m_tty_err = false;
  bool m_progress_shown = false;
};

// Color is on for a terminal unless NO_COLOR holds a value (no-color.org: an empty NO_COLOR
// does not count); `no_color` is the variable's value, nullptr when unset.
[[nodiscard]] bool color_wanted(bool terminal, const char* no_color);

// The process-wide reporter.
Reporter& reporter();

}  // namespace forja
