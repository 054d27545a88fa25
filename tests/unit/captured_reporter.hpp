#pragma once

#include <cstdio>
#include <string>

#include "report/reporter.hpp"

namespace forja::test {

// A Reporter writing to temporary files, and what it wrote there.
class Captured {
 public:
  Captured() : m_out(std::tmpfile()), m_err(std::tmpfile()), m_reporter(m_out, m_err) {}
  ~Captured() {
    std::fclose(m_out);
    std::fclose(m_err);
  }
  Captured(const Captured&) = delete;
  Captured& operator=(const Captured&) = delete;

  Reporter& reporter() { return m_reporter; }
  std::string out() { return read(m_out); }
  std::string err() { return read(m_err); }

 private:
  static std::string read(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string text;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) text.append(buffer, n);
    return text;
  }
  std::FILE* m_out;
  std::FILE* m_err;
  Reporter m_reporter;
};

}  // namespace forja::test
