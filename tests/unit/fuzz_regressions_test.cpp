// Every input under tests/fuzz/regressions/TARGET/ (what the fuzzers found, and the hand-made
// cases of the bad-input list) and every seed under tests/fuzz/corpus/TARGET/ goes through the
// same entry point as the fuzzer of TARGET.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "entry.hpp"

using namespace forja;

namespace {

// Replays every file of DIR/TARGET; the number of inputs replayed.
std::size_t replay(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(FORJA_FUZZ_DIR) / dir;
  std::size_t replayed = 0;
  for (const auto& target : fuzz::targets()) {
    if (!fs::is_directory(root / target.name)) continue;
    for (const auto& entry : fs::directory_iterator(root / target.name)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      INFO(target.name << ": " << entry.path().filename().string());
      Result<void> result;
      REQUIRE_NOTHROW(result = target.run(text.str()));
      const std::string why = result ? "" : result.error().message.substr(0, 300);
      INFO(why);
      CHECK(fuzz::acceptable(result));
      ++replayed;
    }
  }
  return replayed;
}

}  // namespace

TEST_CASE("fuzz regression inputs give success or a located bad_input error", "[fuzz]") {
  CHECK(replay("regressions") > 0);
}

TEST_CASE("fuzz corpus seeds give success or a located bad_input error", "[fuzz]") {
  CHECK(replay("corpus") > 0);
}
