// pip requirement specs and PEP 440 versions: just enough to tell, without running pip,
// whether an installed distribution satisfies a spec (so pip runs only when it must).
#include <algorithm>
#include <cctype>
#include <climits>
#include <tuple>

#include "resources/virtualenv.hpp"
#include "util/text.hpp"

namespace forja {

namespace {

// A parsed PEP 440 version. Sort keys follow packaging's: a dev release without pre/post sorts
// before the pre-releases of its release; no pre-release sorts after them; no post before any.
struct Version {
  long epoch = 0;
  std::vector<long> release;
  int pre_kind = 0;  // 1 a, 2 b, 3 rc; 0 none
  long pre = 0;
  long post = -1;  // -1 none
  long dev = -1;   // -1 none
  std::string local;
};

constexpr long k_low = LONG_MIN, k_high = LONG_MAX;

bool take(std::string_view& s, std::string_view word) {
  if (!s.starts_with(word)) return false;
  s.remove_prefix(word.size());
  return true;
}

void skip_separator(std::string_view& s) {
  if (!s.empty() && (s[0] == '.' || s[0] == '-' || s[0] == '_')) s.remove_prefix(1);
}

long take_number(std::string_view& s) {
  long n = 0;
  while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    n = n * 10 + (s[0] - '0');
    s.remove_prefix(1);
  }
  return n;
}

bool starts_with_digit(std::string_view s) {
  return !s.empty() && std::isdigit(static_cast<unsigned char>(s[0]));
}

std::optional<Version> parse_version(std::string_view text) {
  std::string lower;
  for (char c : trim(text)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view s = lower;
  take(s, "v");
  Version v;
  if (auto bang = s.find('!'); bang != std::string_view::npos) {
    auto e = s.substr(0, bang);
    if (!starts_with_digit(e)) return std::nullopt;
    v.epoch = take_number(e);
    if (!e.empty()) return std::nullopt;
    s.remove_prefix(bang + 1);
  }
  if (!starts_with_digit(s)) return std::nullopt;
  v.release.push_back(take_number(s));
  while (s.size() > 1 && s[0] == '.' && starts_with_digit(s.substr(1))) {
    s.remove_prefix(1);
    v.release.push_back(take_number(s));
  }
  auto before = s;
  skip_separator(s);
  static const std::pair<const char*, int> pre_words[] = {
      {"alpha", 1}, {"beta", 2}, {"preview", 3}, {"pre", 3}, {"rc", 3}, {"a", 1}, {"b", 2}, {"c", 3}};
  bool pre = false;
  for (const auto& [word, kind] : pre_words) {
    if (take(s, word)) {
      v.pre_kind = kind;
      skip_separator(s);
      v.pre = take_number(s);
      pre = true;
      break;
    }
  }
  if (!pre) s = before;
  before = s;
  if (s.size() > 1 && s[0] == '-' && starts_with_digit(s.substr(1))) {
    s.remove_prefix(1);
    v.post = take_number(s);
  } else {
    skip_separator(s);
    if (take(s, "post") || take(s, "rev") || take(s, "r")) {
      skip_separator(s);
      v.post = take_number(s);
    } else {
      s = before;
    }
  }
  before = s;
  skip_separator(s);
  if (take(s, "dev")) {
    skip_separator(s);
    v.dev = take_number(s);
  } else {
    s = before;
  }
  if (take(s, "+")) {
    v.local = std::string(s);
    s = {};
  }
  if (!s.empty()) return std::nullopt;
  return v;
}

auto sort_key(const Version& v) {
  auto release = v.release;
  while (release.size() > 1 && release.back() == 0) release.pop_back();
  long pre_kind = v.pre_kind, pre = v.pre;
  if (v.pre_kind == 0 && v.post < 0 && v.dev >= 0) pre_kind = pre = k_low;
  else if (v.pre_kind == 0) pre_kind = pre = k_high;
  long post = v.post < 0 ? k_low : v.post;
  long dev = v.dev < 0 ? k_high : v.dev;
  return std::make_tuple(v.epoch, release, pre_kind, pre, post, dev);
}

int compare(const Version& a, const Version& b) {
  auto ka = sort_key(a), kb = sort_key(b);
  return ka < kb ? -1 : kb < ka ? 1 : 0;
}

bool is_pre(const Version& v) { return v.pre_kind != 0 || v.dev >= 0; }

bool same_release(const Version& a, const Version& b) {
  auto ra = a.release, rb = b.release;
  ra.resize(std::max(ra.size(), rb.size()));
  rb.resize(ra.size());
  return a.epoch == b.epoch && ra == rb;
}

// "==2.2.*": the release starts with 2.2 (candidate padded with zeros).
bool prefix_match(const Version& candidate, const Version& prefix) {
  if (candidate.epoch != prefix.epoch) return false;
  auto r = candidate.release;
  if (r.size() < prefix.release.size()) r.resize(prefix.release.size());
  return std::equal(prefix.release.begin(), prefix.release.end(), r.begin());
}

bool meets(const Version& have, const std::string& op, const std::string& want_text,
           const std::string& have_text) {
  if (op == "===") return trim(have_text) == trim(want_text);
  bool wildcard = want_text.ends_with(".*");
  auto want = parse_version(wildcard ? want_text.substr(0, want_text.size() - 2) : want_text);
  if (!want) return false;
  if (op == "==" || op == "!=") {
    bool eq;
    if (wildcard) {
      eq = prefix_match(have, *want);
    } else {
      Version h = have;
      if (want->local.empty()) h.local.clear();  // ==1.0 matches 1.0+local
      eq = compare(h, *want) == 0 && h.local == want->local;
    }
    return op == "==" ? eq : !eq;
  }
  if (wildcard) return false;
  int c = compare(have, *want);
  if (op == ">=") return c >= 0;
  if (op == "<=") return c <= 0;
  // Exclusive comparisons do not admit pre-releases (for <) or post-releases (for >) of the
  // version named, unless it is one itself.
  if (op == "<") return c < 0 && !(is_pre(have) && !is_pre(*want) && same_release(have, *want));
  if (op == ">") return c > 0 && !(have.post >= 0 && want->post < 0 && same_release(have, *want));
  if (op == "~=") {
    if (want->release.size() < 2) return false;
    Version prefix = *want;
    prefix.release.pop_back();
    return c >= 0 && prefix_match(have, prefix);
  }
  return false;
}

}  // namespace

std::string normalize_package_name(std::string_view name) {
  std::string out;
  bool sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out += '-';
    sep = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<Requirement> parse_requirement(std::string_view spec) {
  Requirement r;
  r.text = trim(spec);
  std::string_view text = r.text;
  // Environment markers and direct references (name @ url) are pip's to judge: not accepted.
  if (text.empty() || text.find_first_of(";@") != std::string_view::npos) return std::nullopt;
  std::size_t i = 0;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '-' ||
                             text[i] == '_' || text[i] == '.'))
    ++i;
  if (i == 0 || !std::isalnum(static_cast<unsigned char>(text[0]))) return std::nullopt;
  r.name = normalize_package_name(text.substr(0, i));
  auto rest = trim(text.substr(i));
  if (!rest.empty() && rest[0] == '[') {  // extras: flask[async]
    auto close = rest.find(']');
    if (close == std::string::npos) return std::nullopt;
    rest = trim(rest.substr(close + 1));
  }
  if (rest.empty()) return r;
  for (const auto& part : split(rest, ',')) {
    auto p = trim(part);
    static const char* ops[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">"};
    bool matched = false;
    for (const char* op : ops) {
      if (starts_with(p, op)) {
        auto version = trim(p.substr(std::string_view(op).size()));
        bool wildcard = version.ends_with(".*");
        if (std::string(op) != "===" &&
            (!parse_version(wildcard ? version.substr(0, version.size() - 2) : version) ||
             (wildcard && std::string(op) != "==" && std::string(op) != "!="))) {
          return std::nullopt;
        }
        if (version.empty()) return std::nullopt;
        r.constraints.emplace_back(op, version);
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  return r;
}

int compare_versions(std::string_view a, std::string_view b) {
  auto va = parse_version(a), vb = parse_version(b);
  if (va && vb) return compare(*va, *vb);
  // Not PEP 440 (a legacy version string): plain text order, as a last resort.
  auto ta = trim(a), tb = trim(b);
  return ta < tb ? -1 : tb < ta ? 1 : 0;
}

bool satisfies(const std::string& version, const Requirement& requirement) {
  auto have = parse_version(version);
  for (const auto& [op, want] : requirement.constraints) {
    if (!have) {
      if (op == "===" && trim(version) == trim(want)) continue;
      return false;  // cannot judge: let pip decide
    }
    if (!meets(*have, op, want, version)) return false;
  }
  return true;
}

}  // namespace forja
