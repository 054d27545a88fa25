// The differential corpus: real inventories (tests/data/ansible-inventories/SOURCES.md), each
// with what Debian's `ansible-inventory --list` printed for it. forja's --list output must be
// the same JSON (compared parsed, not as text); where Ansible read nothing or failed
// (expected/NAME.rejected), forja must refuse the file with a located bad-input error.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "inventory/ansible_view.hpp"
#include "inventory/load.hpp"

using namespace forja;
namespace fs = std::filesystem;

namespace {

const fs::path k_corpus = fs::path(FORJA_TEST_DATA) / "ansible-inventories";

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Equal JSON values: objects as key sets, arrays in order, strings apart from numbers and
// literals (yaml-cpp tags a quoted scalar "!").
bool same_json(const YAML::Node& a, const YAML::Node& b, const std::string& where,
               std::string& why) {
  if (a.Type() != b.Type()) {
    why = where + ": different kinds";
    return false;
  }
  if (a.IsMap()) {
    if (a.size() != b.size()) {
      why = where + ": " + std::to_string(a.size()) + " keys, expected " + std::to_string(b.size());
      return false;
    }
    for (const auto& kv : b) {
      const std::string key = kv.first.Scalar();
      if (!a[key]) {
        why = where + ": no key '" + key + "'";
        return false;
      }
      if (!same_json(a[key], kv.second, where + "." + key, why)) return false;
    }
    return true;
  }
  if (a.IsSequence()) {
    if (a.size() != b.size()) {
      why =
          where + ": " + std::to_string(a.size()) + " items, expected " + std::to_string(b.size());
      return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_json(a[i], b[i], where + "[" + std::to_string(i) + "]", why)) return false;
    return true;
  }
  if (a.IsNull()) return true;
  if ((a.Tag() == "!") != (b.Tag() == "!") || a.Scalar() != b.Scalar()) {
    why = where + ": " + (a.Tag() == "!" ? "\"" + a.Scalar() + "\"" : a.Scalar()) + ", expected " +
          (b.Tag() == "!" ? "\"" + b.Scalar() + "\"" : b.Scalar());
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("forja --list reads every corpus inventory as ansible-inventory does",
          "[inventory][ansible][corpus]") {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(k_corpus)) {
    const auto ext = entry.path().extension();
    if (ext != ".ini" && ext != ".yml") continue;
    ++files;
    const std::string file = entry.path().filename().string();
    DYNAMIC_SECTION(file) {
      auto inv = load_inventory(entry.path().string());
      const fs::path rejected = k_corpus / "expected" / (file + ".rejected");
      if (fs::exists(rejected)) {
        REQUIRE_FALSE(inv);
        CHECK(inv.error().code == ExitCode::bad_input);
        CHECK(inv.error().message.starts_with(entry.path().string() + ":"));
        continue;
      }
      if (!inv) FAIL(inv.error().message);
      const auto expected = YAML::Load(read(k_corpus / "expected" / (file + ".json")));
      const std::string out = ansible_list_json(*inv);
      std::string why;
      INFO(out);
      CHECK(same_json(YAML::Load(out), expected, "$", why));
      INFO(why);
      CHECK(why.empty());
    }
  }
  CHECK(files >= 20);
}
