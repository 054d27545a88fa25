#include "report/reporter.hpp"

#include <unistd.h>

#include <cstdlib>

namespace forja {

Reporter::Reporter(std::FILE* out, std::FILE* err) : m_out(out), m_err(err) {
  m_color = ::isatty(::fileno(out)) && std::getenv("NO_COLOR") == nullptr;
  m_tty_err = ::isatty(::fileno(err));
}

void Reporter::clear_progress_locked() {
  if (m_progress_shown) {
    std::fputs("\r\033[K", m_err);
    m_progress_shown = false;
  }
}

void Reporter::line(std::string_view text) {
  std::lock_guard lock(m_mutex);
  clear_progress_locked();
  std::fwrite(text.data(), 1, text.size(), m_out);
  std::fputc('\n', m_out);
  std::fflush(m_out);
}

void Reporter::block(const std::vector<std::string>& lines) {
  std::lock_guard lock(m_mutex);
  clear_progress_locked();
  for (const auto& l : lines) {
    std::fwrite(l.data(), 1, l.size(), m_out);
    std::fputc('\n', m_out);
  }
  std::fflush(m_out);
}

void Reporter::error_line(std::string_view text) {
  std::lock_guard lock(m_mutex);
  clear_progress_locked();
  std::fflush(m_out);
  std::fwrite(text.data(), 1, text.size(), m_err);
  std::fputc('\n', m_err);
  std::fflush(m_err);
}

void Reporter::progress(std::string_view text) {
  if (!m_tty_err) return;
  std::lock_guard lock(m_mutex);
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
