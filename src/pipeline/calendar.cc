// Calendar parts of a timestamp: see calendar.h.
#include "pipeline/calendar.h"

namespace outcore {
namespace {

struct Civil {
  int64_t year;
  int month, day;
};

// Proleptic Gregorian date of a day count since 1970-01-01 (the era-based method of
// H. Hinnant's date algorithms).
Civil CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

int64_t CalendarPartOf(int64_t micros, CalendarPart part) {
  constexpr int64_t kDay = 86400LL * 1000000;
  // Floor division by remainders, which cannot overflow even at INT64_MIN.
  int64_t days = micros / kDay, rest = micros % kDay;
  if (rest < 0) --days, rest += kDay;
  const int64_t in_day = rest / 1000000;  // seconds into the day
  switch (part) {
    case CalendarPart::kHour: return in_day / 3600;
    case CalendarPart::kMinute: return in_day / 60 % 60;
    case CalendarPart::kDayOfWeek: return ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; Monday = 0
    case CalendarPart::kDay: return CivilFromDays(days).day;
    case CalendarPart::kMonth: return CivilFromDays(days).month;
    case CalendarPart::kYear: return CivilFromDays(days).year;
    case CalendarPart::kDayOfYear: {
      static const int kBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
      Civil c = CivilFromDays(days);
      return kBefore[c.month - 1] + c.day + (c.month > 2 && IsLeap(c.year));
    }
  }
  return 0;
}

}  // namespace outcore
