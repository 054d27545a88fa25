#include "engine/probe_runner.hpp"

#include <random>

#include <fmt/format.h>

#include "util/shell.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

std::string random_marker() {
  std::random_device rd;
  return fmt::format("@@forja-{:08x}{:08x}", rd(), rd());
}

}  // namespace

std::string probe_script(const std::vector<Probe>& probes, std::string_view marker) {
  std::string script = "exec 2>/dev/null\n";
  for (std::size_t i = 0; i < probes.size(); ++i) {
    script += fmt::format("printf '%s\\n' '{0} {1}'\n", marker, i);
    script += shell_join(probes[i].argv) + " </dev/null\n";
    script += fmt::format("printf '\\n{0} {1} rc=%d\\n' $?\n", marker, i);
  }
  return script;
}

Result<std::vector<ProbeOutput>> split_probe_output(std::string_view output, std::size_t count,
                                                    std::string_view marker) {
  std::vector<ProbeOutput> outputs;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < count; ++i) {
    auto start = fmt::format("{} {}\n", marker, i);
    auto end = fmt::format("\n{} {} rc=", marker, i);
    auto s = output.find(start, pos);
    if (s == std::string_view::npos) return fail(fmt::format("probe {} produced no output (the probe script was cut short)", i));
    s += start.size();
    auto e = output.find(end, s);
    if (e == std::string_view::npos) return fail(fmt::format("probe {} did not finish", i));
    ProbeOutput out;
    out.out = std::string(output.substr(s, e - s));
    auto rc_start = e + end.size();
    auto rc_end = output.find('\n', rc_start);
    out.exit_status = std::atoi(std::string(output.substr(rc_start, rc_end - rc_start)).c_str());
    outputs.push_back(std::move(out));
    pos = rc_end == std::string_view::npos ? output.size() : rc_end;
  }
  return outputs;
}

Result<std::vector<ProbeOutput>> run_probes(Transport& transport, const std::vector<Probe>& probes) {
  if (probes.empty()) return std::vector<ProbeOutput>{};
  auto marker = random_marker();
  Command cmd{{"sh", "-s"}, probe_script(probes, marker), Privilege::become};
  auto result = transport.exec(cmd);
  if (!result) return std::unexpected(result.error());
  auto outputs = split_probe_output(result->out, probes.size(), marker);
  if (!outputs) {
    return fail(outputs.error().message + " (exit " + std::to_string(result->exit_status) +
                (result->err.empty() ? "" : ": " + last_lines(result->err, 3)) + ")");
  }
  return outputs;
}

}  // namespace forja
