#pragma once

/// \file
/// The parse tree of a template.

#include <memory>
#include <string>
#include <vector>

#include "serialize/value.h"

namespace aicr::gotemplate::internal {

struct Function;
struct Pipeline;

enum class OperandKind {
  kDot,       // .
  kNil,       // nil
  kLiteral,   // a bool, number, character or string literal (`literal`)
  kField,     // .a.b: `fields` of the dot
  kVariable,  // $x.a.b: `name`, then `fields`
  kFunction,  // a function name (`function`)
  kPipeline,  // ( pipeline )
  kChain,     // (pipeline).a.b or fn.a: `base`, then `fields`
};

/// One word of a command.
struct Operand {
  OperandKind kind = OperandKind::kDot;
  int line = 1;
  /// Source text, for error messages.
  std::string text;
  /// kVariable: `$x` (or `$`); kFunction: the function name.
  std::string name;
  std::vector<std::string> fields;
  serialize::Value literal;
  const Function* function = nullptr;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<Operand> base;
};

/// A function call or a value: the operands between pipes.
struct Command {
  int line = 1;
  std::string text;
  std::vector<Operand> args;
};

/// `$x := a | b c`.
struct Pipeline {
  int line = 1;
  std::string text;
  /// `=` rather than `:=`.
  bool is_assign = false;
  /// Declared or assigned variables (two only in range).
  std::vector<std::string> decl;
  std::vector<Command> commands;
};

enum class NodeKind { kText, kAction, kIf, kWith, kRange };

struct Node {
  NodeKind kind = NodeKind::kText;
  int line = 1;
  /// kText.
  std::string text;
  /// Every kind but kText.
  std::unique_ptr<Pipeline> pipeline;
  std::vector<Node> body;
  std::vector<Node> else_body;
};

struct Tree {
  std::vector<Node> root;
};

}  // namespace aicr::gotemplate::internal
