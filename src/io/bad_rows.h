#pragma once
// What every source says about a row it cannot read (internal).
#include <optional>
#include <string>

#include "outcore/io.h"

namespace outcore {

/// The second line of the message when a bad row stops a read.
inline constexpr char kBadRowStopHint[] =
    "\n  (to drop bad rows and go on: --on-bad-rows skip, or --on-bad-rows reject=FILE to list "
    "them)";

/// Stops a read at a bad row: `place` (which ends in ": "), the reason and the hint above,
/// with the bad value if a value was bad.
[[noreturn]] inline void StopAtBadRow(const std::string& place, const std::string& reason,
                                      std::optional<BadValue> bad) {
  throw BadRowError(place + reason + kBadRowStopHint, std::move(bad));
}

/// Why a float that is infinite is a bad value. Infinity would poison a mean, a scaler or a
/// model silently; NaN, by contrast, is read as a missing value.
inline constexpr char kInfiniteWhy[] = ": infinite values are not read";

}  // namespace outcore
