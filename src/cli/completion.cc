#include "cli/completion.h"

#include <algorithm>
#include <utility>

#include "base/strings.h"
#include "base/suggest.h"
#include "cli/help.h"

namespace aicr::cli {
namespace {

/// One visible command with what completes after it.
struct Node {
  std::vector<const CommandSpec*> path;
  std::string key;                       ///< "" for the root, "recipe list" below it
  std::vector<const FlagSpec*> flags;    ///< visible flags in scope, help included
  std::vector<const CommandSpec*> subs;  ///< visible subcommands, sorted by name
};

void Collect(std::vector<const CommandSpec*>& path, std::vector<Node>& out) {
  Node node;
  node.path = path;
  for (std::size_t i = 1; i < path.size(); ++i) {
    node.key += (i == 1 ? "" : " ") + path[i]->name;
  }
  for (const FlagSpec* flag : FlagsInScope(path)) {
    if (!flag->hidden) {
      node.flags.push_back(flag);
    }
  }
  node.flags.push_back(&HelpFlag());
  for (const CommandSpec& sub : path.back()->subcommands) {
    if (!sub.hidden) {
      node.subs.push_back(&sub);
    }
  }
  std::sort(node.subs.begin(), node.subs.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  out.push_back(node);
  for (const CommandSpec* sub : node.subs) {
    path.push_back(sub);
    Collect(path, out);
    path.pop_back();
  }
}

std::vector<Node> Nodes(const CommandSpec& root) {
  std::vector<Node> out;
  std::vector<const CommandSpec*> path = {&root};
  Collect(path, out);
  return out;
}

/// POSIX single-quoted word.
std::string ShQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

/// fish single-quoted word.
std::string FishQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

/// Text inside a zsh _arguments `[...]` description or a _describe entry.
std::string ZshDesc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == '\\' || c == ':') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string FuncSuffix(const std::string& key) {
  std::string out;
  for (char c : key) {
    out += (c == ' ' || c == '-') ? '_' : c;
  }
  return out;
}

bool TakesValue(const FlagSpec& flag) { return flag.type != FlagType::kBool; }

/// `'key|word'` case pattern.
std::string CaseKey(const std::string& key, const std::string& word) {
  return ShQuote(key + "|" + word);
}

/// Replaces the `FN_` placeholder of a script template with the function prefix.
std::string Subst(std::string_view tmpl, const std::string& fn) {
  std::string out;
  for (std::size_t pos = 0;;) {
    const std::size_t hit = tmpl.find("FN_", pos);
    out += tmpl.substr(pos, hit == std::string_view::npos ? std::string_view::npos : hit - pos);
    if (hit == std::string_view::npos) {
      return out;
    }
    out += fn + "_";
    pos = hit + 3;
  }
}

// ----------------------------------------------------------------------------- bash

std::string Bash(const CommandSpec& root) {
  const std::string prog = root.name;
  const std::string fn = "__" + prog;
  const std::vector<Node> nodes = Nodes(root);
  std::string s;
  s += "# shellcheck shell=bash\n";
  s += "# bash completion for " + prog + "; generated from the " + prog +
       " command table, do not edit.\n";
  s += "# Load it with: source <(" + prog + " completion bash)\n\n";

  // Subcommand lookup (names and aliases).
  s += fn + "_subcommand() {\n  case \"$1|$2\" in\n";
  for (const Node& node : nodes) {
    for (const CommandSpec* sub : node.subs) {
      const std::string target = node.key.empty() ? sub->name : node.key + " " + sub->name;
      std::vector<std::string> pats = {CaseKey(node.key, sub->name)};
      for (const std::string& alias : sub->aliases) {
        pats.push_back(CaseKey(node.key, alias));
      }
      s += "    " + Join(pats, " | ") + ") " + fn + "_r=" + ShQuote(target) + " ;;\n";
    }
  }
  s += "    *) " + fn + "_r='' ;;\n  esac\n}\n\n";

  // Flags that take a value.
  s += fn + "_takes_value() {\n  case \"$1|$2\" in\n";
  for (const Node& node : nodes) {
    std::vector<std::string> pats;
    for (const FlagSpec* flag : node.flags) {
      if (TakesValue(*flag)) {
        for (const std::string& spelling : FlagSpellings(*flag)) {
          pats.push_back(CaseKey(node.key, spelling));
        }
      }
    }
    if (!pats.empty()) {
      s += "    " + Join(pats, " | ") + ") return 0 ;;\n";
    }
  }
  s += "    *) return 1 ;;\n  esac\n}\n\n";

  // Fixed flag values.
  s += fn + "_flag_values() {\n  case \"$1|$2\" in\n";
  for (const Node& node : nodes) {
    for (const FlagSpec* flag : node.flags) {
      if (TakesValue(*flag) && !flag->values.empty()) {
        std::vector<std::string> pats;
        for (const std::string& spelling : FlagSpellings(*flag)) {
          pats.push_back(CaseKey(node.key, spelling));
        }
        s += "    " + Join(pats, " | ") + ") " + fn + "_r=" + ShQuote(Join(flag->values, " ")) +
             " ;;\n";
      }
    }
  }
  s += "    *) return 1 ;;\n  esac\n}\n\n";

  // Positional argument values by index.
  s += fn + "_arg_values() {\n  case \"$1|$2\" in\n";
  for (const Node& node : nodes) {
    const std::vector<ArgSpec>& args = node.path.back()->args;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string pat =
          args[i].variadic ? ShQuote(node.key + "|") + "*" : CaseKey(node.key, std::to_string(i));
      if (args[i].values.empty()) {
        s += "    " + pat + ") return 1 ;;\n";
      } else {
        s += "    " + pat + ") " + fn + "_r=" + ShQuote(Join(args[i].values, " ")) + " ;;\n";
      }
    }
  }
  s += "    *) return 1 ;;\n  esac\n}\n\n";

