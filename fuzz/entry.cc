// The entry point libFuzzer (or the replay main) calls: every target's FuzzOne.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  outcore::fuzz::FuzzOne(data, size);
  return 0;
}
