#include "serialize/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <new>
#include <optional>
#include <streambuf>
#include <string>
#include <unordered_map>
#include <utility>

#include "base/status_macros.h"
#include "serialize/scalar.h"

namespace aicr::serialize {
namespace {

constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

// Thrown from the event handler to stop yaml-cpp at the first error; caught below.
struct Abort {
  Status status;
};

// An istream over caller-owned bytes, without copying them.
class MemoryBuffer : public std::streambuf {
 public:
  explicit MemoryBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

std::string Where(const YAML::Mark& mark) {
  if (mark.is_null()) {
    return "";
  }
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) +
         ": ";
}

[[noreturn]] void Fail(const YAML::Mark& mark, const std::string& reason) {
  throw Abort{InvalidRequestError("yaml: " + Where(mark) + reason)};
}

// `tag:yaml.org,2002:str` -> `!!str`.
std::string ShortTag(const std::string& tag) {
  if (tag.rfind(kCoreTagPrefix, 0) == 0) {
    return "!!" + tag.substr(kCoreTagPrefix.size());
  }
  return tag;
}

// The core tag name (`str`, `map`, ...) or empty for a non-core tag.
std::string_view CoreTagName(const std::string& tag) {
  if (tag.rfind(kCoreTagPrefix, 0) == 0) {
    return std::string_view(tag).substr(kCoreTagPrefix.size());
  }
  return {};
}

struct AnchorInfo {
  bool complete = false;
  Value value;
  std::size_t nodes = 0;   // nodes one copy produces
  std::size_t height = 0;  // nesting depth of collections inside (0 for a scalar)
  bool is_scalar = false;
  std::string text;  // source text of a scalar, used when the alias is a key
  std::string name;
};

struct Frame {
  bool is_map = false;
  Value value;
  YAML::anchor_t anchor = 0;
  YAML::Mark start_mark;
  std::size_t nodes_at_start = 0;
  std::size_t height = 1;
  // Mapping state.
  bool have_key = false;
  std::string key;
  bool key_is_merge = false;
  bool seen_merge = false;
  YAML::Mark merge_mark;
  std::vector<Mapping> merges;
};

class DocumentBuilder : public YAML::EventHandler {
 public:
  DocumentBuilder(std::string_view text, const ParseOptions& options)
      : text_(text), options_(options) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") {
      text_.remove_prefix(3);  // yaml-cpp's marks count from after the BOM
    }
  }

  std::vector<Value>& documents() { return documents_; }
  const YAML::Mark& last_document_mark() const { return document_mark_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 loops forever on some inputs (a `,` where a node should start),
    // emitting empty documents without consuming anything: stop when a document
    // starts where the previous one did.
    if (started_documents_ > 0 && mark.pos == document_mark_.pos) {
      Fail(mark, "did not find expected node content");
    }
    ++started_documents_;
    document_mark_ = mark;
    stack_.clear();
    anchors_.clear();
    root_ = Value();
    nodes_ = 0;
    retained_ = 0;
    pending_anchor_name_.clear();
  }

