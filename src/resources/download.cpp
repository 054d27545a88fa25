// download: a file from a URL, verified against a required sha256, optionally extracted
// (zip, tar, tar.gz) and one binary from it installed: how Consul and consul-template are
// installed on real machines. Nothing replaces the live file unless its checksum matched.
#include "resources/download.hpp"

#include <algorithm>
#include <cctype>

#include "resources/file.hpp"
#include "resources/resource.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// $1 = destination, $2 = extract_to, $3 = binary (inside extract_to), $4 = install_to.
constexpr const char* k_probe = R"SH(sum() { if [ -f "$1" ]; then sha256sum < "$1" | cut -d' ' -f1; fi; }
echo "archive=$(sum "$1")"
if [ -f "$1" ]; then echo "attrs=$(stat -c '%a %U' "$1")"; fi
if [ -n "$2" ]; then echo "extracted=$(cat "$2/.forja-extracted" 2>/dev/null)"; fi
if [ -n "$3" ]; then echo "binary=$(sum "$2/$3")"; fi
if [ -n "$4" ]; then echo "installed=$(sum "$4")"; fi
exit 0)SH";

// $1 = destination, $2 = URL, $3 = sha256, $4 = mode, $5 = owner ("" to leave). Downloads
// beside the destination and renames only after the checksum matched. The URL (which may hold
// a token) reaches curl through a config on its stdin, not its argv.
constexpr const char* k_fetch = R"SH(set -e
mkdir -p "$(dirname "$1")"
tmp=$(mktemp "$(dirname "$1")/.forja-download-XXXXXX")
trap 'rm -f "$tmp"' EXIT
printf 'url = "%s"\n' "$(printf '%s' "$2" | sed 's/[\\"]/\\&/g')" | curl -fsSL --retry 3 --connect-timeout 10 -o "$tmp" -K -
got=$(sha256sum < "$tmp" | cut -d' ' -f1)
if [ "$got" != "$3" ]; then echo "sha256 mismatch for $2: got $got, expected $3; nothing replaced" >&2; exit 1; fi
chmod "$4" "$tmp"
if [ -n "$5" ]; then chown "$5" "$tmp"; fi
mv -f "$tmp" "$1"
trap - EXIT)SH";

// $1 = archive, $2 = directory, $3 = sha256 to record.
constexpr const char* k_extract = R"SH(set -e
mkdir -p "$2"
case "$1" in
  *.zip) if command -v unzip >/dev/null 2>&1; then unzip -o -q "$1" -d "$2"; else python3 -m zipfile -e "$1" "$2"; fi ;;
  *.tar.gz|*.tgz) tar -xzf "$1" -C "$2" ;;
  *.tar.xz) tar -xJf "$1" -C "$2" ;;
  *.tar) tar -xf "$1" -C "$2" ;;
  *) echo "do not know how to extract $1 (zip, tar, tar.gz, tar.xz)" >&2; exit 1 ;;
esac
marker=$(mktemp "$2/.forja-extracted-XXXXXX")
echo "$3" > "$marker"
mv -f -T -- "$marker" "$2/.forja-extracted")SH";

// $1 = source, $2 = destination: copy beside it, then rename (a running binary is replaced
// atomically, never overwritten in place).
constexpr const char* k_install = R"SH(set -e
mkdir -p "$(dirname "$2")"
tmp=$(mktemp "$(dirname "$2")/.forja-install-XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$1" "$tmp"
chmod 0755 "$tmp"
mv -f "$tmp" "$2"
trap - EXIT)SH";

class Download final : public Resource {
 public:
  Download(std::string dest, std::string url, std::string sha, std::string mode, std::string owner,
           std::string extract_to, std::string binary, std::string install_to)
      : m_dest(std::move(dest)), m_url(std::move(url)), m_sha(std::move(sha)),
        m_mode(std::move(mode)), m_owner(std::move(owner)), m_extract_to(std::move(extract_to)),
        m_binary(std::move(binary)), m_install_to(std::move(install_to)) {}

  std::vector<Probe> probes(const Platform&) const override {
    return {Probe{{"sh", "-c", k_probe, "forja-download", m_dest, m_extract_to, m_binary, m_install_to}}};
  }

  std::vector<std::string> manages() const override {
    std::vector<std::string> out{"path " + m_dest};
    if (!m_install_to.empty()) out.push_back("path " + m_install_to);
    return out;
  }

