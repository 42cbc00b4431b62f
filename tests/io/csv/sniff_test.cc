// delimiter = "auto": SniffDelimiter picks the delimiter that gives every sampled line the same
// number of fields (more than one), respecting quotes, and names the file when none does.
#include <gtest/gtest.h>
#include <zlib.h>

#include "outcore/source.h"
#include "test_util.h"

namespace outcore {
namespace {

using testing::ExpectError;

class SniffTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) { return dir_.Write(name, text); }
  char Sniff(const std::string& text) { return SniffDelimiter(Write("in.csv", text), ReadOptions()); }
  testing::ScratchDir dir_{"outcore_sniff_test_"};
};

TEST_F(SniffTest, EachCandidate) {
  EXPECT_EQ(Sniff("a,b,c\n1,2,3\n4,5,6\n"), ',');
  EXPECT_EQ(Sniff("a;b;c\n1,5;2;3\n4;5,25;6\n"), ';');  // decimal commas do not make it ','
  EXPECT_EQ(Sniff("a\tb\n1\t2\n"), '\t');
  EXPECT_EQ(Sniff("a|b|c|d\r\n1|2|3|4\r\n"), '|');
}

TEST_F(SniffTest, QuotesAreRespected) {
  // Semicolons inside quoted fields (one spanning a line end) are data; ',' is the delimiter.
  EXPECT_EQ(Sniff("name,note\n\"a;b\",\"x;y;z\"\n\"c\",\"line;\nbreak\"\n"), ',');
}

TEST_F(SniffTest, MostFieldsWinsAmongConsistentOnes) {
  // Both ',' and ';' split every line the same way; ';' gives more fields.
  EXPECT_EQ(Sniff("a,b;c;d\n1,2;3;4\n"), ';');
}

TEST_F(SniffTest, ALastLineCutOffIsNotCounted) {
  std::string text = "a;b;c\n";
  while (text.size() < (70 << 10)) text += "1;2;3\n";
  EXPECT_EQ(Sniff(text + "4;5;6"), ';');
}

TEST_F(SniffTest, CompressedFile) {
  const std::string path = dir_.Path("in.csv.gz");
  gzFile gz = gzopen(path.c_str(), "wb");
  const std::string text = "a|b\n1|2\n";
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  EXPECT_EQ(SniffDelimiter(path, ReadOptions()), '|');
}

TEST_F(SniffTest, NoneWorksNamesTheFile) {
  const std::string path = Write("one.csv", "just one column\n1\n2\n");
  ExpectError([&] { SniffDelimiter(path, ReadOptions()); }, ErrorCode::kInvalidInput,
              path + ": cannot sniff the delimiter: none of , ; tab | splits the first 3 lines");
  const std::string ragged = Write("ragged.csv", "a,b\n1,2,3\n");
  ExpectError([&] { SniffDelimiter(ragged, ReadOptions()); }, ErrorCode::kInvalidInput, ragged);
}

TEST_F(SniffTest, ResolveDelimiterUsesTheFirstCsvInputOnce) {
  ReadOptions read;
  read.sniff_delimiter = true;
  const std::string path = Write("first.csv", "a;b\n1;2\n");
  EXPECT_EQ(ResolveDelimiter(&read, {path}), path);
  EXPECT_EQ(read.delimiter, ';');
  EXPECT_FALSE(read.sniff_delimiter);
  EXPECT_EQ(ResolveDelimiter(&read, {path}), "");  // nothing left to sniff
  EXPECT_EQ(DelimiterText('\t'), "tab");
  EXPECT_EQ(DelimiterText(';'), "';'");
}

TEST_F(SniffTest, AnUnresolvedAutoIsNeverRead) {
  ReadOptions read;
  read.sniff_delimiter = true;
  ExpectError([&] { MakeCsvSource(read); }, ErrorCode::kInternal, "delimiter \"auto\" must be resolved");
}

}  // namespace
}  // namespace outcore
