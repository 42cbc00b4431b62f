// Synthetic 2009 NYC yellow-taxi trips. Each row draws from its own random stream (keyed by
// seed and global row number), so chunks of rows can be generated on any thread, in any
// order, and the bytes written never depend on the thread count or on the file split.
#include "outcore/gen_taxi.h"

#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numbers>
#include <system_error>

#include "outcore/error.h"

namespace outcore {

const char kTaxiHeader[] =
    "vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,"
    "Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,"
    "surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt";

namespace {

namespace fs = std::filesystem;

constexpr int64_t kChunkRows = 32768;  // rows generated per task (~4 MB of text)
constexpr int kMaxRowBytes = 256;      // generous bound; a row is ~130 bytes
constexpr int kDaysIn2009 = 365;
constexpr int kJan1Weekday = 3;  // 2009-01-01 was a Thursday (Monday = 0)

// ---------------------------------------------------------------------------------------------
// Random numbers

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// splitmix64 stream, one per row.
class Rng {
 public:
  Rng(uint64_t key, int64_t row) : state_(Mix64(key ^ Mix64(static_cast<uint64_t>(row)))) {}

  uint64_t Next() {
    state_ += kGolden;
    return Mix64(state_);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  bool Chance(double p) { return Uniform() < p; }
  int Below(int n) { return static_cast<int>(((Next() >> 32) * static_cast<uint64_t>(n)) >> 32); }
  double Normal() {  // Marsaglia's polar method: two normals per accepted pair, no trig
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double scale = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * scale;
    has_spare_ = true;
    return u * scale;
  }

 private:
  uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// ---------------------------------------------------------------------------------------------
// The trip model

enum class Vendor { kVts, kCmt, kDds };
enum class Payment { kCash, kCredit, kDispute, kNoCharge };

struct Trip {
  Vendor vendor;
  int64_t pickup;   // seconds since 2009-01-01 00:00:00
  int64_t dropoff;  // same clock
  int passengers;
  int64_t distance;  // hundredths of a mile
  double start_lon, start_lat, end_lon, end_lat;
  Payment payment;
  int64_t fare, surcharge, tip, tolls;  // cents
};

struct Point {
  double lon, lat;
};

// Relative trip counts by pickup hour: quiet before dawn, busiest in the evening.
constexpr std::array<double, 24> kHourWeight = {3.9, 2.9, 2.2, 1.6, 1.2, 1.0, 2.0, 3.4,
                                                4.3, 4.4, 4.3, 4.5, 4.8, 4.8, 5.0, 4.8,
                                                4.1, 4.8, 6.0, 6.4, 6.0, 5.9, 5.8, 5.1};

int DrawHour(Rng& rng) {
  static const std::array<double, 24> cumulative = [] {
    std::array<double, 24> c{};
    double sum = 0;
    for (double w : kHourWeight) sum += w;
    double run = 0;
    for (int h = 0; h < 24; ++h) c[h] = (run += kHourWeight[h]) / sum;
    return c;
  }();
  double u = rng.Uniform();
  int hour = 0;
  while (hour < 23 && u >= cumulative[hour]) ++hour;
  return hour;
}

int DrawPassengers(Rng& rng) {
  constexpr std::array<double, 6> kCumulative = {0.70, 0.84, 0.88, 0.90, 0.97, 1.0};
  double u = rng.Uniform();
  int n = 1;
  while (n < 6 && u >= kCumulative[n - 1]) ++n;
  return n;
}

// Miles per degree at Manhattan's latitude.
constexpr double kMilesPerDegLat = 69.0;
constexpr double kMilesPerDegLon = 52.4;
// Manhattan's street grid runs about 29 degrees east of true north.
constexpr double kAvenueAngle = 0.506;  // radians from north, clockwise
constexpr Point kMidtown = {-73.9800, 40.7580};
constexpr Point kJfk = {-73.7822, 40.6441};
constexpr Point kLaGuardia = {-73.8740, 40.7769};

Point Offset(Point from, double miles, double angle_from_north) {
  return {from.lon + miles * std::sin(angle_from_north) / kMilesPerDegLon,
          from.lat + miles * std::cos(angle_from_north) / kMilesPerDegLat};
}

// A point on Manhattan, densest around midtown.
Point DrawManhattanPoint(Rng& rng) {
  double along = std::clamp(2.2 * rng.Normal(), -6.0, 5.0);  // miles, uptown positive
  double across = std::clamp(0.5 * rng.Normal(), -1.1, 1.1);
  Point p = Offset(kMidtown, along, kAvenueAngle);
  return Offset(p, across, kAvenueAngle + std::numbers::pi / 2);
}

Point Jitter(Point p, double miles, Rng& rng) {
  return {p.lon + miles * rng.Normal() / kMilesPerDegLon,
          p.lat + miles * rng.Normal() / kMilesPerDegLat};
}

// Typical speed in mph by hour: free-flowing at night, slow in the day.
double BaseSpeed(int hour) {
  if (hour < 6) return 18.0;
  if (hour < 10) return 11.5;
  if (hour < 16) return 10.5;
  if (hour < 20) return 10.0;
  return 14.0;
}

// 2009 rules: $1 weekday peak (16-20h), $0.50 overnight (20-6h).
int64_t SurchargeCents(int hour, bool weekday) {
  if (weekday && hour >= 16 && hour < 20) return 100;
  if (hour >= 20 || hour < 6) return 50;
  return 0;
}

// Probability that a card payer tips: a logistic function of hour, distance and party size.
double CardTipProbability(int hour, double miles, int passengers) {
  double z = 1.6 + 0.35 * std::log(miles) - 0.15 * (passengers - 1);
  if (hour >= 18) {
    z += 0.5;
  } else if (hour < 6) {
    z += 0.2;
  } else if (hour < 10) {
    z -= 0.3;
  }
  return 1.0 / (1.0 + std::exp(-z));
}

Trip DrawTrip(uint64_t key, int64_t row) {
  Rng rng(key, row);
  Trip t{};
  double v = rng.Uniform();
  t.vendor = v < 0.45 ? Vendor::kVts : v < 0.90 ? Vendor::kCmt : Vendor::kDds;

  int day = rng.Below(kDaysIn2009);
  int hour = DrawHour(rng);
  t.pickup = int64_t{day} * 86400 + hour * 3600 + rng.Below(3600);
  t.passengers = DrawPassengers(rng);

  // Where and how far: mostly within Manhattan, some trips to or from the airports.
  double miles;
  bool airport = rng.Chance(0.04);
  bool jfk = false;
  Point start, end;
  if (airport) {
    jfk = rng.Chance(0.6);
    miles = jfk ? 17.5 + 1.8 * rng.Normal() : 9.5 + 1.2 * rng.Normal();
    miles = std::max(miles, 5.0);
    Point terminal = Jitter(jfk ? kJfk : kLaGuardia, 0.3, rng);
    Point city = DrawManhattanPoint(rng);
    bool outbound = rng.Chance(0.5);
    start = outbound ? city : terminal;
    end = outbound ? terminal : city;
  } else {
    miles = std::clamp(1.8 * std::exp(0.75 * rng.Normal()), 0.1, 30.0);
    start = DrawManhattanPoint(rng);
    // Cabs mostly run up or down the avenues; the straight line is shorter than the route.
    double heading = kAvenueAngle + (rng.Chance(0.5) ? 0.0 : std::numbers::pi) + 0.6 * rng.Normal();
    end = Offset(start, miles / 1.3, heading);
  }
  t.start_lon = start.lon;
  t.start_lat = start.lat;
  t.end_lon = end.lon;
  t.end_lat = end.lat;
  t.distance = std::max<int64_t>(1, std::llround(miles * 100));
  miles = t.distance / 100.0;

  double speed = BaseSpeed(hour) * (airport ? 2.0 : 1.0) * std::exp(0.25 * rng.Normal());
  double minutes = miles / std::max(speed, 3.0) * 60.0 + 0.5 + 1.5 * rng.Uniform();
  t.dropoff = t.pickup + std::max<int64_t>(60, std::llround(minutes * 60.0));

  // 2009 meter: $2.50 + $0.40 per 1/5 mile + $0.20 per minute stopped; JFK is a flat $45.
  if (airport && jfk) {
    t.fare = 4500;
  } else {
    double stopped_minutes = std::max(0.0, minutes - miles * 5.0);
    double dollars = 2.0 * miles + 0.2 * stopped_minutes + 0.2 * rng.Normal();
    t.fare = 250 + std::max<int64_t>(0, std::llround(dollars * 10.0)) * 10;
  }
  bool weekday = (day + kJan1Weekday) % 7 < 5;
  t.surcharge = SurchargeCents(hour, weekday);

  double p = rng.Uniform();
  t.payment = p < 0.60    ? Payment::kCash
              : p < 0.98  ? Payment::kCredit
              : p < 0.986 ? Payment::kDispute
                          : Payment::kNoCharge;

  double tip_share = 0.0;
  if (t.payment == Payment::kCredit) {
    if (rng.Chance(CardTipProbability(hour, miles, t.passengers))) {
      tip_share = std::clamp(0.15 + 0.05 * rng.Uniform() + 0.02 * rng.Normal(), 0.05, 0.40);
    }
  } else if (rng.Chance(t.payment == Payment::kCash ? 0.02 : t.payment == Payment::kDispute ? 0.03 : 0.01)) {
    // Cash tips are rare; a few disputed or free rides record one too. Were there none, those
    // categories would be separated from tipping and their weights set by the penalty alone:
    // liblinear then stops visibly short of the optimum and is no use as a reference.
    tip_share = 0.10 + 0.05 * rng.Uniform();
  }
  t.tip = std::llround((t.fare + t.surcharge) * tip_share);

  double toll_chance = !airport ? 0.003 : jfk ? 0.25 : 0.40;
  if (rng.Chance(toll_chance)) t.tolls = rng.Chance(0.8) ? 415 : 500;
  return t;
}

// ---------------------------------------------------------------------------------------------
// Formatting by hand: several times faster than printf-style formatting.

char* PutTwoDigits(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// `seconds` since 2009-01-01 as "YYYY-MM-DD HH:MM:SS"; trips last under a day, so a date is
// at most 2010-01-01.
char* PutDateTime(char* p, int64_t seconds) {
  static constexpr std::array<int, 12> kMonthDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  int day = static_cast<int>(seconds / 86400);
  int second_of_day = static_cast<int>(seconds % 86400);
  int year = 2009 + day / kDaysIn2009;
  day %= kDaysIn2009;
  int month = 0;
  while (day >= kMonthDays[month]) day -= kMonthDays[month++];
  std::memcpy(p, year == 2009 ? "2009-" : "2010-", 5);
  p = PutTwoDigits(p + 5, month + 1);
  *p++ = '-';
  p = PutTwoDigits(p, day + 1);
  *p++ = ' ';
  p = PutTwoDigits(p, second_of_day / 3600);
  *p++ = ':';
  p = PutTwoDigits(p, second_of_day / 60 % 60);
  *p++ = ':';
  return PutTwoDigits(p, second_of_day % 60);
}

// `scaled` / 10^decimals with exactly `decimals` digits after the point.
char* PutFixed(char* p, int64_t scaled, int decimals) {
  if (scaled < 0) {
    *p++ = '-';
    scaled = -scaled;
  }
  int64_t unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  p = std::to_chars(p, p + 20, scaled / unit).ptr;
  *p++ = '.';
  int64_t fraction = scaled % unit;
  for (int i = decimals - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  return p + decimals;
}

char* PutCoordinate(char* p, double degrees) { return PutFixed(p, std::llround(degrees * 1e6), 6); }
char* PutCents(char* p, int64_t cents) { return PutFixed(p, cents, 2); }

char* PutText(char* p, const char* text) {
  size_t n = std::strlen(text);
  std::memcpy(p, text, n);
  return p + n;
}

const char* VendorName(Vendor v) {
  switch (v) {
    case Vendor::kVts:
      return "VTS";
    case Vendor::kCmt:
      return "CMT";
    case Vendor::kDds:
      return "DDS";
  }
  return "";
}

// The spelling of cash and credit differs between vendors, as the mixed case of the real
// files does.
const char* PaymentName(Payment payment, Vendor vendor) {
  bool upper = vendor == Vendor::kVts;
  switch (payment) {
    case Payment::kCash:
      return upper ? "CASH" : "Cash";
    case Payment::kCredit:
      return upper ? "CREDIT" : "Credit";
    case Payment::kDispute:
      return "Dispute";
    case Payment::kNoCharge:
      return "No Charge";
  }
  return "";
}

char* PutTrip(char* p, const Trip& t) {
  p = PutText(p, VendorName(t.vendor));
  *p++ = ',';
  p = PutDateTime(p, t.pickup);
  *p++ = ',';
  p = PutDateTime(p, t.dropoff);
  *p++ = ',';
  *p++ = static_cast<char>('0' + t.passengers);
  *p++ = ',';
  p = PutCents(p, t.distance);
  *p++ = ',';
  p = PutCoordinate(p, t.start_lon);
  *p++ = ',';
  p = PutCoordinate(p, t.start_lat);
  p = PutText(p, ",,,");  // Rate_Code and store_and_forward are empty in 2009
  p = PutCoordinate(p, t.end_lon);
  *p++ = ',';
  p = PutCoordinate(p, t.end_lat);
  *p++ = ',';
  p = PutText(p, PaymentName(t.payment, t.vendor));
  *p++ = ',';
  p = PutCents(p, t.fare);
  *p++ = ',';
  p = PutCents(p, t.surcharge);
  p = PutText(p, ",,");  // mta_tax is empty in 2009
  p = PutCents(p, t.tip);
  *p++ = ',';
  p = PutCents(p, t.tolls);
  *p++ = ',';
  p = PutCents(p, t.fare + t.surcharge + t.tip + t.tolls);
  *p++ = '\n';
  return p;
}

std::string FormatRows(uint64_t key, int64_t begin, int64_t end) {
  std::string text(static_cast<size_t>(end - begin) * kMaxRowBytes, '\0');
  char* p = text.data();
  for (int64_t row = begin; row < end; ++row) p = PutTrip(p, DrawTrip(key, row));
  text.resize(static_cast<size_t>(p - text.data()));
  return text;
}

// ---------------------------------------------------------------------------------------------
// Files

[[noreturn]] void FailIO(const std::string& what, const std::string& path, int err) {
  Fail(ErrorCode::kIO, "gen-taxi: cannot " + what + " '" + path + "': " + std::strerror(err));
}

/// A file written under a temporary name, renamed to its final name by Commit(); removed if
/// never committed.
class TempFile {
 public:
  explicit TempFile(std::string path)
      : path_(std::move(path)), temp_path_(path_ + ".tmp-" + std::to_string(::getpid())) {
    file_ = std::fopen(temp_path_.c_str(), "wb");
    if (file_ == nullptr) FailIO("create", temp_path_, errno);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_) std::remove(temp_path_.c_str());
  }

  void Write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
      FailIO("write", temp_path_, errno);
    }
  }

  void Commit() {
    int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) FailIO("write", temp_path_, errno);
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) FailIO("create", path_, errno);
    committed_ = true;
  }

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// Rows [begin, end) into `file`: chunks are drawn in parallel and written in order.
void WriteRows(uint64_t key, int64_t begin, int64_t end, TempFile& file) {
  struct Chunk {
    int64_t begin = 0, end = 0;
  };
  int64_t next = begin;
  size_t chunks_in_flight = 2 * static_cast<size_t>(tbb::this_task_arena::max_concurrency());
  tbb::parallel_pipeline(
      chunks_in_flight,
      tbb::make_filter<void, Chunk>(tbb::filter_mode::serial_in_order,
                                    [&](tbb::flow_control& control) {
                                      if (next >= end) {
                                        control.stop();
                                        return Chunk{};
                                      }
                                      Chunk chunk{next, std::min(end, next + kChunkRows)};
                                      next = chunk.end;
                                      return chunk;
                                    }) &
          tbb::make_filter<Chunk, std::string>(
              tbb::filter_mode::parallel,
              [key](Chunk chunk) { return FormatRows(key, chunk.begin, chunk.end); }) &
          tbb::make_filter<std::string, void>(tbb::filter_mode::serial_in_order,
                                              [&](const std::string& text) { file.Write(text); }));
}

// Creates `dir` and its parents; the message names `output` as well, the path the user gave.
void CreateDirectories(const fs::path& dir, const std::string& output) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    Fail(ErrorCode::kIO, "gen-taxi: cannot create directory '" + dir.string() + "' for output '" +
                             output + "': " + ec.message());
  }
}

