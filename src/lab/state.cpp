#include "lab/state.hpp"

#include <algorithm>
#include <charconv>

#include "lab/entries.hpp"
#include "lab/files.hpp"
#include "util/text.hpp"

namespace forja::lab {

HostState* LabState::find(std::string_view name) {
  auto it = std::ranges::find_if(hosts, [&](const HostState& h) { return h.host.name == name; });
  return it == hosts.end() ? nullptr : &*it;
}

HostState& LabState::ensure(const PlannedHost& host) {
  if (auto* existing = find(host.name)) return *existing;
  auto pos =
      std::ranges::find_if(hosts, [&](const HostState& h) { return h.host.index > host.index; });
  return *hosts.insert(pos, HostState{host, 0});
}

bool LabState::remove(std::string_view name) {
  return std::erase_if(hosts, [&](const HostState& h) { return h.host.name == name; }) > 0;
}

std::string render_state(const LabState& state) {
  std::string text = "# forja lab state: NAME ADDRESS PID (0 = stopped). Written by forja lab.\n";
  for (const auto& h : state.hosts) {
    text += h.host.name + " " + h.host.address + " " + std::to_string(h.pid) + "\n";
  }
  return text;
}

Result<LabState> parse_state(std::string_view text, std::string_view origin) {
  LabState state;
  auto read = for_each_entry(
      text, origin, [&](const std::string& line, const std::string& where) -> Result<void> {
        auto fields = split(line, ' ');
        if (fields.size() != 3)
          return fail(where + "expected 'NAME ADDRESS PID', got '" + line + "'");
        auto index = host_index(fields[0]);
        if (!index) return fail(where + "'" + fields[0] + "' is not a lab host name");
        int pid = -1;
        auto [end, ec] =
            std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), pid);
        if (ec != std::errc() || end != fields[2].data() + fields[2].size() || pid < 0) {
          return fail(where + "bad pid '" + fields[2] + "'");
        }
        if (state.find(fields[0])) return fail(where + "host '" + fields[0] + "' listed twice");
        state.ensure(planned_host(*index)).pid = pid;
        return {};
      });
  if (!read) return std::unexpected(read.error());
  return state;
}

std::filesystem::path kinds_file(const std::filesystem::path& state_file) {
  return state_file.parent_path() / "lab.kinds";
}

std::string render_kinds(const LabState& state) {
  std::string text = "# forja lab host kinds: NAME KIND for hosts that are not Debian.\n";
  for (const auto& h : state.hosts) {
    if (h.host.kind != HostKind::debian) {
      text += h.host.name + " " + std::string(kind_name(h.host.kind)) + "\n";
    }
  }
  return text;
}

Result<void> apply_kinds(std::string_view text, std::string_view origin, LabState& state) {
  return for_each_entry(
      text, origin, [&](const std::string& line, const std::string& where) -> Result<void> {
        auto fields = split(line, ' ');
        if (fields.size() != 2) return fail(where + "expected 'NAME KIND', got '" + line + "'");
        if (fields[1] != kind_name(HostKind::rpm) && fields[1] != kind_name(HostKind::debian)) {
          return fail(where + "unknown host kind '" + fields[1] + "' (debian or rpm)");
        }
        if (auto* h = state.find(fields[0])) {
          h->host.kind = fields[1] == kind_name(HostKind::rpm) ? HostKind::rpm : HostKind::debian;
        }
        return {};
      });
}

Result<LabState> load_state(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return LabState{};
  auto text = read_file(file);
  if (!text) return std::unexpected(text.error());
  auto state = parse_state(*text, file.string());
  if (!state) return state;
  auto kinds = kinds_file(file);
  if (std::filesystem::exists(kinds, ec)) {
    auto kinds_text = read_file(kinds);
    if (!kinds_text) return std::unexpected(kinds_text.error());
    if (auto a = apply_kinds(*kinds_text, kinds.string(), *state); !a) {
      return std::unexpected(a.error());
    }
  }
  return state;
}

Result<void> save_state(const std::filesystem::path& file, const LabState& state) {
  bool all_debian = std::ranges::all_of(
      state.hosts, [](const HostState& h) { return h.host.kind == HostKind::debian; });
  if (all_debian) {
    std::error_code ec;
    std::filesystem::remove(kinds_file(file), ec);
  } else if (auto w = write_file_atomic(kinds_file(file), render_kinds(state)); !w) {
    return w;
  }
  return write_file_atomic(file, render_state(state));
}

}  // namespace forja::lab
