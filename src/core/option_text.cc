// Option values as users write them: sizes, bad-row policies, and the options' names.
#include "outcore/option_text.h"

#include <cctype>

#include "outcore/error.h"

namespace outcore {

std::string OptionName(OptionStyle style, const std::string& keyword) {
  if (style == OptionStyle::kKeywords) return keyword;
  std::string flag = "--" + keyword;
  for (char& c : flag)
    if (c == '_') c = '-';
  return flag;
}

int64_t ParseSize(const std::string& text, const std::string& option) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  double value = 0;
  try {
    value = i ? std::stod(text.substr(0, i)) : -1;
  } catch (...) {
    value = -1;
  }
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!unit.empty() && unit.back() == 'B') unit.pop_back();
  if (!unit.empty() && unit.back() == 'I') unit.pop_back();  // KiB, MiB, GiB
  double mult = unit.empty() ? 1 : unit == "K" ? 1024.0 : unit == "M" ? 1048576.0
                : unit == "G" ? 1073741824.0 : -1;
  if (value <= 0 || mult < 0)
    Fail(ErrorCode::kUsage, option + ": expected a size like 64MB, 512K or 1G, got '" + text + "'");
  return static_cast<int64_t>(value * mult);
}

void ParseBadRows(const std::string& text, const std::string& option, BadRowPolicy* policy,
                  std::string* reject_path) {
  if (text == "stop") {
    *policy = BadRowPolicy::kStop;
  } else if (text == "skip") {
    *policy = BadRowPolicy::kSkip;
  } else if (text.rfind("reject=", 0) == 0 && text.size() > 7) {
    *policy = BadRowPolicy::kReject;
    *reject_path = text.substr(7);
  } else {
    Fail(ErrorCode::kUsage, option + ": expected stop, skip or reject=FILE, got '" + text + "'");
  }
}

}  // namespace outcore
