#include "serialize/json_reader.h"

#include <cstdint>
#include <iterator>
#include <limits>
#include <new>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "serialize/scalar.h"

namespace aicr::serialize {
namespace {

using Json = nlohmann::json;

// A char iterator that publishes how far nlohmann's lexer has read, so that events
// without a position (keys) can still be located.
class TrackingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator() = default;
  TrackingIterator(const char* p, const char** cursor) : p_(p), cursor_(cursor) {}

  reference operator*() const { return *p_; }
  TrackingIterator& operator++() {
    ++p_;
    if (cursor_ != nullptr) {
      *cursor_ = p_;
    }
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const TrackingIterator& a, const TrackingIterator& b) {
    return a.p_ == b.p_;
  }
  friend bool operator!=(const TrackingIterator& a, const TrackingIterator& b) { return !(a == b); }

 private:
  const char* p_ = nullptr;
  const char** cursor_ = nullptr;
};

std::string LineColumn(std::string_view text, std::size_t offset) {
  if (offset > text.size()) {
    offset = text.size();
  }
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1);
}

// nlohmann's `[json.exception.parse_error.101] parse error at line 1, column 2: reason`
// -> `line 1, column 2: reason`; positionless messages get `position`'s line and column.
std::string DescribeError(std::string_view text, std::size_t position, std::string what) {
  if (!what.empty() && what[0] == '[') {
    std::size_t close = what.find("] ");
    if (close != std::string::npos) {
      what.erase(0, close + 2);
    }
  }
  constexpr std::string_view kAt = "parse error at line ";
  if (what.rfind(kAt, 0) == 0) {
    return what.substr(std::string_view("parse error at ").size());
  }
  constexpr std::string_view kParseError = "parse error: ";
  if (what.rfind(kParseError, 0) == 0) {
    what.erase(0, kParseError.size());
  }
  return LineColumn(text, position == 0 ? 0 : position - 1) + ": " + what;
}

class Handler : public nlohmann::json_sax<Json> {
 public:
  Handler(std::string_view text, const ParseOptions& options, const char** cursor)
      : text_(text), options_(options), cursor_(cursor) {}

  Status& error() { return error_; }
  Value& root() { return root_; }

  bool null() override { return Deliver(Value()); }
  bool boolean(bool val) override { return Deliver(Value(val)); }
  bool number_integer(number_integer_t val) override { return Deliver(Value(val)); }
  bool number_unsigned(number_unsigned_t val) override {
    if (val > static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max())) {
      return Deliver(Value(static_cast<double>(val)));
    }
    return Deliver(Value(static_cast<std::int64_t>(val)));
  }
  bool number_float(number_float_t val, const string_t& /*s*/) override {
    static_assert(std::is_same_v<number_float_t, double>);
    return Deliver(Value(val));
  }
  bool string(string_t& val) override { return Deliver(Value(std::move(val))); }
  bool binary(binary_t& /*val*/) override {
    return Fail(Offset(), "binary values are not supported");
  }
  bool start_object(std::size_t /*elements*/) override { return Start(Value::EmptyMapping()); }
  bool key(string_t& val) override {
    Frame& frame = stack_.back();
    if (frame.value.if_mapping()->Contains(val)) {
      return Fail(KeyStart(), "duplicate key " + DoubleQuote(val));
    }
    frame.key = std::move(val);
    return true;
  }
  bool end_object() override { return End(); }
  bool start_array(std::size_t /*elements*/) override { return Start(Value::EmptySequence()); }
  bool end_array() override { return End(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    error_ = InvalidRequestError("json: " + DescribeError(text_, position, ex.what()));
    return false;
  }

 private:
  struct Frame {
    Value value;
    std::string key;
  };

  std::size_t Offset() const { return static_cast<std::size_t>(*cursor_ - text_.data()); }

  // The lexer has just consumed a key's closing quote; walk back to its opening quote.
  std::size_t KeyStart() const {
    std::size_t end = Offset();
    if (end == 0) {
      return 0;
    }
    std::size_t i = end - 1;  // the closing quote
    while (i > 0) {
      --i;
      if (text_[i] != '"') {
        continue;
      }
      std::size_t backslashes = 0;
      while (backslashes < i && text_[i - 1 - backslashes] == '\\') {
        ++backslashes;
      }
      if (backslashes % 2 == 0) {
        return i;
      }
    }
    return 0;
  }

  bool Fail(std::size_t offset, const std::string& reason) {
    error_ = InvalidRequestError("json: " + LineColumn(text_, offset) + ": " + reason);
    return false;
  }

  bool Deliver(Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    Frame& frame = stack_.back();
    if (Sequence* s = frame.value.if_sequence()) {
      s->push_back(std::move(v));
    } else {
      (void)frame.value.if_mapping()->Insert(std::move(frame.key), std::move(v));
      frame.key.clear();
    }
    return true;
  }

  bool Start(Value empty) {
    if (stack_.size() + 1 > options_.max_depth) {
      std::size_t at = Offset();
      return Fail(at == 0 ? 0 : at - 1,
                  "nesting depth exceeds the limit of " + std::to_string(options_.max_depth));
    }
    stack_.push_back(Frame{std::move(empty), {}});
    return true;
  }

  bool End() {
    Value v = std::move(stack_.back().value);
    stack_.pop_back();
    return Deliver(std::move(v));
  }

  std::string_view text_;
  const ParseOptions& options_;
  const char** cursor_;
  std::vector<Frame> stack_;
  Value root_;
  Status error_;
};

}  // namespace

Result<Value> ParseJson(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_bytes) {
    return InvalidRequestError("json: input is " + std::to_string(text.size()) +
                               " bytes, exceeds the limit of " + std::to_string(options.max_bytes) +
                               " bytes");
  }
  const char* cursor = text.data();
  Handler handler(text, options, &cursor);
  try {
    TrackingIterator first(text.data(), &cursor);
    TrackingIterator last(text.data() + text.size(), nullptr);
    bool ok = Json::sax_parse(first, last, &handler, Json::input_format_t::json,
                              /*strict=*/true, /*ignore_comments=*/false);
    if (!ok) {
      if (handler.error().ok()) {
        return InvalidRequestError("json: invalid document");
      }
      return handler.error();
    }
  } catch (const std::bad_alloc&) {
    return InternalError("json: out of memory");
  } catch (const std::exception& e) {
    return InvalidRequestError(std::string("json: ") + e.what());
  }
  return std::move(handler.root());
}

}  // namespace aicr::serialize
