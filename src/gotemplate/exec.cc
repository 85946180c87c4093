#include "gotemplate/exec.h"

#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "gotemplate/datum.h"
#include "gotemplate/format.h"
#include "gotemplate/funcs.h"

namespace aicr::gotemplate::internal {
namespace {

using serialize::Value;

constexpr std::string_view kNoValue = "<no value>";

// Helm's engine removes every "<no value>" from the output.
std::string StripNoValue(std::string s) {
  std::size_t pos = s.find(kNoValue);
  if (pos == std::string::npos) {
    return s;
  }
  std::string out;
  out.reserve(s.size());
  std::size_t from = 0;
  for (; pos != std::string::npos; pos = s.find(kNoValue, from)) {
    out.append(s, from, pos - from);
    from = pos + kNoValue.size();
  }
  out.append(s, from);
  return out;
}

class Executor {
 public:
  Executor(std::string_view name, const Limits& limits) : name_(name), budget_(limits) {}

  Result<std::string> Run(const Tree& tree, const Value& dot) {
    // A null dot is Go's nil data: fields of it are missing, not errors.
    const Datum root = dot.is_null() ? Datum() : Datum::Borrow(&dot);
    vars_.emplace_back("$", root);
    AICR_RETURN_IF_ERROR(Walk(root, tree.root));
    return StripNoValue(std::move(out_));
  }

 private:
  Status Error(int line, std::string_view what) const {
    return InvalidRequestError(std::string(name_) + ":" + std::to_string(line) + ": " +
                               std::string(what));
  }
  Status ErrorAt(int line, std::string_view context, std::string_view what) const {
    return Error(line, "at <" + std::string(context) + ">: " + std::string(what));
  }
  Status Located(int line, const Status& s) const { return s.ok() ? s : Error(line, s.message()); }

  Status Write(int line, std::string_view text) {
    if (out_.size() + text.size() > budget_.limits().max_output_bytes) {
      return Error(
          line, "output exceeds " + std::to_string(budget_.limits().max_output_bytes) + " bytes");
    }
    out_ += text;
    return OkStatus();
  }

  Status Walk(const Datum& dot, const std::vector<Node>& nodes) {
    for (const Node& node : nodes) {
      AICR_RETURN_IF_ERROR(Located(node.line, budget_.Step()));
      switch (node.kind) {
        case NodeKind::kText:
          AICR_RETURN_IF_ERROR(Write(node.line, node.text));
          break;
        case NodeKind::kAction: {
          AICR_ASSIGN_OR_RETURN(const Datum value, EvalPipeline(dot, *node.pipeline));
          if (node.pipeline->decl.empty()) {
            std::string text;
            if (value.missing()) {
              text = kNoValue;
            } else {
              AppendValue(value.get(), &text);
            }
            AICR_RETURN_IF_ERROR(Write(node.line, text));
          }
          break;
        }
        case NodeKind::kIf:
        case NodeKind::kWith:
          AICR_RETURN_IF_ERROR(WalkIfOrWith(dot, node));
          break;
        case NodeKind::kRange:
          AICR_RETURN_IF_ERROR(WalkRange(dot, node));
          break;
      }
    }
    return OkStatus();
  }

  Status WalkIfOrWith(const Datum& dot, const Node& node) {
    const std::size_t mark = vars_.size();
    AICR_ASSIGN_OR_RETURN(const Datum value, EvalPipeline(dot, *node.pipeline));
    if (IsTrue(value)) {
      AICR_RETURN_IF_ERROR(Walk(node.kind == NodeKind::kWith ? value : dot, node.body));
    } else {
      AICR_RETURN_IF_ERROR(Walk(dot, node.else_body));
    }
    vars_.resize(mark);
    return OkStatus();
  }

