#pragma once

/// \file
/// `aicr validate -t html`: a CTRF report as one self-contained HTML page for CI
/// artefacts. Inline CSS only: no scripts, no external stylesheets, fonts, images
/// or links, and a Content-Security-Policy that forbids loading anything. A
/// summary table, then one table per phase (check, status, duration, message) with
/// status colours; a failing check's stdout sits in a collapsible block under its
/// row. Every piece of report text is HTML-escaped.

#include <string>
#include <string_view>

#include "validator/ctrf.h"

namespace aicr::validator {

/// The HTML page for `report`; deterministic, ends with `\n`.
std::string RenderHtmlReport(const ctrf::Report& report);

/// `text` with `&`, `<`, `>`, `"` and `'` as character references, and control
/// characters other than tab and line breaks dropped.
std::string EscapeHtml(std::string_view text);

}  // namespace aicr::validator
