#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "util/parallel.hpp"

using namespace forja;

TEST_CASE("parallel_for hands exceptions back per index and still runs every call",
          "[util][parallel]") {
  std::atomic<int> calls{0};
  auto failures = parallel_for(8, 3, [&](std::size_t i) {
    ++calls;
    if (i == 2) throw std::runtime_error("host two broke");
    if (i == 5) throw 42;
  });
  CHECK(calls == 8);
  REQUIRE(failures.size() == 2);
  CHECK(failures[0].index == 2);
  CHECK(failures[0].what == "host two broke");
  CHECK(failures[1].index == 5);
  CHECK(failures[1].what == "unknown exception");
}

TEST_CASE("parallel_for returns no failures when nothing throws", "[util][parallel]") {
  std::vector<int> seen(100, 0);
  auto failures = parallel_for(seen.size(), 4, [&](std::size_t i) { seen[i] = 1; });
  CHECK(failures.empty());
  CHECK(std::count(seen.begin(), seen.end(), 1) == 100);
}