  Status WalkRange(const Datum& dot, const Node& node) {
    const Pipeline& pipe = *node.pipeline;
    const std::size_t outer = vars_.size();
    AICR_ASSIGN_OR_RETURN(const Datum value, EvalPipeline(dot, pipe));
    const std::size_t mark = vars_.size();
    bool ran = false;
    auto iterate = [&](const Datum& index, const Datum& elem) -> Status {
      ran = true;
      AICR_RETURN_IF_ERROR(Located(pipe.line, budget_.Iteration()));
      if (pipe.is_assign) {
        if (pipe.decl.size() > 1) {
          AICR_RETURN_IF_ERROR(SetVar(pipe, pipe.decl[0], index));
          AICR_RETURN_IF_ERROR(SetVar(pipe, pipe.decl[1], elem));
        } else if (!pipe.decl.empty()) {
          AICR_RETURN_IF_ERROR(SetVar(pipe, pipe.decl[0], elem));
        }
      } else if (!pipe.decl.empty()) {
        vars_[mark - 1].second = elem;
        if (pipe.decl.size() > 1) {
          vars_[mark - 2].second = index;
        }
      }
      Status s = Walk(elem, node.body);
      vars_.resize(mark);
      return s;
    };
    const Value* v = value.get();
    if (v == nullptr) {
      // Nothing to iterate: like an empty collection.
    } else if (const serialize::Sequence* seq = v->if_sequence(); seq != nullptr) {
      for (std::size_t i = 0; i < seq->size(); ++i) {
        AICR_RETURN_IF_ERROR(iterate(Datum::Own(Value(i)), value.Child(&(*seq)[i])));
      }
    } else if (const serialize::Mapping* map = v->if_mapping(); map != nullptr) {
      for (const auto* entry : map->SortedEntries()) {
        AICR_RETURN_IF_ERROR(iterate(Datum::Own(Value(entry->first)), value.Child(&entry->second)));
      }
    } else if (const std::int64_t* n = v->if_int(); n != nullptr) {
      if (pipe.decl.size() > 1) {
        return ErrorAt(pipe.line, pipe.text,
                       "can't use " + ValueString(v) + " to iterate over more than one variable");
      }
      for (std::int64_t i = 0; i < *n; ++i) {
        const Datum d = Datum::Own(Value(i));
        AICR_RETURN_IF_ERROR(iterate(d, d));
      }
    } else {
      return ErrorAt(pipe.line, pipe.text, "range can't iterate over " + ValueString(v));
    }
    if (!ran) {
      AICR_RETURN_IF_ERROR(Walk(dot, node.else_body));
    }
    vars_.resize(outer);
    return OkStatus();
  }

