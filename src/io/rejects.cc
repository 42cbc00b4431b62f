// The rejects file: one CSV row (file,line,reason) per row that could not be read.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "outcore/error.h"
#include "outcore/io.h"

namespace outcore {

namespace {

// RFC 4180 quoting, only where needed (paths and reasons may hold commas and quotes).
void AppendCsvField(std::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

std::string BadValue::Reason() const {
  return "column '" + column + "': cannot parse '" + value + "' as " + std::string(TypeName(type)) +
         why;
}

void WriteRejects(const std::string& path, const std::vector<RejectedRow>& rows, bool append) {
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), append ? "ab" : "wb"));
  if (!file) Fail(ErrorCode::kIO, path + ": cannot open for writing: " + std::strerror(errno));
  std::string text;
  // Appending to a new or empty file still starts it with the header.
  // (The position of a stream opened for appending is only defined once we seek.)
  std::fseek(file.get(), 0, SEEK_END);
  if (!append || std::ftell(file.get()) == 0) text = "file,line,reason\n";
  for (const RejectedRow& row : rows) {
    AppendCsvField(row.path, &text);
    text += ',' + std::to_string(row.line) + ',';
    AppendCsvField(row.reason, &text);
    text += '\n';
  }
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size() ||
      std::fflush(file.get()) != 0)
    Fail(ErrorCode::kIO, path + ": write failed: " + std::strerror(errno));
}

}  // namespace outcore