// Rows are spread as evenly as possible; the first files get one extra row.
int64_t FirstRowOfFile(int64_t rows, int files, int index) {
  return rows / files * index + std::min<int64_t>(index, rows % files);
}

std::string FileName(int index) {
  char name[32];
  std::snprintf(name, sizeof name, "taxi-%03d.csv", index);
  return name;
}

}  // namespace

std::vector<std::string> GenerateTaxi(const GenTaxiOptions& options, const std::string& path) {
  if (options.rows < 0) {
    Fail(ErrorCode::kUsage, "gen-taxi: --rows must be >= 0, got " + std::to_string(options.rows) +
                                " (output '" + path + "')");
  }
  if (options.files < 1) {
    Fail(ErrorCode::kUsage, "gen-taxi: --files must be >= 1, got " + std::to_string(options.files) +
                                " (output '" + path + "')");
  }
  if (options.threads < 0) {
    Fail(ErrorCode::kUsage,
         "gen-taxi: threads must be >= 0, got " + std::to_string(options.threads));
  }
  if (path.empty()) Fail(ErrorCode::kUsage, "gen-taxi: the output path is empty");

  std::vector<std::string> paths;
  std::error_code ec;
  if (options.files == 1) {
    if (fs::is_directory(path, ec)) {
      Fail(ErrorCode::kIO, "gen-taxi: output '" + path +
                               "' is a directory; give a file path, or --files > 1 to write "
                               "several files into it");
    }
    CreateDirectories(fs::path(path).parent_path(), path);
    paths.push_back(path);
  } else {
    if (fs::exists(path, ec) && !fs::is_directory(path, ec)) {
      Fail(ErrorCode::kIO, "gen-taxi: output '" + path +
                               "' exists and is not a directory (--files > 1 writes a directory)");
    }
    CreateDirectories(path, path);
    for (int i = 0; i < options.files; ++i) {
      paths.push_back((fs::path(path) / FileName(i)).string());
    }
  }

  const uint64_t key = Mix64(options.seed + kGolden);
  tbb::task_arena arena(options.threads > 0 ? options.threads : tbb::task_arena::automatic);
  for (int i = 0; i < options.files; ++i) {
    // File i holds global rows [begin, end); row contents do not depend on the split.
    int64_t begin = FirstRowOfFile(options.rows, options.files, i);
    int64_t end = FirstRowOfFile(options.rows, options.files, i + 1);
    TempFile file(paths[i]);
    file.Write(kTaxiHeader);
    file.Write("\n");
    arena.execute([&] { WriteRows(key, begin, end, file); });
    file.Commit();
  }
  return paths;
}

}  // namespace outcore
