#pragma once
/// Option values as users write them, read the same way by the CLI and the Python package.
#include <cstdint>
#include <string>

#include "outcore/io.h"

namespace outcore {

/// How a front end spells an option in messages: the CLI's flags (--split-size) or the Python
/// package's keywords (split_size).
enum class OptionStyle { kFlags, kKeywords };

/// The name of option `keyword` ("split_size") as `style` spells it ("--split-size").
std::string OptionName(OptionStyle style, const std::string& keyword);

/// "64MB", "512k", "1G", "1000" (bytes); binary multiples. `option` names it in the error.
int64_t ParseSize(const std::string& text, const std::string& option);

/// "stop", "skip" or "reject=FILE". `option` names it in the error.
void ParseBadRows(const std::string& text, const std::string& option, BadRowPolicy* policy,
                  std::string* reject_path);

}  // namespace outcore
