// delimiter = "auto": the delimiter chosen from the first lines of the first CSV input.
#include <algorithm>
#include <string>
#include <vector>

#include "io/file_util.h"
#include "io/input_file.h"
#include "outcore/error.h"
#include "outcore/source.h"

namespace outcore {
namespace {

constexpr int64_t kSniffBytes = 64 << 10;
constexpr size_t kSniffRows = 50;
constexpr char kCandidates[] = {',', ';', '\t', '|'};

// The number of fields of each complete record in `text` with `delimiter`, quotes and escapes
// as the read options say (a quoted field may hold delimiters and line ends). A record cut
// off by the end of the sample is left out unless the file ended there (`whole`).
std::vector<int> FieldCounts(const std::string& text, bool whole, char delimiter, const ReadOptions& read) {
  std::vector<int> counts;
  int fields = 1;
  bool quoted = false, field_start = true, line_empty = true;
  for (size_t i = 0; i < text.size() && counts.size() < kSniffRows; ++i) {
    const char c = text[i];
    if (quoted) {
      if (read.escape != '\0' && c == read.escape && read.escape != read.quote) {
        ++i;
      } else if (c == read.quote) {
        if (i + 1 < text.size() && text[i + 1] == read.quote) ++i;  // a doubled quote
        else quoted = false;
      }
      continue;
    }
    if (c == '\n') {
      if (!line_empty) counts.push_back(fields);  // blank lines are skipped, as the reader does
      fields = 1;
      field_start = line_empty = true;
      continue;
    }
    if (c == '\r') continue;
    line_empty = false;
    if (c == delimiter) {
      ++fields;
      field_start = true;
    } else if (c == read.quote && read.quote != '\0' && field_start) {
      quoted = true;
      field_start = false;
    } else {
      field_start = false;
    }
  }
  if (whole && !quoted && !line_empty && counts.size() < kSniffRows) counts.push_back(fields);
  return counts;
}

}  // namespace

char SniffDelimiter(const std::string& path, const ReadOptions& read) {
  InputFile file(path, InputFile::Decompress::kAuto);
  std::string text(kSniffBytes, '\0');
  text.resize(static_cast<size_t>(file.Read(0, kSniffBytes, text.data())));
  const bool whole = static_cast<int64_t>(text.size()) < kSniffBytes;
  char best = '\0';
  int best_fields = 1;
  size_t rows = 0;
  for (char d : kCandidates) {
    const std::vector<int> counts = FieldCounts(text, whole, d, read);
    rows = std::max(rows, counts.size());
    if (counts.empty() || std::any_of(counts.begin(), counts.end(), [&](int n) { return n != counts[0]; }))
      continue;
    if (counts[0] > best_fields) {
      best = d;
      best_fields = counts[0];
    }
  }
  if (best == '\0')
    Fail(ErrorCode::kInvalidInput,
         path + ": cannot sniff the delimiter: none of , ; tab | splits the first " + std::to_string(rows) +
             " lines into the same number (more than one) of fields; set [read] delimiter");
  return best;
}

std::string ResolveDelimiter(ReadOptions* read, const std::vector<std::string>& inputs) {
  if (!read->sniff_delimiter) return "";
  for (const std::string& input : inputs) {
    if (InputFormat(input) != "csv") continue;
    const std::string path = ExpandInputs({input}).front();
    read->delimiter = SniffDelimiter(path, *read);
    read->sniff_delimiter = false;
    return path;
  }
  read->sniff_delimiter = false;  // no CSV input: nothing reads a delimiter
  return "";
}

std::string DelimiterText(char delimiter) { return delimiter == '\t' ? "tab" : "'" + std::string(1, delimiter) + "'"; }

}  // namespace outcore
