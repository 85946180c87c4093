#include "validator/report_html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace aicr::validator {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

ctrf::Report Hostile() {
  ctrf::Report r;
  r.timestamp = "2026-05-08T10:23:11Z<b>";
  r.generated_by = "aicr";
  r.tool = {"aicr\"><script>alert(1)</script>", "v0.13.0 & co"};
  r.environment = ctrf::Environment{"", "", "env'<img src=x onerror=alert(1)>"};
  ctrf::TestResult t;
  t.name = "<script>alert('name')</script>";
  t.suite = {"deployment\"><iframe>"};
  t.status = ctrf::TestStatus::kFailed;
  t.duration = 1500;
  t.message = "fail & \"quoted\" <b>bold</b> 'single'";
  t.stdout_lines = {"<script>document.cookie</script>", "a && b > c"};
  ctrf::TestResult ok;
  ok.name = "operator-health";
  ok.suite = {"deployment"};
  ok.status = ctrf::TestStatus::kPassed;
  ok.duration = 900;
  ok.stdout_lines = {"<visible only for failures>"};
  r.tests = {t, ok};
  r.summary = ctrf::Summarize(r.tests, 1000, 2000);
  return r;
}

TEST(HtmlReportTest, EscapesEveryHostileString) {
  const std::string html = RenderHtmlReport(Hostile());
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<iframe")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, Not(HasSubstr("onerror=alert(1)>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("fail &amp; &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; "
                              "&#39;single&#39;"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;document.cookie&lt;/script&gt;\na &amp;&amp; b "
                              "&gt; c"));
  EXPECT_THAT(html, HasSubstr("aicr&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; v0.13.0 "
                              "&amp; co"));
  EXPECT_THAT(html, HasSubstr("deployment&quot;&gt;&lt;iframe&gt;"));
}

// Every tag in `html`, as the text between `<` and `>`.
std::vector<std::string> Tags(const std::string& html) {
  std::vector<std::string> tags;
  for (std::size_t pos = html.find('<'); pos != std::string::npos; pos = html.find('<', pos + 1)) {
    const std::size_t end = html.find('>', pos);
    if (end == std::string::npos) {
      break;
    }
    tags.push_back(html.substr(pos + 1, end - pos - 1));
  }
  return tags;
}

TEST(HtmlReportTest, SelfContained) {
  const std::string html = RenderHtmlReport(Hostile());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
  const std::set<std::string> allowed = {
      "!DOCTYPE", "html", "head",    "meta",    "title",   "style", "body", "h1",
      "h2",       "p",    "section", "table",   "thead",   "tbody", "tr",   "th",
      "td",       "span", "div",     "details", "summary", "pre"};
  const std::vector<std::string> tags = Tags(html);
  ASSERT_GT(tags.size(), 20u);
  for (const std::string& tag : tags) {
    std::string name = tag.substr(tag.rfind('/', 0) == 0 ? 1 : 0);
    name = name.substr(0, name.find(' '));
    EXPECT_EQ(allowed.count(name), 1u) << "unexpected tag <" << tag << ">";
    for (const char* attr : {"src=", "href=", "on", "url(", "//"}) {
      if (std::string(attr) == "on") {
        EXPECT_EQ(tag.find(" on"), std::string::npos) << tag;
      } else {
        EXPECT_EQ(tag.find(attr), std::string::npos) << tag;
      }
    }
  }
  // Elements nest and close properly (void elements aside).
  std::vector<std::string> open;
  for (const std::string& tag : tags) {
    const bool closing = tag.rfind('/', 0) == 0;
    std::string name = tag.substr(closing ? 1 : 0);
    name = name.substr(0, name.find(' '));
    if (name == "!DOCTYPE" || name == "meta") {
      continue;
    }
    if (!closing) {
      open.push_back(name);
    } else {
      ASSERT_FALSE(open.empty()) << "stray </" << name << ">";
      EXPECT_EQ(open.back(), name) << "mismatched </" << name << ">";
      open.pop_back();
    }
  }
  EXPECT_TRUE(open.empty()) << open.size() << " unclosed elements";
  // The only external-looking text is the CSP forbidding loads; the style sheet
  // imports nothing.
  const std::string style =
      html.substr(html.find("<style>"), html.find("</style>") - html.find("<style>"));
  for (const char* external : {"@import", "url(", "http", "//"}) {
    EXPECT_THAT(style, Not(HasSubstr(external))) << external;
  }
  EXPECT_THAT(html, HasSubstr("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
}

TEST(HtmlReportTest, StatusColoursAndFailureOutput) {
  const std::string html = RenderHtmlReport(Hostile());
  EXPECT_THAT(html, HasSubstr(".status-failed{"));
  EXPECT_THAT(html, HasSubstr(".status-passed{"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"row-failed\">"));
  EXPECT_THAT(html, HasSubstr("<span class=\"status status-passed\">passed</span>"));
  EXPECT_THAT(html, HasSubstr("<summary>Output (2 lines)</summary>"));
  EXPECT_THAT(html, Not(HasSubstr("visible only for failures")))
      << "stdout of a passing check is left out";
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">1.5s</td>"));
}

TEST(HtmlReportTest, EmptyReport) {
  ctrf::Report r;
  r.tool.name = "aicr";
  const std::string html = RenderHtmlReport(r);
  EXPECT_THAT(html, HasSubstr("<p>No checks ran.</p>"));
  EXPECT_THAT(html, HasSubstr("status-skipped"));
}

TEST(HtmlReportTest, EscapeHtml) {
  EXPECT_EQ(EscapeHtml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(EscapeHtml("x\x01y\tz\n"), "xy\tz\n");
  EXPECT_EQ(EscapeHtml("caf\xC3\xA9"), "caf\xC3\xA9");
}

}  // namespace
}  // namespace aicr::validator