  void OnDocumentEnd() override { documents_.push_back(std::move(root_)); }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Count(1, mark, false);
    std::string text = NullSpelling(mark);
    if (anchor != 0) {
      RememberScalar(anchor, Value(), text);
    }
    DeliverScalar(Value(), std::move(text), /*is_merge=*/false, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& text) override {
    if (!IsValidUtf8(text)) {
      Fail(mark, "invalid UTF-8 in scalar");
    }
    Count(1, mark, false);
    Value value = Resolve(mark, tag, text);
    bool is_merge = (tag == "?" && text == "<<") || CoreTagName(tag) == "merge";
    if (anchor != 0) {
      RememberScalar(anchor, value, text);
    }
    DeliverScalar(std::move(value), text, is_merge, mark);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      Fail(mark, "the referenced anchor is not defined");
    }
    const AnchorInfo& info = it->second;
    if (!info.complete) {
      Fail(mark, "alias " + DoubleQuote(info.name) + " refers to a node that contains it");
    }
    if (stack_.size() + info.height > options_.max_depth) {
      FailDepth(mark);
    }
    Count(info.nodes, mark, /*alias=*/true);
    if (info.is_scalar) {
      DeliverScalar(info.value, info.text, /*is_merge=*/false, mark);
      return;
    }
    CheckNotKey(mark);
    Deliver(info.value, info.height);
  }

  void OnAnchor(const YAML::Mark& /*mark*/, const std::string& name) override {
    pending_anchor_name_ = name;
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    StartCollection(mark, tag, anchor, /*is_map=*/false);
  }

  void OnSequenceEnd() override { EndCollection(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    StartCollection(mark, tag, anchor, /*is_map=*/true);
  }

  void OnMapEnd() override {
    Frame& frame = stack_.back();
    Mapping* m = frame.value.if_mapping();
    for (Mapping& source : frame.merges) {
      for (const auto& [key, value] : source) {
        if (!m->Contains(key)) {
          (void)m->Insert(key, value);
        }
      }
    }
    frame.merges.clear();
    EndCollection();
  }

 private:
  void Count(std::size_t n, const YAML::Mark& mark, bool alias) {
    nodes_ += n;
    if (nodes_ + retained_ > options_.max_nodes) {
      if (alias) {
        Fail(mark, "alias expansion budget exceeded: document would have more than " +
                       std::to_string(options_.max_nodes) + " nodes");
      }
      Fail(mark, "document has more than " + std::to_string(options_.max_nodes) + " nodes");
    }
  }

  void Retain(std::size_t n, const YAML::Mark& mark) {
    retained_ += n;
    if (nodes_ + retained_ > options_.max_nodes) {
      Fail(mark, "alias expansion budget exceeded: anchors would retain more than " +
                     std::to_string(options_.max_nodes) + " nodes");
    }
  }

  [[noreturn]] void FailDepth(const YAML::Mark& mark) {
    Fail(mark, "nesting depth exceeds the limit of " + std::to_string(options_.max_depth));
  }

  // yaml-cpp reports `~`, `null`, `Null`, `NULL` and empty nodes alike; recover which.
  std::string NullSpelling(const YAML::Mark& mark) const {
    if (mark.pos < 0) {
      return "";
    }
    auto pos = static_cast<std::size_t>(mark.pos);
    if (pos >= text_.size()) {
      return "";
    }
    std::string_view rest = text_.substr(pos);
    for (std::string_view word : {"null", "Null", "NULL", "~"}) {
      if (rest.substr(0, word.size()) == word) {
        std::string_view after = rest.substr(word.size());
        if (after.empty() || after[0] == ' ' || after[0] == '\t' || after[0] == '\n' ||
            after[0] == '\r' || after[0] == ':' || after[0] == ',' || after[0] == ']' ||
            after[0] == '}' || after[0] == '#') {
          return std::string(word);
        }
      }
    }
    return "";
  }

  Value Resolve(const YAML::Mark& mark, const std::string& tag, const std::string& text) {
    if (tag == "?") {
      return ResolvePlainScalar(text);
    }
    std::string_view core = CoreTagName(tag);
    auto cannot = [&]() {
      Fail(mark, "cannot decode " + DoubleQuote(text) + " as " + ShortTag(tag));
    };
    if (core == "int") {
      if (std::optional<std::int64_t> i = ParseCoreInt(text)) {
        return Value(*i);
      }
      cannot();
    } else if (core == "float") {
      if (std::optional<double> d = ParseCoreFloat(text)) {
        return Value(*d);
      }
      cannot();
    } else if (core == "bool") {
      if (std::optional<bool> b = ParseCoreBool(text)) {
        return Value(*b);
      }
      cannot();
    } else if (core == "null") {
      if (IsCoreNull(text)) {
        return Value();
      }
      cannot();
    } else if (core == "map" || core == "seq") {
      Fail(mark, "tag " + ShortTag(tag) + " is not valid on a scalar");
    }
    // `!`, `!!str`, `!!merge`, `!!binary`, `!!timestamp` and unknown tags: a string.
    return Value(text);
  }

  void RememberScalar(YAML::anchor_t anchor, const Value& value, const std::string& text) {
    AnchorInfo& info = anchors_[anchor];
    info.complete = true;
    info.value = value;
    info.nodes = 1;
    info.height = 0;
    info.is_scalar = true;
    info.text = text;
    info.name = std::move(pending_anchor_name_);
    pending_anchor_name_.clear();
    retained_ += 1;
  }

  // A collection may not be a mapping key.
  void CheckNotKey(const YAML::Mark& mark) {
    if (!stack_.empty() && stack_.back().is_map && !stack_.back().have_key) {
      Fail(mark, "mapping key must be a scalar");
    }
  }

  void DeliverScalar(Value value, std::string text, bool is_merge, const YAML::Mark& mark) {
    if (!stack_.empty() && stack_.back().is_map && !stack_.back().have_key) {
      Frame& frame = stack_.back();
      if (is_merge) {
        if (frame.seen_merge) {
          Fail(mark, "duplicate key \"<<\"");
        }
        frame.seen_merge = true;
        frame.key_is_merge = true;
        frame.merge_mark = mark;
      } else {
        if (frame.value.if_mapping()->Contains(text)) {
          throw Abort{InvalidRequestError("yaml: line " + std::to_string(mark.line + 1) +
                                          ": duplicate key " + DoubleQuote(text))};
        }
        frame.key_is_merge = false;
      }
      frame.key = std::move(text);
      frame.have_key = true;
      return;
    }
    Deliver(std::move(value), 0);
  }

  // Places a finished node (of collection `height`, 0 for scalars) into its parent.
  void Deliver(Value value, std::size_t height) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return;
    }
    Frame& frame = stack_.back();
    frame.height = std::max(frame.height, height + 1);
    if (!frame.is_map) {
      frame.value.if_sequence()->push_back(std::move(value));
      return;
    }
    frame.have_key = false;
    if (!frame.key_is_merge) {
      (void)frame.value.if_mapping()->Insert(std::move(frame.key), std::move(value));
      frame.key.clear();
      return;
    }
    frame.key_is_merge = false;
    if (Mapping* m = value.if_mapping()) {
      frame.merges.push_back(std::move(*m));
      return;
    }
    if (Sequence* s = value.if_sequence()) {
      for (Value& item : *s) {
        if (Mapping* m = item.if_mapping()) {
          frame.merges.push_back(std::move(*m));
        } else {
          Fail(frame.merge_mark, "merge key value must be a mapping or a sequence of mappings");
        }
      }
      return;
    }
    Fail(frame.merge_mark, "merge key value must be a mapping or a sequence of mappings");
  }

  void StartCollection(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       bool is_map) {
    CheckNotKey(mark);
    std::string_view core = CoreTagName(tag);
    if (!core.empty() && core != (is_map ? "map" : "seq") && core != "set" && core != "omap" &&
        core != "pairs") {
      Fail(mark,
           "tag " + ShortTag(tag) + " is not valid on a " + (is_map ? "mapping" : "sequence"));
    }
    Count(1, mark, false);
    if (stack_.size() + 1 > options_.max_depth) {
      FailDepth(mark);
    }
    Frame frame;
    frame.is_map = is_map;
    frame.value = is_map ? Value::EmptyMapping() : Value::EmptySequence();
    frame.anchor = anchor;
    frame.nodes_at_start = nodes_ - 1;
    if (anchor != 0) {
      AnchorInfo& info = anchors_[anchor];
      info = AnchorInfo();
      info.name = std::move(pending_anchor_name_);
      pending_anchor_name_.clear();
    }
    frame.start_mark = mark;
    stack_.push_back(std::move(frame));
  }

  void EndCollection() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.anchor != 0) {
      AnchorInfo& info = anchors_[frame.anchor];
      info.complete = true;
      info.value = frame.value;
      info.nodes = nodes_ - frame.nodes_at_start;
      info.height = frame.height;
      info.is_scalar = false;
      Retain(info.nodes, frame.start_mark);
    }
    Deliver(std::move(frame.value), frame.height);
  }

  std::string_view text_;
  const ParseOptions& options_;
  std::vector<Value> documents_;
  std::size_t started_documents_ = 0;
  YAML::Mark document_mark_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, AnchorInfo> anchors_;
  std::string pending_anchor_name_;
  Value root_;
  std::size_t nodes_ = 0;
  std::size_t retained_ = 0;
};

