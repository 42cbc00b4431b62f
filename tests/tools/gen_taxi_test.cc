// Tests of the synthetic taxi generator: layout, row counts, determinism and value domains.
#include "outcore/gen_taxi.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "outcore/error.h"

namespace outcore {
namespace {

namespace fs = std::filesystem;

constexpr char kExpectedHeader[] =
    "vendor_name,Trip_Pickup_DateTime,Trip_Dropoff_DateTime,Passenger_Count,Trip_Distance,"
    "Start_Lon,Start_Lat,Rate_Code,store_and_forward,End_Lon,End_Lat,Payment_Type,Fare_Amt,"
    "surcharge,mta_tax,Tip_Amt,Tolls_Amt,Total_Amt";

// Column positions in the 2009 layout.
// clang-format off
enum Col {
  kVendor, kPickup, kDropoff, kPassengers, kDistance, kStartLon, kStartLat, kRateCode,
  kStoreAndForward, kEndLon, kEndLat, kPayment, kFare, kSurcharge, kMtaTax, kTip, kTolls,
  kTotal, kNumCols
};
// clang-format on

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    if (pos == std::string::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

// Lines of a file that ends with a newline (the empty piece after it is dropped).
std::vector<std::string> Lines(const fs::path& path) {
  std::string text = ReadAll(path);
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::vector<std::string> lines = Split(text, '\n');
  lines.pop_back();
  return lines;
}

// "12.34" -> 1234; fails the test unless there are exactly `decimals` digits after the point.
int64_t ParseFixed(const std::string& s, int decimals) {
  size_t dot = s.find('.');
  EXPECT_NE(dot, std::string::npos) << s;
  EXPECT_EQ(s.size() - dot - 1, static_cast<size_t>(decimals)) << s;
  std::string digits = s.substr(0, dot) + s.substr(dot + 1);
  return std::stoll(digits);
}

bool IsDateTime(const std::string& s) {
  if (s.size() != 19) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char expected = "dddd-dd-dd dd:dd:dd"[i];
    if (expected == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != expected) {
      return false;
    }
  }
  return true;
}

class GenTaxiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gen_taxi_test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Generate(int64_t rows, uint64_t seed = 42, int threads = 0,
                       const std::string& name = "taxi.csv") {
    GenTaxiOptions options;
    options.rows = rows;
    options.seed = seed;
    options.threads = threads;
    std::vector<std::string> files = GenerateTaxi(options, (dir_ / name).string());
    EXPECT_EQ(files.size(), 1u);
    return files.at(0);
  }

  fs::path dir_;
};

TEST_F(GenTaxiTest, HeaderIsThe2009Header) {
  std::vector<std::string> lines = Lines(Generate(3));
  EXPECT_EQ(lines.at(0), kExpectedHeader);
  EXPECT_STREQ(kTaxiHeader, kExpectedHeader);
}

TEST_F(GenTaxiTest, WritesExactlyTheRequestedRows) {
  EXPECT_EQ(Lines(Generate(0, 42, 0, "zero.csv")).size(), 1u);
  EXPECT_EQ(Lines(Generate(1, 42, 0, "one.csv")).size(), 2u);
  EXPECT_EQ(Lines(Generate(70001, 42, 0, "many.csv")).size(), 70002u);  // several chunks
}

TEST_F(GenTaxiTest, SplitsRowsOverFilesWithoutChangingThem) {
  std::vector<std::string> whole = Lines(Generate(1001));

  GenTaxiOptions options;
  options.rows = 1001;
  options.files = 3;
  fs::path out = dir_ / "parts" / "nested";
  std::vector<std::string> files = GenerateTaxi(options, out.string());
  ASSERT_EQ(files.size(), 3u);
  std::vector<std::string> joined = {kExpectedHeader};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(fs::path(files[i]), out / ("taxi-00" + std::to_string(i) + ".csv"));
    std::vector<std::string> lines = Lines(files[i]);
    EXPECT_EQ(lines.at(0), kExpectedHeader);
    EXPECT_GE(lines.size() - 1, 333u);
    EXPECT_LE(lines.size() - 1, 334u);
    joined.insert(joined.end(), lines.begin() + 1, lines.end());
  }
  EXPECT_EQ(joined, whole);
  // Only the finished files remain: no temporaries.
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 3);
}

