#pragma once
// Calendar parts of a timestamp (microseconds since 1970-01-01, no zone), as pandas' .dt
// accessors give them: shared by the datetime_part step and the expression step's hour(), ...
#include <cstdint>

namespace outcore {

enum class CalendarPart { kHour, kMinute, kDayOfWeek, kDay, kMonth, kYear, kDayOfYear };

/// The part of `micros`: hour 0-23, minute 0-59, day of week 0-6 (Monday = 0), day of month
/// 1-31, month 1-12, year, day of year 1-366.
int64_t CalendarPartOf(int64_t micros, CalendarPart part);

}  // namespace outcore
