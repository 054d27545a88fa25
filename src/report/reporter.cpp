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

void Reporter::add_secret(std::string value) {
  if (value.size() < 3) return;  // masking "a" or "1" everywhere would garble all output
  std::lock_guard lock(m_mutex);
  m_secrets.push_back(std::move(value));
}

std::string Reporter::masked_locked(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : m_secrets) {
    for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 8)) {
      out.replace(pos, secret.size(), "********");
    }
  }
  return out;
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
