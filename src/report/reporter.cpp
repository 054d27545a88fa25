#include "report/reporter.hpp"

#include <unistd.h>

#include <cstdlib>

#include "util/diff.hpp"
#include "util/json.hpp"
#include "util/shell.hpp"
#include "util/text.hpp"

namespace forja {

bool color_wanted(bool terminal, const char* no_color) {
  return terminal && (no_color == nullptr || *no_color == '\0');
}

Reporter::Reporter(std::FILE* out, std::FILE* err) : m_out(out), m_err(err) {
  m_color = color_wanted(::isatty(::fileno(out)) == 1, std::getenv("NO_COLOR"));
  m_tty_err = ::isatty(::fileno(err));
}

void Reporter::clear_progress_locked() {
  if (m_progress_shown) {
    std::fputs("\r\033[K", m_err);
    m_progress_shown = false;
  }
}

namespace {

// The text between the quotes json_string puts around `text`.
std::string json_escaped(std::string_view text) {
  auto quoted = json_string(text);
  return quoted.substr(1, quoted.size() - 2);
}

// The text shell_quote makes of `text`, without the outer quotes it adds around unsafe words:
// what shows between them is what must be hidden ('it'\''s' masks as '********').
std::string shell_quoted(std::string_view text) {
  auto quoted = shell_quote(text);
  if (quoted.size() >= 2 && quoted.front() == '\'' && quoted.back() == '\'') {
    return quoted.substr(1, quoted.size() - 2);
  }
  return quoted;
}

}  // namespace

void Reporter::add_secret(std::string_view value) {
  constexpr std::size_t k_shortest = 3;  // masking "a" or "1" everywhere would garble all output
  if (value.size() < k_shortest) return;
  std::vector<std::string> parts{std::string(value)};
  if (value.find('\n') != std::string_view::npos) {
    for (const auto& line : split_lines(value)) {
      auto part = trim(line);
      if (part.size() >= k_shortest) parts.push_back(std::move(part));
    }
  }
  std::lock_guard lock(m_mutex);
  for (const auto& part : parts) {
    const std::string shell = shell_quoted(part);
    for (auto form : {part, json_escaped(part), shell, json_escaped(shell)}) {
      m_secrets.add(std::move(form));
    }
  }
}

std::string Reporter::masked_locked(std::string_view text) const { return m_secrets.apply(text); }

std::string Reporter::masked(std::string_view text) {
  std::lock_guard lock(m_mutex);
  return masked_locked(text);
}

std::string Reporter::masked_diff(std::string_view diff) {
  std::lock_guard lock(m_mutex);
  if (m_secrets.empty()) return std::string(diff);
  return mask_unified_diff(
      diff, [this](std::string_view line) { return masked_locked(line); }, m_secrets.marker());
}

void Reporter::line(std::string_view raw) {
  std::lock_guard lock(m_mutex);
  clear_progress_locked();
  auto text = masked_locked(raw);
  std::fwrite(text.data(), 1, text.size(), m_out);
  std::fputc('\n', m_out);
  std::fflush(m_out);
}

void Reporter::block(const std::vector<std::string>& lines) {
  std::lock_guard lock(m_mutex);
  clear_progress_locked();
  for (const auto& raw : lines) {
    auto l = masked_locked(raw);
    std::fwrite(l.data(), 1, l.size(), m_out);
    std::fputc('\n', m_out);
  }
  std::fflush(m_out);
}

void Reporter::error_line(std::string_view raw) {
  std::lock_guard lock(m_mutex);
  clear_progress_locked();
  auto text = masked_locked(raw);
  std::fflush(m_out);
  std::fwrite(text.data(), 1, text.size(), m_err);
  std::fputc('\n', m_err);
  std::fflush(m_err);
}

void Reporter::progress(std::string_view raw) {
  if (!m_tty_err) return;
  std::lock_guard lock(m_mutex);
  auto text = masked_locked(raw);
  std::fputs("\r\033[K", m_err);
  std::fwrite(text.data(), 1, text.size(), m_err);
  std::fflush(m_err);
  m_progress_shown = true;
}

std::string Reporter::paint(std::string_view color, std::string_view text) const {
  if (!m_color) return std::string(text);
  std::string_view code = color == "green"    ? "32"
                          : color == "yellow" ? "33"
                          : color == "red"    ? "31"
                          : color == "bold"   ? "1"
                          : color == "dim"    ? "2"
                          : color == "cyan"   ? "36"
                                              : "0";
  return "\033[" + std::string(code) + "m" + std::string(text) + "\033[0m";
}

Reporter& reporter() {
  static Reporter instance;
  return instance;
}

}  // namespace forja