TEST_F(GenTaxiTest, MoreFilesThanRowsGivesHeaderOnlyFiles) {
  GenTaxiOptions options;
  options.rows = 2;
  options.files = 4;
  std::vector<std::string> files = GenerateTaxi(options, (dir_ / "few").string());
  ASSERT_EQ(files.size(), 4u);
  size_t rows = 0;
  for (const std::string& f : files) rows += Lines(f).size() - 1;
  EXPECT_EQ(rows, 2u);
}

TEST_F(GenTaxiTest, IsDeterministic) {
  const int64_t rows = 100000;  // spans several parallel chunks
  std::string a = ReadAll(Generate(rows, 7, 0, "a.csv"));
  std::string b = ReadAll(Generate(rows, 7, 0, "b.csv"));
  std::string other_seed = ReadAll(Generate(rows, 8, 0, "c.csv"));
  std::string one_thread = ReadAll(Generate(rows, 7, 1, "d.csv"));
  std::string two_threads = ReadAll(Generate(rows, 7, 2, "e.csv"));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other_seed);
  EXPECT_EQ(one_thread, two_threads);
  EXPECT_EQ(a, one_thread);
}

TEST_F(GenTaxiTest, ValuesAreInTheirDomains) {
  std::vector<std::string> lines = Lines(Generate(100000));
  std::map<std::string, int> vendors, payments, surcharges;
  int tolled = 0;
  int near_manhattan = 0;  // pickup and dropoff points
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = Split(lines[i], ',');
    ASSERT_EQ(f.size(), static_cast<size_t>(kNumCols)) << "line " << i + 1 << ": " << lines[i];
    SCOPED_TRACE("line " + std::to_string(i + 1) + ": " + lines[i]);
    ++vendors[f[kVendor]];
    ++payments[f[kPayment]];
    ++surcharges[f[kSurcharge]];

    ASSERT_TRUE(IsDateTime(f[kPickup]));
    ASSERT_TRUE(IsDateTime(f[kDropoff]));
    ASSERT_EQ(f[kPickup].substr(0, 4), "2009");
    ASSERT_LT(f[kPickup], f[kDropoff]);  // same fixed-width format: text order is time order
    int passengers = std::stoi(f[kPassengers]);
    ASSERT_GE(passengers, 1);
    ASSERT_LE(passengers, 6);
    ASSERT_GT(ParseFixed(f[kDistance], 2), 0);
    for (auto [lon_col, lat_col] : {std::pair{kStartLon, kStartLat}, {kEndLon, kEndLat}}) {
      double lon = ParseFixed(f[lon_col], 6) / 1e6;
      double lat = ParseFixed(f[lat_col], 6) / 1e6;
      ASSERT_GT(lon, -74.6);  // the New York area: long trips may leave the city
      ASSERT_LT(lon, -73.3);
      ASSERT_GT(lat, 40.3);
      ASSERT_LT(lat, 41.3);
      near_manhattan += lon > -74.03 && lon < -73.90 && lat > 40.68 && lat < 40.88;
    }
    ASSERT_EQ(f[kRateCode], "");
    ASSERT_EQ(f[kStoreAndForward], "");
    ASSERT_EQ(f[kMtaTax], "");
    int64_t fare = ParseFixed(f[kFare], 2);
    int64_t surcharge = ParseFixed(f[kSurcharge], 2);
    int64_t tip = ParseFixed(f[kTip], 2);
    int64_t tolls = ParseFixed(f[kTolls], 2);
    ASSERT_GE(fare, 250);
    ASSERT_GE(tip, 0);
    ASSERT_GE(tolls, 0);
    ASSERT_EQ(ParseFixed(f[kTotal], 2), fare + surcharge + tip + tolls);
    if (tolls > 0) ++tolled;
  }
  EXPECT_EQ(vendors.size(), 3u);
  for (const char* v : {"VTS", "CMT", "DDS"}) EXPECT_GT(vendors[v], 5000) << v;
  EXPECT_EQ(payments.size(), 6u);
  for (const char* p : {"CASH", "Cash", "CREDIT", "Credit", "Dispute", "No Charge"}) {
    EXPECT_GT(payments[p], 0) << p;
  }
  EXPECT_EQ(surcharges.size(), 3u);
  for (const char* s : {"0.00", "0.50", "1.00"}) EXPECT_GT(surcharges[s], 0) << s;
  EXPECT_LT(tolled, 5000);  // tolls are mostly zero
  EXPECT_GT(near_manhattan, 0.9 * 2 * 100000);
}

