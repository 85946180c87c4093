// aicr_embed_tool INPUT_DIR OUTPUT_CC
//
// Writes the translation unit that embeds every non-hidden file under INPUT_DIR
// (see embed_encode.h), with the pre-parsed JSON of its single-document YAML files.
// A YAML file that does not parse fails the tool (and so the build), naming the file
// and the parse error. A missing INPUT_DIR gives an empty table. OUTPUT_CC is
// replaced atomically and left untouched when its content would not change, so an
// unchanged catalogue does not recompile anything.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "catalog/embed_encode.h"

namespace {

namespace fs = std::filesystem;

bool SameContent(const fs::path& path, const std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str() == text;
}

int Run(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: aicr_embed_tool INPUT_DIR OUTPUT_CC\n";
    return 2;
  }
  const fs::path input = argv[1];
  const fs::path output = argv[2];

  std::vector<aicr::catalog::embed::InputFile> files;
  std::string error;
  if (!aicr::catalog::embed::CollectFiles(input, &files, &error)) {
    std::cerr << "aicr_embed_tool: " << error << "\n";
    return 1;
  }
  std::vector<std::string> notes;
  if (!aicr::catalog::embed::PrepareJson(&files, &error, &notes)) {
    std::cerr << "aicr_embed_tool: " << (input / "").string() << error << "\n";
    return 1;
  }
  for (const std::string& note : notes) {
    std::cerr << "aicr_embed_tool: note: " << (input / "").string() << note << "\n";
  }
  const std::string text = aicr::catalog::embed::GenerateSource(std::move(files));
  if (SameContent(output, text)) {
    return 0;
  }

  const fs::path temp = output.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::cerr << "aicr_embed_tool: cannot write " << temp.string() << "\n";
      return 1;
    }
  }
  std::error_code ec;
  fs::rename(temp, output, ec);
  if (ec) {
    std::cerr << "aicr_embed_tool: cannot rename " << temp.string() << ": " << ec.message() << "\n";
    fs::remove(temp, ec);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
