#pragma once

/// \file
/// `aicr validate -t markdown`: a CTRF report as Markdown for CI summaries (for
/// example a GitHub job summary). A header with the tool, time, overall result and
/// the summary counts, then one table per phase (check, status, duration, message)
/// in run order. Every cell is escaped, so a message cannot break the table or
/// inject markup.

#include <string>
#include <string_view>

#include "validator/ctrf.h"

namespace aicr::validator {

/// The Markdown report for `report`; deterministic, ends with `\n`.
std::string RenderMarkdownReport(const ctrf::Report& report);

/// `text` made safe for one Markdown table cell: `&`, `<`, `>` as HTML entities;
/// `\`, `|`, `` ` ``, `*`, `_`, `[`, `]` backslash-escaped; line breaks as `<br>`;
/// other control characters dropped.
std::string EscapeMarkdownCell(std::string_view text);

}  // namespace aicr::validator
