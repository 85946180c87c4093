#include "mirror/images.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "serialize/yaml_reader.h"
#include "tests/testing/status_matchers.h"

namespace aicr::mirror {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(CollectImagesTest, EveryContainerKindAndCustomFields) {
  auto doc = serialize::ParseYaml(R"(
kind: Deployment
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox:1.36
      containers:
        - name: app
          image: " registry.example.com/app:v1 "
        - name: sidecar
          image: registry.example.com/sidecar@sha256:abc
      ephemeralContainers:
        - name: debug
          image: debug:latest
  driver:
    image: nvcr.io/nvidia/driver
    repository: nvcr.io/nvidia
  notAnImage:
    image:
      repository: x
      tag: y
  empty:
    image: ""
  templated:
    image: "{{ .Values.image }}"
  spaced:
    image: "two words"
)");
  ASSERT_THAT(doc, IsOk());
  std::vector<std::string> images;
  CollectImages(*doc, &images);
  EXPECT_THAT(images, ElementsAre("busybox:1.36", "registry.example.com/app:v1",
                                  "registry.example.com/sidecar@sha256:abc", "debug:latest",
                                  "nvcr.io/nvidia/driver"));
}

TEST(CollectImagesTest, JoinsOperatorStyleReferences) {
  auto doc = serialize::ParseYaml(R"(
kind: ClusterPolicy
spec:
  driver:
    repository: nvcr.io/nvidia/
    image: driver
    version: "570.86.15"
  toolkit:
    repository: nvcr.io/nvidia/k8s
    image: container-toolkit
    version: sha256:0123
  validator:
    repository: nvcr.io/nvidia
    image: ghcr.io/other/validator:v1
    version: "9"
  packages:
    tuned:
      image: ghcr.io/nvidia/nodewright-packages/nvidia-tuned
      version: 0.3.2
    plain:
      image: registry.example.com:5000/plain
      version: 7
    pinned:
      image: example.com/pinned@sha256:abcd
      version: "1.0"
)");
  ASSERT_THAT(doc, IsOk());
  std::vector<std::string> images;
  CollectImages(*doc, &images);
  EXPECT_THAT(
      images,
      ElementsAre("nvcr.io/nvidia/driver:570.86.15",
                  "nvcr.io/nvidia/k8s/container-toolkit@sha256:0123", "ghcr.io/other/validator:v1",
                  "ghcr.io/nvidia/nodewright-packages/nvidia-tuned:0.3.2",
                  "registry.example.com:5000/plain:7", "example.com/pinned@sha256:abcd"));
}

TEST(ExtractImagesFromYamlTest, HelmStreamKeepsGoodDocumentsAndWarnsOnBadOnes) {
  const std::string stream =
      "---\n# Source: web/templates/a.yaml\nkind: Pod\nspec:\n  containers:\n"
      "    - image: a:1\n"
      "---\n# Source: web/templates/bad.yaml\nkind: [unclosed\n"
      "--- \nkind: Pod\nspec:\n  containers:\n    - image: b:2\n---\n\n";
  std::vector<std::string> images;
  std::vector<std::string> warnings;
  ExtractImagesFromYaml(stream, "rendered chart", &images, &warnings);
  EXPECT_THAT(images, ElementsAre("a:1", "b:2"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("rendered chart: document 3: yaml:"));
}

TEST(ExtractImagesFromYamlTest, EmptyStream) {
  std::vector<std::string> images;
  std::vector<std::string> warnings;
  ExtractImagesFromYaml("", "x", &images, &warnings);
  EXPECT_THAT(images, IsEmpty());
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(SortUniqueTest, SortsAndDeduplicates) {
  std::vector<std::string> items = {"b", "a", "b", "c", "a"};
  SortUnique(&items);
  EXPECT_THAT(items, ElementsAre("a", "b", "c"));
}

}  // namespace
}  // namespace aicr::mirror
