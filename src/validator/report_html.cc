#include "validator/report_html.h"

#include <string>
#include <vector>

namespace aicr::validator {
namespace {

constexpr std::string_view kStyle =
    R"(body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem;margin:0 0 .5rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem}
.meta{color:#59636e;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #d1d9e0;padding:.4rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num,th.num{text-align:right;white-space:nowrap}
table.summary{width:auto}
.status{display:inline-block;padding:.1rem .5rem;border-radius:1rem;font-weight:600;font-size:.85rem}
.status-passed{background:#dafbe1;color:#116329}
.status-failed{background:#ffebe9;color:#a40e26}
.status-skipped{background:#eaeef2;color:#424a53}
.status-pending{background:#fff8c5;color:#7d4e00}
.status-other{background:#fbefff;color:#6e40c9}
tr.row-failed td,tr.row-other td{background:#fff5f5}
.message,pre{white-space:pre-wrap;word-break:break-word;margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem}
details{margin:.2rem 0}
summary{cursor:pointer;color:#59636e}
)";

std::string StatusBadge(ctrf::TestStatus status) {
  const std::string name(ctrf::StatusName(status));
  return "<span class=\"status status-" + name + "\">" + name + "</span>";
}

std::string Cell(std::string_view content, std::string_view cls = "") {
  std::string out = "<td";
  if (!cls.empty()) {
    out += " class=\"" + std::string(cls) + "\"";
  }
  return out + ">" + std::string(content) + "</td>";
}

void AppendSummary(const ctrf::Report& report, std::string& out) {
  const ctrf::Summary& s = report.summary;
  out +=
      "<table class=\"summary\">\n<thead><tr><th>Result</th><th class=\"num\">Tests</th>"
      "<th class=\"num\">Passed</th><th class=\"num\">Failed</th><th class=\"num\">Skipped"
      "</th><th class=\"num\">Pending</th><th class=\"num\">Other</th><th class=\"num\">"
      "Duration</th></tr></thead>\n<tbody><tr>";
  out += Cell(StatusBadge(ctrf::DisplayStatus(report.tests)));
  for (std::int64_t n : {s.tests, s.passed, s.failed, s.skipped, s.pending, s.other}) {
    out += Cell(std::to_string(n), "num");
  }
  out += Cell(ctrf::HumanDuration(ctrf::RunDurationMillis(s)), "num");
  out += "</tr></tbody>\n</table>\n";
}

void AppendGroup(const ctrf::SuiteGroup& g, std::string& out) {
  const std::string title = g.suite.empty() ? std::string("(no phase)") : EscapeHtml(g.suite);
  out += "<section>\n<h2>" + title + " " + StatusBadge(ctrf::DisplayStatus(g.tests)) + "</h2>\n";
  out +=
      "<table>\n<thead><tr><th>Check</th><th>Status</th><th class=\"num\">Duration</th>"
      "<th>Message</th></tr></thead>\n<tbody>\n";
  for (const ctrf::TestResult& t : g.tests) {
    const std::string status(ctrf::StatusName(t.status));
    out += "<tr class=\"row-" + status + "\">";
    out += Cell(EscapeHtml(t.name));
    out += Cell(StatusBadge(t.status));
    out += Cell(ctrf::HumanDuration(t.duration), "num");
    std::string message;
    if (!t.message.empty()) {
      message = "<div class=\"message\">" + EscapeHtml(t.message) + "</div>";
    }
    if (ctrf::IsFailingStatus(t.status) && !t.stdout_lines.empty()) {
      message += "<details><summary>Output (" + std::to_string(t.stdout_lines.size()) +
                 (t.stdout_lines.size() == 1 ? " line" : " lines") + ")</summary><pre>";
      for (std::size_t i = 0; i < t.stdout_lines.size(); ++i) {
        if (i > 0) {
          message += "\n";
        }
        message += EscapeHtml(t.stdout_lines[i]);
      }
      message += "</pre></details>";
    }
    out += Cell(message);
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          break;
        }
        out += c;
    }
  }
  return out;
}

std::string RenderHtmlReport(const ctrf::Report& report) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>AICR validation report</title>\n<style>\n";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<h1>AICR validation report</h1>\n";
  std::string meta = "Generated by " + EscapeHtml(report.tool.name);
  if (!report.tool.version.empty()) {
    meta += " " + EscapeHtml(report.tool.version);
  }
  if (!report.timestamp.empty()) {
    meta += " at " + EscapeHtml(report.timestamp);
  }
  if (report.environment.has_value() && !report.environment->test_environment.empty()) {
    meta += " for " + EscapeHtml(report.environment->test_environment);
  }
  out += "<p class=\"meta\">" + meta + "</p>\n";
  AppendSummary(report, out);
  const std::vector<ctrf::SuiteGroup> groups = ctrf::GroupBySuite(report);
  if (groups.empty()) {
    out += "<p>No checks ran.</p>\n";
  }
  for (const ctrf::SuiteGroup& g : groups) {
    AppendGroup(g, out);
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace aicr::validator
