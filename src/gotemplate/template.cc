#include "gotemplate/template.h"

#include <utility>

#include "base/status_macros.h"
#include "gotemplate/ast.h"
#include "gotemplate/exec.h"
#include "gotemplate/parser.h"

namespace aicr::gotemplate {

Template::Template(std::string name, std::shared_ptr<const internal::Tree> tree,
                   const Limits& limits)
    : name_(std::move(name)), tree_(std::move(tree)), limits_(limits) {}

Result<Template> Template::Parse(std::string name, std::string_view text, const Limits& limits) {
  AICR_ASSIGN_OR_RETURN(internal::Tree tree, internal::ParseTree(name, text, limits));
  return Template(std::move(name), std::make_shared<const internal::Tree>(std::move(tree)), limits);
}

Result<std::string> Template::Execute(const serialize::Value& dot) const {
  return internal::ExecuteTree(name_, *tree_, dot, limits_);
}

Result<std::string> Render(std::string name, std::string_view text, const serialize::Value& dot) {
  AICR_ASSIGN_OR_RETURN(const Template t, Template::Parse(std::move(name), text));
  return t.Execute(dot);
}

}  // namespace aicr::gotemplate