  // Subcommand names and flag spellings per command.
  s += fn + "_commands() {\n  case \"$1\" in\n";
  for (const Node& node : nodes) {
    if (!node.subs.empty()) {
      std::vector<std::string> names;
      for (const CommandSpec* sub : node.subs) {
        names.push_back(sub->name);
      }
      s += "    " + ShQuote(node.key) + ") " + fn + "_r=" + ShQuote(Join(names, " ")) + " ;;\n";
    }
  }
  s += "    *) return 1 ;;\n  esac\n}\n\n";
  s += fn + "_flags() {\n  case \"$1\" in\n";
  for (const Node& node : nodes) {
    std::vector<std::string> spellings;
    for (const FlagSpec* flag : node.flags) {
      for (const std::string& spelling : FlagSpellings(*flag)) {
        spellings.push_back(spelling);
      }
    }
    s += "    " + ShQuote(node.key) + ") " + fn + "_r=" + ShQuote(Join(spellings, " ")) + " ;;\n";
  }
  s += "    *) " + fn + "_r='' ;;\n  esac\n}\n\n";

  s += "_" + prog +
       Subst(R"X(() {
  local cur path='' nargs=0 i=1 w flag='' dashdash=0 prefix=''
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  while [[ $i -lt $COMP_CWORD ]]; do
    w="${COMP_WORDS[i]}"
    if [[ $dashdash -eq 0 && $w == -- ]]; then
      dashdash=1
    elif [[ $dashdash -eq 0 && $w == -?* ]]; then
      if [[ ${COMP_WORDS[i+1]} == = ]]; then
        # --flag=value, split at '=' by COMP_WORDBREAKS
        if [[ $((i + 1)) -eq $COMP_CWORD ]]; then flag=$w; cur=''; break; fi
        if [[ $((i + 2)) -eq $COMP_CWORD ]]; then flag=$w; break; fi
        i=$((i + 2))
      elif [[ $w != *=* ]] && FN_takes_value "$path" "$w"; then
        if [[ $((i + 1)) -eq $COMP_CWORD ]]; then flag=$w; break; fi
        i=$((i + 1))
      fi
    else
      FN_r=''
      if [[ $dashdash -eq 0 && $nargs -eq 0 ]]; then FN_subcommand "$path" "$w"; fi
      if [[ -n $FN_r ]]; then path=$FN_r; else nargs=$((nargs + 1)); fi
    fi
    i=$((i + 1))
  done
  if [[ -z $flag && $dashdash -eq 0 && $cur == -*=* ]]; then
    flag=${cur%%=*}
    prefix="$flag="
    cur=${cur#*=}
  fi
  if [[ -n $flag ]]; then
    FN_flag_values "$path" "$flag" || return 0
  elif [[ $dashdash -eq 0 && $cur == -* ]]; then
    FN_flags "$path"
  elif [[ $dashdash -eq 0 && $nargs -eq 0 ]] && FN_commands "$path"; then
    :
  else
    FN_arg_values "$path" "$nargs" || return 0
  fi
  mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$FN_r" -- "$cur")
  return 0
}

)X",
             fn);
  s += "complete -o default -F _" + prog + " " + prog + "\n";
  return s;
}

