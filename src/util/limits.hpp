#pragma once

#include <cstddef>

namespace forja {

// Fuzz builds (FORJA_FUZZ: ASan, UBSan and coverage make forja 10 to 50 times slower) divide the
// limits on amounts of work (values, host names, render steps, output) by this, so an input that
// runs into one costs about as long under the fuzzer as in a normal build and libFuzzer's
// -timeout=1 keeps its meaning. Depth limits are not divided. 1 in every other build.
#ifdef FORJA_FUZZ_LIMIT_DIVISOR
inline constexpr std::size_t k_limit_divisor = FORJA_FUZZ_LIMIT_DIVISOR;
#else
inline constexpr std::size_t k_limit_divisor = 1;
#endif

}  // namespace forja