// Runs yaml-cpp over `text`; with `single`, stops at the second document.
Result<std::vector<Value>> Parse(std::string_view text, const ParseOptions& options, bool single) {
  if (text.size() > options.max_bytes) {
    return InvalidRequestError("yaml: input is " + std::to_string(text.size()) +
                               " bytes, exceeds the limit of " + std::to_string(options.max_bytes) +
                               " bytes");
  }
  DocumentBuilder builder(text, options);
  try {
    MemoryBuffer buffer(text);
    std::istream in(&buffer);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
      if (single && builder.documents().size() > 1) {
        return InvalidRequestError("yaml: " + Where(builder.last_document_mark()) +
                                   "expected a single document, found another");
      }
    }
  } catch (const Abort& abort) {
    return abort.status;
  } catch (const YAML::Exception& e) {
    return InvalidRequestError("yaml: " + Where(e.mark) + e.msg);
  } catch (const std::bad_alloc&) {
    return InternalError("yaml: out of memory");
  } catch (const std::exception& e) {
    return InvalidRequestError(std::string("yaml: ") + e.what());
  }
  return std::move(builder.documents());
}

}  // namespace

Result<Value> ParseYaml(std::string_view text, const ParseOptions& options) {
  AICR_ASSIGN_OR_RETURN(std::vector<Value> docs, Parse(text, options, /*single=*/true));
  if (docs.empty()) {
    return Value();
  }
  return std::move(docs.front());
}

Result<std::vector<Value>> ParseYamlDocuments(std::string_view text, const ParseOptions& options) {
  return Parse(text, options, /*single=*/false);
}

}  // namespace aicr::serialize
