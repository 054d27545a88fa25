#include "transport/probe_batch.hpp"

#include <charconv>

#include <fmt/format.h>

#include "transport/remote_exec.hpp"
#include "util/text.hpp"

namespace forja {

std::string batch_script(const std::vector<Command>& commands, const std::vector<Probe>& probes,
                         std::string_view marker) {
  std::string script;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const auto& c = commands[i];
    script += fmt::format("printf '%s\\n' '{0} c{1}'\n", marker, i);
    // stdout and stderr together: a failure's message is its last lines, whichever stream.
    script += (c.input.empty() ? std::string("(\n") : fmt::format("head -c {} | (\n", c.input.size())) +
              script_for(c.argv) + "\n) " + (c.input.empty() ? "</dev/null " : "") + "2>&1\n";
    script += fmt::format("rc=$?\nprintf '\\n{0} c{1} rc=%d\\n' \"$rc\"\n[ \"$rc\" = 0 ] || exit 0\n",
                          marker, i);
  }
  script += "exec 2>/dev/null\n";
  for (std::size_t i = 0; i < probes.size(); ++i) {
    script += fmt::format("printf '%s\\n' '{0} p{1}'\n", marker, i);
    script += "(\n" + script_for(probes[i].argv) + "\n) </dev/null\n";
    script += fmt::format("printf '\\n{0} p{1} rc=%d\\n' $?\n", marker, i);
  }
  return script;
}

std::string batch_input(const std::vector<Command>& commands) {
  std::string input;
  for (const auto& c : commands) input += c.input;
  return input;
}

namespace {

// The output between "MARKER IDk\n" and "\nMARKER IDk rc=N\n", searched from `pos`.
struct Section {
  std::string out;
  int exit_status = 0;
};
Result<Section> section(std::string_view output, std::size_t& pos, std::string_view marker,
                        const std::string& id) {
  auto start = fmt::format("{} {}\n", marker, id);
  auto end = fmt::format("\n{} {} rc=", marker, id);
  auto s = output.find(start, pos);
  if (s == std::string_view::npos) return fail(id + " produced no output (the batch was cut short)");
  s += start.size();
  auto e = output.find(end, s);
  if (e == std::string_view::npos) return fail(id + " did not finish");
  Section sec;
  sec.out = std::string(output.substr(s, e - s));
  auto rc_start = e + end.size();
  auto rc_end = output.find('\n', rc_start);
  if (rc_end == std::string_view::npos) rc_end = output.size();
  auto rc = output.substr(rc_start, rc_end - rc_start);
  std::from_chars(rc.data(), rc.data() + rc.size(), sec.exit_status);
  pos = rc_end;
  return sec;
}

}  // namespace

Result<BatchResult> split_batch(const ExecResult& result, std::size_t commands, std::size_t probes,
                                std::string_view marker) {
  auto cut = [&](const Error& e) {
    return fail(e.message + " (exit " + std::to_string(result.exit_status) +
                (result.err.empty() ? "" : ": " + last_lines(result.err, 3)) + ")");
  };
  BatchResult out;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < commands; ++i) {
    auto s = section(result.out, pos, marker, "c" + std::to_string(i));
    if (!s) return cut(s.error());
    out.commands.push_back(ExecResult{s->exit_status, std::move(s->out), ""});
    if (out.commands.back().exit_status != 0) return out;
  }
  std::vector<ProbeOutput> outputs;
  for (std::size_t i = 0; i < probes; ++i) {
    auto s = section(result.out, pos, marker, "p" + std::to_string(i));
    if (!s) return cut(s.error());
    outputs.push_back(ProbeOutput{s->exit_status, std::move(s->out)});
  }
  out.probes = std::move(outputs);
  return out;
}

}  // namespace forja