// ----------------------------------------------------------------------------- zsh

std::string ZshFlagSpecs(const std::vector<const FlagSpec*>& flags) {
  std::string s;
  for (const FlagSpec* flag : flags) {
    std::vector<std::string> forms;
    for (const std::string& spelling : FlagSpellings(*flag)) {
      std::string form = spelling;
      if (TakesValue(*flag)) {
        form += spelling.size() > 2 ? "=" : "+";
      }
      forms.push_back(form);
    }
    std::string spec;
    const bool repeatable = flag->type == FlagType::kStringList;
    if (flag == &HelpFlag() || flag->name == "version") {
      spec += "'(- : *)'";
    } else if (repeatable) {
      spec += "'*'";
    } else if (forms.size() > 1) {
      std::vector<std::string> names = FlagSpellings(*flag);
      spec += "'(" + Join(names, " ") + ")'";
    }
    if (forms.size() > 1) {
      spec += "{" + Join(forms, ",") + "}";
    } else {
      spec += forms[0];
    }
    std::string rest = "[" + ZshDesc(flag->usage + FlagUsageSuffix(*flag)) + "]";
    if (TakesValue(*flag)) {
      const std::string message =
          flag->value_name.empty() ? std::string(FlagTypeName(flag->type)) : flag->value_name;
      rest += ":" + ZshDesc(message) + ":";
      if (!flag->values.empty()) {
        rest += "(" + Join(flag->values, " ") + ")";
      } else if (flag->type == FlagType::kString || flag->type == FlagType::kStringList) {
        rest += "_default";
      } else {
        rest += " ";
      }
    }
    s += "    " + spec + ShQuote(rest) + " \\\n";
  }
  return s;
}

