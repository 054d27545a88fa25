// libFuzzer main for one target of entry.hpp, chosen at build time (FORJA_FUZZ_TARGET). An
// input that crashes, hangs, eats memory, throws or gives an unlocated or non-bad_input error is
// a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const forja::fuzz::Target* target = forja::fuzz::find_target(FORJA_FUZZ_TARGET);
  auto result = target->run({reinterpret_cast<const char*>(data), size});
  if (!forja::fuzz::acceptable(result)) {
    std::fprintf(stderr, "forja fuzz: unacceptable result (code %d): %s\n",
                 static_cast<int>(result.error().code), result.error().message.c_str());
    std::abort();
  }
  return 0;
}
