// Names outcore writes into an output, and the parser that recognises them (see
// include/outcore/output_names.h). Parsing re-makes the name from what it read and compares,
// so only names outcore could have written are recognised.
#include "outcore/output_names.h"

#include <charconv>
#include <cstdio>

namespace outcore {
namespace {

constexpr const char* kPartPrefix = "part-";
constexpr const char* kAttemptInfix = ".attempt-";
constexpr const char* kTempSuffix = ".tmp";
constexpr const char* kRecordSuffix = ".json";
constexpr const char* kLedgerSuffix = "_outcore_ledger";

// The non-negative decimal at the start of `text`, or -1.
int64_t LeadingNumber(std::string_view text) {
  int64_t value = -1;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end != text.data() && value >= 0 ? value : -1;
}

// `name` as a part name: its ordinal and format, or kind kForeign.
OutputName ParsePart(std::string_view name) {
  OutputName out;
  if (!name.starts_with(kPartPrefix)) return out;
  int64_t ordinal = LeadingNumber(name.substr(std::char_traits<char>::length(kPartPrefix)));
  if (ordinal < 0) return out;
  for (OutputFormat format : {OutputFormat::kParquet, OutputFormat::kCsv}) {
    if (PartName(ordinal, format) == name) {
      out.kind = OutputNameKind::kPart;
      out.ordinal = ordinal;
      out.format = format;
    }
  }
  return out;
}

}  // namespace

std::string PartName(int64_t ordinal, OutputFormat format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%05lld", kPartPrefix, static_cast<long long>(ordinal));
  return buf + std::string(FormatExtension(format));
}

std::string TempPartName(int64_t ordinal, OutputFormat format, int64_t attempt) {
  return "." + PartName(ordinal, format) + kAttemptInfix + std::to_string(attempt) + kTempSuffix;
}

std::string PartRecordName(int64_t ordinal, OutputFormat format) {
  return PartName(ordinal, format) + kRecordSuffix;
}

std::string LedgerTableName(const std::string& table) { return table + kLedgerSuffix; }

OutputName ParseOutputName(const std::string& name) {
  std::string_view n = name;
  OutputName out;
  if (n == kManifestName) {
    out.kind = OutputNameKind::kManifest;
  } else if (n == kStateDirName) {
    out.kind = OutputNameKind::kStateDir;
  } else if (n == kRunRecordName) {
    out.kind = OutputNameKind::kRunRecord;
  } else if (n.starts_with(".") && n.ends_with(kTempSuffix)) {
    // .PART.attempt-N.tmp
    size_t infix = n.rfind(kAttemptInfix);
    if (infix == std::string_view::npos) return out;
    OutputName part = ParsePart(n.substr(1, infix - 1));
    int64_t attempt = LeadingNumber(n.substr(infix + std::char_traits<char>::length(kAttemptInfix)));
    if (part.kind != OutputNameKind::kPart || attempt < 0 ||
        TempPartName(part.ordinal, part.format, attempt) != n)
      return out;
    out = part;
    out.kind = OutputNameKind::kTempPart;
    out.attempt = attempt;
  } else if (n.ends_with(kRecordSuffix)) {
    OutputName part = ParsePart(n.substr(0, n.size() - std::char_traits<char>::length(kRecordSuffix)));
    if (part.kind == OutputNameKind::kPart) {
      out = part;
      out.kind = OutputNameKind::kPartRecord;
    }
  } else {
    out = ParsePart(n);
  }
  return out;
}

bool IsOurOutputDirEntry(const std::string& name) {
  switch (ParseOutputName(name).kind) {
    case OutputNameKind::kPart:
    case OutputNameKind::kTempPart:
    case OutputNameKind::kManifest:
    case OutputNameKind::kStateDir:
      return true;
    case OutputNameKind::kForeign:
    case OutputNameKind::kRunRecord:
    case OutputNameKind::kPartRecord:
      return false;
  }
  return false;
}

}  // namespace outcore