TEST_F(GenTaxiTest, CardPayersTipAndCashPayersRarelyDo) {
  std::vector<std::string> lines = Lines(Generate(100000));
  int card = 0, card_tips = 0, cash = 0, cash_tips = 0;
  int short_card = 0, short_tips = 0, long_card = 0, long_tips = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = Split(lines[i], ',');
    bool tipped = ParseFixed(f[kTip], 2) > 0;
    if (f[kPayment] == "CREDIT" || f[kPayment] == "Credit") {
      ++card;
      card_tips += tipped;
      int64_t distance = ParseFixed(f[kDistance], 2);
      if (distance < 100) {
        ++short_card;
        short_tips += tipped;
      } else if (distance > 500) {
        ++long_card;
        long_tips += tipped;
      }
    } else if (f[kPayment] == "CASH" || f[kPayment] == "Cash") {
      ++cash;
      cash_tips += tipped;
    }
  }
  ASSERT_GT(card, 30000);
  ASSERT_GT(cash, 50000);
  double card_rate = static_cast<double>(card_tips) / card;
  double cash_rate = static_cast<double>(cash_tips) / cash;
  EXPECT_GT(card_rate, 0.75);
  EXPECT_LT(cash_rate, 0.05);
  // Distance matters, so a model has something to learn.
  EXPECT_GT(static_cast<double>(long_tips) / long_card,
            static_cast<double>(short_tips) / short_card + 0.05);
}

TEST_F(GenTaxiTest, RejectsNegativeRows) {
  GenTaxiOptions options;
  options.rows = -1;
  std::string path = (dir_ / "neg.csv").string();
  try {
    GenerateTaxi(options, path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("--rows"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(GenTaxiTest, UnwritablePathIsAnIOErrorNamingThePath) {
  // A regular file cannot be a parent directory, even for root.
  fs::path blocker = dir_ / "blocker";
  std::ofstream(blocker) << "x";
  std::string path = (blocker / "taxi.csv").string();
  GenTaxiOptions options;
  options.rows = 10;
  try {
    GenerateTaxi(options, path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kIO);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  options.files = 2;
  EXPECT_THROW(GenerateTaxi(options, path), Error);
  EXPECT_THROW(GenerateTaxi(options, blocker.string()), Error);  // a file, not a directory
}

int RunCli(const std::string& args) {
  int status = std::system((std::string(OUTCORE_BINARY) + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(GenTaxiTest, CommandLine) {
  fs::path out = dir_ / "cli.csv";
  EXPECT_EQ(RunCli("gen-taxi --rows 5 --seed 3 -o " + out.string()), 0);
  EXPECT_EQ(Lines(out).size(), 6u);
  EXPECT_EQ(ReadAll(out), ReadAll(Generate(5, 3)));
  EXPECT_EQ(RunCli("gen-taxi --rows 4 --files 2 -o " + (dir_ / "cli_dir").string()), 0);
  EXPECT_TRUE(fs::exists(dir_ / "cli_dir" / "taxi-001.csv"));
  EXPECT_EQ(RunCli("gen-taxi --help"), 0);
  EXPECT_EQ(RunCli("gen-taxi --rows -3 -o " + (dir_ / "bad.csv").string()),
            static_cast<int>(ErrorCode::kUsage));
  EXPECT_EQ(RunCli("gen-taxi --rows 3"), static_cast<int>(ErrorCode::kUsage));  // no -o
  fs::path blocker = dir_ / "blocker";
  std::ofstream(blocker) << "x";
  EXPECT_EQ(RunCli("gen-taxi --rows 3 -o " + (blocker / "x.csv").string()),
            static_cast<int>(ErrorCode::kIO));
}

}  // namespace
}  // namespace outcore