std::string Zsh(const CommandSpec& root) {
  const std::string prog = root.name;
  const std::vector<Node> nodes = Nodes(root);
  std::string s;
  s += "#compdef " + prog + "\n";
  s += "# zsh completion for " + prog + "; generated from the " + prog +
       " command table, do not edit.\n";
  s += "# Load it with: source <(" + prog + " completion zsh)  (after compinit),\n";
  s += "# or save it as _" + prog + " in a directory on $fpath.\n\n";
  for (const Node& node : nodes) {
    const std::string func = "_" + prog + (node.key.empty() ? "" : "_" + FuncSuffix(node.key));
    s += func + "() {\n";
    if (!node.subs.empty()) {
      s += "  local curcontext=\"$curcontext\" state state_descr line\n";
      s += "  typeset -A opt_args\n";
      s += "  local -i ret=1\n";
      s += "  _arguments -C -s -S \\\n";
    } else {
      s += "  _arguments -s -S \\\n";
    }
    s += ZshFlagSpecs(node.flags);
    const CommandSpec& cmd = *node.path.back();
    if (!node.subs.empty()) {
      s += "    '1: :->command' \\\n    '*:: :->arg' && ret=0\n";
      s += "  case $state in\n    command)\n      local -a commands\n      commands=(\n";
      for (const CommandSpec* sub : node.subs) {
        s += "        " + ShQuote(ZshDesc(sub->name) + ":" + ZshDesc(sub->summary)) + "\n";
      }
      s += "      )\n      _describe -t commands " + ShQuote(prog + " command") +
           " commands && ret=0\n      ;;\n    arg)\n      case $words[1] in\n";
      for (const CommandSpec* sub : node.subs) {
        std::vector<std::string> names = {sub->name};
        names.insert(names.end(), sub->aliases.begin(), sub->aliases.end());
        const std::string key = node.key.empty() ? sub->name : node.key + " " + sub->name;
        s +=
            "        " + Join(names, "|") + ") _" + prog + "_" + FuncSuffix(key) + " && ret=0 ;;\n";
      }
      s += "      esac\n      ;;\n  esac\n  return ret\n}\n\n";
      continue;
    }
    for (std::size_t i = 0; i < cmd.args.size(); ++i) {
      const ArgSpec& arg = cmd.args[i];
      std::string head = arg.variadic ? "*" : std::to_string(i + 1);
      head += arg.required || arg.variadic ? ":" : "::";
      const std::string action =
          arg.values.empty() ? "_default" : "(" + Join(arg.values, " ") + ")";
      s += "    " + ShQuote(head + ZshDesc(arg.name) + ":" + action) + " \\\n";
    }
    // Drop the last line continuation.
    s.resize(s.size() - 3);
    s += "\n}\n\n";
  }
  s += "if [[ \"${funcstack[1]}\" == _" + prog + " ]]; then\n  _" + prog +
       " \"$@\"\nelse\n  compdef _" + prog + " " + prog + "\nfi\n";
  return s;
}

// ----------------------------------------------------------------------------- fish

