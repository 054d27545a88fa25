#include "transport/probe_batch.hpp"

#include <charconv>

#include <fmt/format.h>

#include "transport/remote_exec.hpp"
#include "util/text.hpp"

namespace forja {

std::string probe_batch_script(const std::vector<Probe>& probes, std::string_view marker) {
  std::string script = "exec 2>/dev/null\n";
  for (std::size_t i = 0; i < probes.size(); ++i) {
    script += fmt::format("printf '%s\\n' '{0} {1}'\n", marker, i);
    script += "(\n" + script_for(probes[i].argv) + "\n) </dev/null\n";
    script += fmt::format("printf '\\n{0} {1} rc=%d\\n' $?\n", marker, i);
  }
  return script;
}

namespace {

Result<std::vector<ProbeOutput>> split(std::string_view output, std::size_t count,
                                       std::string_view marker) {
  std::vector<ProbeOutput> outputs;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < count; ++i) {
    auto start = fmt::format("{} {}\n", marker, i);
    auto end = fmt::format("\n{} {} rc=", marker, i);
    auto s = output.find(start, pos);
    if (s == std::string_view::npos) {
      return fail(fmt::format("probe {} produced no output (the probe script was cut short)", i));
    }
    s += start.size();
    auto e = output.find(end, s);
    if (e == std::string_view::npos) return fail(fmt::format("probe {} did not finish", i));
    ProbeOutput out;
    out.out = std::string(output.substr(s, e - s));
    auto rc_start = e + end.size();
    auto rc_end = output.find('\n', rc_start);
    if (rc_end == std::string_view::npos) rc_end = output.size();
    auto rc = output.substr(rc_start, rc_end - rc_start);
    std::from_chars(rc.data(), rc.data() + rc.size(), out.exit_status);
    outputs.push_back(std::move(out));
    pos = rc_end;
  }
  return outputs;
}

}  // namespace

Result<std::vector<ProbeOutput>> split_probe_batch(const ExecResult& result, std::size_t count,
                                                   std::string_view marker) {
  auto outputs = split(result.out, count, marker);
  if (!outputs) {
    return fail(outputs.error().message + " (exit " + std::to_string(result.exit_status) +
                (result.err.empty() ? "" : ": " + last_lines(result.err, 3)) + ")");
  }
  return outputs;
}

}  // namespace forja
