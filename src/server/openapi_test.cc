// openapi.yaml describes exactly the routes of the route table, method for method.

#include "server/openapi.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "gtest/gtest.h"
#include "serialize/yaml_reader.h"
#include "server/app.h"
#include "server/test_server_for_test.h"

namespace aicr::server {
namespace {

TEST(OpenApiTest, DescribesExactlyTheRouteTable) {
  Result<serialize::Value> doc = serialize::ParseYaml(OpenApiYaml());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(Str(*doc, "openapi"), "3.1.0");
  const serialize::Value* paths = doc->Find("paths");
  ASSERT_NE(paths, nullptr);
  ASSERT_TRUE(paths->is_mapping());

  App app(TestConfig());
  std::set<std::string> described;
  for (const auto& [path, item] : *paths->if_mapping()) {
    described.insert(path);
    const Route* route = app.router().Find(path);
    ASSERT_NE(route, nullptr) << "openapi.yaml describes " << path << ", which is not served";
    std::set<std::string> want;
    for (std::string m : route->methods) {
      std::transform(m.begin(), m.end(), m.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      want.insert(m);
    }
    std::set<std::string> got;
    for (const auto& [key, op] : *item.if_mapping()) {
      got.insert(key);
      EXPECT_NE(op.Find("responses"), nullptr) << path << " " << key;
    }
    EXPECT_EQ(got, want) << path;
  }
  const std::vector<std::string> served = app.router().Paths();
  EXPECT_EQ(std::vector<std::string>(described.begin(), described.end()), served);
}

TEST(OpenApiTest, EveryReferenceResolves) {
  Result<serialize::Value> doc = serialize::ParseYaml(OpenApiYaml());
  ASSERT_TRUE(doc.ok());
  std::vector<const serialize::Value*> stack = {&*doc};
  int refs = 0;
  while (!stack.empty()) {
    const serialize::Value* v = stack.back();
    stack.pop_back();
    if (const serialize::Mapping* m = v->if_mapping()) {
      for (const auto& [key, child] : *m) {
        if (key == "$ref" && child.is_string()) {
          const std::string& ref = *child.if_string();
          ASSERT_EQ(ref.rfind("#/", 0), 0U) << ref;
          std::string path = ref.substr(2);
          std::replace(path.begin(), path.end(), '/', '.');
          EXPECT_NE(doc->FindPath(path), nullptr) << ref;
          ++refs;
        }
        stack.push_back(&child);
      }
    } else if (const serialize::Sequence* s = v->if_sequence()) {
      for (const serialize::Value& child : *s) {
        stack.push_back(&child);
      }
    }
  }
  EXPECT_GT(refs, 10);
}

}  // namespace
}  // namespace aicr::server