std::string Fish(const CommandSpec& root) {
  const std::string prog = root.name;
  const std::string fn = "__" + prog;
  const std::vector<Node> nodes = Nodes(root);
  std::string s;
  s += "# fish completion for " + prog + "; generated from the " + prog +
       " command table, do not edit.\n";
  s += "# Load it with: " + prog + " completion fish | source\n\n";

  s += "function " + fn + "_subcommand --argument-names cmd_path word\n";
  s += "    switch \"$cmd_path|$word\"\n";
  for (const Node& node : nodes) {
    for (const CommandSpec* sub : node.subs) {
      const std::string target = node.key.empty() ? sub->name : node.key + " " + sub->name;
      std::vector<std::string> pats = {FishQuote(node.key + "|" + sub->name)};
      for (const std::string& alias : sub->aliases) {
        pats.push_back(FishQuote(node.key + "|" + alias));
      }
      s += "        case " + Join(pats, " ") + "\n            echo " + FishQuote(target) + "\n";
    }
  }
  s += "    end\nend\n\n";

  s += "function " + fn + "_takes_value --argument-names cmd_path flag\n";
  s += "    switch \"$cmd_path|$flag\"\n";
  for (const Node& node : nodes) {
    std::vector<std::string> pats;
    for (const FlagSpec* flag : node.flags) {
      if (TakesValue(*flag)) {
        for (const std::string& spelling : FlagSpellings(*flag)) {
          pats.push_back(FishQuote(node.key + "|" + spelling));
        }
      }
    }
    if (!pats.empty()) {
      s += "        case " + Join(pats, " ") + "\n            return 0\n";
    }
  }
  s += "    end\n    return 1\nend\n\n";

  s += "# Sets " + fn + "_path (the command being completed) and " + fn +
       "_nargs (positional\n# arguments typed after it) from the command line.\n";
  s += "function " + fn + "_state\n";
  s += Subst(R"X(    set -g FN_path ''
    set -g FN_nargs 0
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    set -l dashdash 0
    for w in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        if test $dashdash -eq 0
            if test "$w" = --
                set dashdash 1
                continue
            end
            if string match -q -- '-?*' "$w"
                if not string match -q -- '*=*' "$w"; and FN_takes_value "$FN_path" "$w"
                    set skip 1
                end
                continue
            end
            if test $FN_nargs -eq 0
                set -l sub (FN_subcommand "$FN_path" "$w")
                if test -n "$sub"
                    set FN_path $sub
                    continue
                end
            end
        end
        set FN_nargs (math $FN_nargs + 1)
    end
end

function FN_at --argument-names cmd_path
    FN_state
    test "$FN_path" = "$cmd_path"
end

function FN_at_arg --argument-names cmd_path index
    FN_state
    test "$FN_path" = "$cmd_path"; and test $FN_nargs -eq $index
end

function FN_at_args_from --argument-names cmd_path index
    FN_state
    test "$FN_path" = "$cmd_path"; and test $FN_nargs -ge $index
end

)X",
             fn);
  s += "complete -c " + prog + " -e\ncomplete -c " + prog + " -f\n";
  for (const Node& node : nodes) {
    const std::string at = FishQuote(fn + "_at " + ShQuote(node.key));
    s += "\n# " + (node.key.empty() ? prog : prog + " " + node.key) + "\n";
    for (const CommandSpec* sub : node.subs) {
      s += "complete -c " + prog + " -n " + at + " -a " + FishQuote(sub->name) + " -d " +
           FishQuote(sub->summary) + "\n";
    }
    for (const FlagSpec* flag : node.flags) {
      std::string line = "complete -c " + prog + " -n " + at;
      line += " -l " + flag->name;
      for (const std::string& alias : flag->aliases) {
        line += " -l " + alias;
      }
      for (char c : flag->shorts) {
        line += std::string(" -s ") + c;
      }
      if (TakesValue(*flag)) {
        if (!flag->values.empty()) {
          // Values on their own line (no description), then the flag with its usage.
          s += line + " -x -a " + FishQuote(Join(flag->values, " ")) + "\n";
          line += " -x";
        } else if (flag->type == FlagType::kString || flag->type == FlagType::kStringList) {
          line += " -r -F";
        } else {
          line += " -x";
        }
      }
      line += " -d " + FishQuote(flag->usage + FlagUsageSuffix(*flag));
      s += line + "\n";
    }
    const std::vector<ArgSpec>& args = node.path.back()->args;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string cond = fn + (args[i].variadic ? "_at_args_from " : "_at_arg ") +
                               ShQuote(node.key) + " " + std::to_string(i);
      std::string line = "complete -c " + prog + " -n " + FishQuote(cond);
      if (args[i].values.empty()) {
        line += " -F";
      } else {
        line += " -x -a " + FishQuote(Join(args[i].values, " "));
      }
      if (!args[i].usage.empty()) {
        line += " -d " + FishQuote(args[i].usage);
      }
      s += line + "\n";
    }
  }
  return s;
}

}  // namespace

const std::vector<std::string>& CompletionShells() {
  static const std::vector<std::string>* const kShells =
      new std::vector<std::string>{"bash", "fish", "zsh"};
  return *kShells;
}

std::string BashCompletion(const CommandSpec& root) { return Bash(root); }
std::string ZshCompletion(const CommandSpec& root) { return Zsh(root); }
std::string FishCompletion(const CommandSpec& root) { return Fish(root); }

Result<std::string> CompletionScript(const CommandSpec& root, std::string_view shell) {
  if (shell == "bash") {
    return Bash(root);
  }
  if (shell == "zsh") {
    return Zsh(root);
  }
  if (shell == "fish") {
    return Fish(root);
  }
  std::string msg = "unsupported shell \"" + std::string(shell) +
                    "\" (valid values: " + Join(CompletionShells(), ", ") + ")";
  const std::string match = ClosestMatch(shell, CompletionShells());
  if (!match.empty()) {
    msg += "; did you mean \"" + match + "\"?";
  }
  return InvalidRequestError(msg);
}

}  // namespace aicr::cli