  Status SetVar(const Pipeline& pipe, const std::string& name, const Datum& value) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) {
        it->second = value;
        return OkStatus();
      }
    }
    return ErrorAt(pipe.line, pipe.text, "undefined variable: " + name);
  }

  Result<Datum> LookupVar(const Operand& op) const {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == op.name) {
        return it->second;
      }
    }
    return ErrorAt(op.line, op.text, "undefined variable: " + op.name);
  }

  Result<Datum> EvalPipeline(const Datum& dot, const Pipeline& pipe) {
    Datum value;
    bool has_final = false;
    for (const Command& cmd : pipe.commands) {
      AICR_ASSIGN_OR_RETURN(value, EvalCommand(dot, cmd, has_final ? &value : nullptr));
      // Go digs into an interface value after each stage: a nil becomes "no value".
      value.Unwrap();
      has_final = true;
    }
    for (const std::string& name : pipe.decl) {
      if (pipe.is_assign) {
        AICR_RETURN_IF_ERROR(SetVar(pipe, name, value));
      } else {
        vars_.emplace_back(name, value);
      }
    }
    return value;
  }

  Status NotAFunction(const Command& cmd) const {
    return ErrorAt(cmd.line, cmd.text, "can't give argument to non-function " + cmd.args[0].text);
  }

  Result<Datum> EvalCommand(const Datum& dot, const Command& cmd, const Datum* final) {
    AICR_RETURN_IF_ERROR(Located(cmd.line, budget_.Step()));
    const Operand& first = cmd.args[0];
    const bool has_args = cmd.args.size() > 1 || final != nullptr;
    switch (first.kind) {
      case OperandKind::kField:
        return EvalFields(dot, first, has_args);
      case OperandKind::kChain: {
        AICR_ASSIGN_OR_RETURN(const Datum base, EvalArg(dot, *first.base));
        return EvalFields(base, first, has_args);
      }
      case OperandKind::kFunction:
        return CallFunction(dot, first, &cmd, final);
      case OperandKind::kVariable: {
        AICR_ASSIGN_OR_RETURN(Datum value, LookupVar(first));
        if (first.fields.empty()) {
          if (has_args) {
            return NotAFunction(cmd);
          }
          return value;
        }
        return EvalFields(value, first, has_args);
      }
      case OperandKind::kPipeline:
        if (has_args) {
          return NotAFunction(cmd);
        }
        return EvalPipeline(dot, *first.pipeline);
      case OperandKind::kDot:
        if (has_args) {
          return NotAFunction(cmd);
        }
        return dot;
      case OperandKind::kNil:
        if (has_args) {
          return NotAFunction(cmd);
        }
        return ErrorAt(cmd.line, cmd.text, "nil is not a command");
      case OperandKind::kLiteral:
        if (has_args) {
          return NotAFunction(cmd);
        }
        return Datum::Borrow(&first.literal);
    }
    return ErrorAt(cmd.line, cmd.text, "unknown command");
  }

  // The field chain of `op` from `receiver`. A missing key gives missing and a field
  // of missing is missing (Go's default missingkey); a field of an explicit null value
  // is an error, as in Go.
  Result<Datum> EvalFields(const Datum& receiver, const Operand& op, bool has_args) const {
    Datum cur = receiver;
    for (std::size_t i = 0; i < op.fields.size(); ++i) {
      if (cur.missing()) {
        return Datum();
      }
      const std::string& field = op.fields[i];
      const Value& v = cur.value();
      if (v.is_null()) {
        return ErrorAt(op.line, op.text, "nil pointer evaluating interface {}." + field);
      }
      const serialize::Mapping* map = v.if_mapping();
      if (map == nullptr) {
        return ErrorAt(op.line, op.text,
                       "can't evaluate field " + field + " in type " + GoTypeName(v));
      }
      if (has_args && i + 1 == op.fields.size()) {
        return ErrorAt(op.line, op.text, field + " is not a method but has arguments");
      }
      const Value* found = map->Find(field);
      cur = found == nullptr ? Datum() : cur.Child(found);
    }
    return cur;
  }

  // An argument of a function call.
  Result<Datum> EvalArg(const Datum& dot, const Operand& op) {
    switch (op.kind) {
      case OperandKind::kDot:
        return dot;
      case OperandKind::kNil:
        return Datum();
      case OperandKind::kLiteral:
        return Datum::Borrow(&op.literal);
      case OperandKind::kField:
        return EvalFields(dot, op, false);
      case OperandKind::kVariable: {
        AICR_ASSIGN_OR_RETURN(const Datum value, LookupVar(op));
        return EvalFields(value, op, false);
      }
      case OperandKind::kPipeline:
        return EvalPipeline(dot, *op.pipeline);
      case OperandKind::kFunction:
        return CallFunction(dot, op, nullptr, nullptr);
      case OperandKind::kChain: {
        AICR_ASSIGN_OR_RETURN(const Datum base, EvalArg(dot, *op.base));
        return EvalFields(base, op, false);
      }
    }
    return Datum();
  }

  // Calls the function `fn` with the rest of `cmd` (none when null) and `final`.
  Result<Datum> CallFunction(const Datum& dot, const Operand& fn, const Command* cmd,
                             const Datum* final) {
    const Function& f = *fn.function;
    const int line = cmd != nullptr ? cmd->line : fn.line;
    const std::string& context = cmd != nullptr ? cmd->text : fn.text;
    const std::size_t given = (cmd != nullptr ? cmd->args.size() - 1 : 0) + (final ? 1 : 0);
    if (given < f.min_args || given > f.max_args) {
      const std::string want = f.max_args == kVariadic ? "at least " + std::to_string(f.min_args)
                                                       : std::to_string(f.min_args);
      return ErrorAt(line, context,
                     "wrong number of args for " + fn.name + ": want " + want + " got " +
                         std::to_string(given));
    }
    if (f.impl == nullptr) {
      // and / or: evaluate lazily, return the deciding operand.
      const bool is_or = f.name == "or";
      Datum v;
      for (std::size_t i = 1; i < cmd->args.size(); ++i) {
        AICR_ASSIGN_OR_RETURN(v, EvalArg(dot, cmd->args[i]));
        if (IsTrue(v) == is_or) {
          return v;
        }
      }
      if (final != nullptr) {
        v = *final;
      }
      return v;
    }
    std::vector<Datum> args;
    args.reserve(given);
    if (cmd != nullptr) {
      for (std::size_t i = 1; i < cmd->args.size(); ++i) {
        AICR_ASSIGN_OR_RETURN(Datum a, EvalArg(dot, cmd->args[i]));
        args.push_back(std::move(a));
      }
    }
    if (final != nullptr) {
      args.push_back(*final);
    }
    auto result = f.impl(args, budget_);
    if (!result.ok()) {
      if (f.bare_error) {
        return Error(line, result.status().message());
      }
      return ErrorAt(line, context, result.status().message());
    }
    return result;
  }

  std::string_view name_;
  Budget budget_;
  std::string out_;
  std::vector<std::pair<std::string, Datum>> vars_;
};

}  // namespace

Result<std::string> ExecuteTree(std::string_view name, const Tree& tree,
                                const serialize::Value& dot, const Limits& limits) {
  return Executor(name, limits).Run(tree, dot);
}

}  // namespace aicr::gotemplate::internal