  Result<Change> plan(const std::vector<ProbeOutput>& outputs, const Platform&) const override {
    auto s = parse_download_probe(outputs.at(0).out);
    Change change;
    std::vector<std::string> what;
    bool fetch = s.archive_sha != m_sha;
    if (fetch) {
      what.push_back(s.archive_sha.empty() ? "download " + m_url
                                           : "download " + m_url + " again (sha256 " + s.archive_sha.substr(0, 12) +
                                                 ", want " + m_sha.substr(0, 12) + ")");
      change.commands.push_back(become({"sh", "-c", k_fetch, "forja-download", m_dest, m_url, m_sha,
                                        m_mode.empty() ? "0644" : m_mode, m_owner}));
    } else {
      if (!m_mode.empty() && !same_mode(s.mode, m_mode)) {
        what.push_back("mode " + s.mode + " -> " + m_mode);
        change.commands.push_back(become({"chmod", m_mode, m_dest}));
      }
      if (!m_owner.empty() && s.owner != m_owner.substr(0, m_owner.find(':'))) {
        what.push_back("owner " + s.owner + " -> " + m_owner);
        change.commands.push_back(become({"chown", m_owner, m_dest}));
      }
    }
    // Extract when the archive is (re)fetched, was last extracted from other bytes, or the
    // binary it should hold is gone.
    bool extract = !m_extract_to.empty() &&
                   (fetch || s.extracted != m_sha || (!m_binary.empty() && s.binary_sha.empty()));
    if (extract) {
      what.push_back("extract into " + m_extract_to);
      change.commands.push_back(become({"sh", "-c", k_extract, "forja-extract", m_dest, m_extract_to, m_sha}));
    }
    if (!m_install_to.empty() && (extract || s.installed_sha.empty() || s.installed_sha != s.binary_sha)) {
      what.push_back("install " + m_binary + " as " + m_install_to);
      change.commands.push_back(become({"sh", "-c", k_install, "forja-install", m_extract_to + "/" + m_binary, m_install_to}));
    }
    if (what.empty()) {
      change.summary = "sha256 " + m_sha.substr(0, 12) + " matches" + (m_install_to.empty() ? "" : "; " + m_install_to + " installed");
      return change;
    }
    change.kind = ChangeKind::change;
    change.summary = join(what);
    return change;
  }

 private:
  static Command become(std::vector<std::string> argv) { return Command{std::move(argv), "", Privilege::become}; }

  std::string m_dest, m_url, m_sha, m_mode, m_owner, m_extract_to, m_binary, m_install_to;
};

bool is_sha256(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A relative path that stays inside the extraction directory.
bool is_inner_path(const std::string& p) {
  if (p.empty() || p[0] == '/') return false;
  for (const auto& part : split(p, '/'))
    if (part == "..") return false;
  return true;
}

}  // namespace

DownloadStatus parse_download_probe(std::string_view out) {
  DownloadStatus s;
  for (const auto& line : split_lines(out)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto key = line.substr(0, eq), value = trim(line.substr(eq + 1));
    if (key == "archive") s.archive_sha = value;
    if (key == "attrs") {
      auto space = value.find(' ');
      s.mode = value.substr(0, space);
      if (space != std::string::npos) s.owner = value.substr(space + 1);
    }
    if (key == "extracted") s.extracted = value;
    if (key == "binary") s.binary_sha = value;
    if (key == "installed") s.installed_sha = value;
  }
  return s;
}

ResourceType download_type() {
  return {"download",
          "A file from a URL (the state's name is where it goes), verified against a required "
          "sha256; optionally extracted and one binary from it installed.",
          {{"url", ArgKind::string, true, "http(s) URL"},
           {"sha256", ArgKind::string, true, "expected checksum, 64 hex digits; nothing is replaced when it does not match"},
           {"mode", ArgKind::mode, false, "mode of the downloaded file (default '0644'; enforced when given)"},
           {"owner", ArgKind::string, false, "owner (USER or USER:GROUP) of the downloaded file; enforced when given"},
           {"extract_to", ArgKind::string, false, "directory to unzip/untar into"},
           {"binary", ArgKind::string, false, "file inside extract_to to install"},
           {"install_to", ArgKind::string, false, "where the binary goes, e.g. /usr/local/bin/consul"}},
          [](const Args& a, const BuildContext&) -> Result<std::unique_ptr<Resource>> {
            if (a.name().empty() || a.name()[0] != '/') return std::unexpected(a.error(a.type(), "destination path must be absolute"));
            auto sha = lower(a.str("sha256"));
            if (!is_sha256(sha)) return std::unexpected(a.error("sha256", "sha256 must be 64 hex digits (the release's published checksum)"));
            if (a.str("url").find("://") == std::string::npos) return std::unexpected(a.error("url", "url must be a URL (https://...)"));
            if (a.has("binary") != a.has("install_to")) return std::unexpected(a.error(a.has("binary") ? "binary" : "install_to", "give binary and install_to together"));
            if (a.has("binary") && !a.has("extract_to")) return std::unexpected(a.error("binary", "binary needs extract_to"));
            if (a.has("binary") && !is_inner_path(a.str("binary"))) return std::unexpected(a.error("binary", "binary is a path inside extract_to (no leading /, no ..)"));
            for (const char* key : {"extract_to", "install_to"}) {
              if (a.has(key) && a.str(key).rfind('/', 0) != 0) return std::unexpected(a.error(key, std::string(key) + " must be an absolute path"));
            }
            return std::make_unique<Download>(a.name(), a.str("url"), sha, a.str("mode"), a.str("owner"),
                                              a.str("extract_to"), a.str("binary"), a.str("install_to"));
          }};
}

}  // namespace forja
