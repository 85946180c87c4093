#include "serialize/value.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "tests/testing/status_matchers.h"

namespace aicr::serialize {
namespace {

TEST(ValueTest, TypesAndAccessors) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_TRUE(Value(nullptr).is_null());
  EXPECT_EQ(Value(true).type(), ValueType::kBool);
  EXPECT_EQ(Value(7).type(), ValueType::kInt);
  EXPECT_EQ(Value(std::int64_t{7}).type(), ValueType::kInt);
  EXPECT_EQ(Value(7u).type(), ValueType::kInt);
  EXPECT_EQ(Value(1.0).type(), ValueType::kFloat);
  EXPECT_EQ(Value("s").type(), ValueType::kString);
  EXPECT_EQ(Value(std::string_view("s")).type(), ValueType::kString);
  EXPECT_EQ(Value::EmptySequence().type(), ValueType::kSequence);
  EXPECT_EQ(Value::EmptyMapping().type(), ValueType::kMapping);
  EXPECT_TRUE(Value(1).is_scalar());
  EXPECT_FALSE(Value::EmptyMapping().is_scalar());

  EXPECT_EQ(*Value(7).if_int(), 7);
  EXPECT_EQ(Value(7).if_float(), nullptr);
  EXPECT_EQ(*Value("x").if_string(), "x");
  EXPECT_THAT(Value(true).AsBool(), IsOkAndHolds(true));
  EXPECT_THAT(Value(3).AsInt(), IsOkAndHolds(3));
  EXPECT_THAT(Value(3).AsFloat(), IsOkAndHolds(3.0));
  EXPECT_THAT(Value(2.5).AsFloat(), IsOkAndHolds(2.5));
  EXPECT_THAT(Value("s").AsString(), IsOkAndHolds(std::string("s")));
  EXPECT_THAT(Value(1.0).AsInt(), StatusIs(ErrorCode::kInvalidRequest, "expected int, got float"));
  EXPECT_THAT(Value("1").AsInt(), StatusIs(ErrorCode::kInvalidRequest, "expected int, got string"));
  EXPECT_THAT(Value().AsString(),
              StatusIs(ErrorCode::kInvalidRequest, "expected string, got null"));
  EXPECT_THAT(Value::EmptySequence().AsBool(),
              StatusIs(ErrorCode::kInvalidRequest, "expected bool, got sequence"));
  EXPECT_THAT(Value::EmptyMapping().AsFloat(),
              StatusIs(ErrorCode::kInvalidRequest, "expected float, got mapping"));
}

TEST(ValueTest, TypeNames) {
  EXPECT_EQ(ValueTypeName(ValueType::kNull), "null");
  EXPECT_EQ(ValueTypeName(ValueType::kBool), "bool");
  EXPECT_EQ(ValueTypeName(ValueType::kInt), "int");
  EXPECT_EQ(ValueTypeName(ValueType::kFloat), "float");
  EXPECT_EQ(ValueTypeName(ValueType::kString), "string");
  EXPECT_EQ(ValueTypeName(ValueType::kSequence), "sequence");
  EXPECT_EQ(ValueTypeName(ValueType::kMapping), "mapping");
}

TEST(MappingTest, InsertRejectsDuplicatesAndKeepsOrder) {
  Mapping m;
  EXPECT_THAT(m.Insert("b", Value(1)), IsOk());
  EXPECT_THAT(m.Insert("a", Value(2)), IsOk());
  EXPECT_THAT(m.Insert("b", Value(3)), StatusIs(ErrorCode::kInvalidRequest, "duplicate key \"b\""));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.entries()[0].first, "b");
  EXPECT_EQ(m.entries()[1].first, "a");
  EXPECT_EQ(*m.Find("b"), Value(1));
  EXPECT_EQ(m.Find("zz"), nullptr);
  auto sorted = m.SortedEntries();
  EXPECT_EQ(sorted[0]->first, "a");
  EXPECT_EQ(sorted[1]->first, "b");
}

TEST(MappingTest, SetReplacesInPlaceAndEraseRemoves) {
  Mapping m;
  m.Set("x", Value(1));
  m.Set("y", Value(2));
  m.Set("x", Value(3));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.entries()[0].first, "x");
  EXPECT_EQ(m.entries()[0].second, Value(3));
  EXPECT_TRUE(m.Erase("x"));
  EXPECT_FALSE(m.Erase("x"));
  EXPECT_EQ(m.size(), 1u);
  m.value_at(0) = Value("z");
  EXPECT_EQ(*m.Find("y"), Value("z"));
}

TEST(MappingTest, LargeMappingsUseAnIndexConsistently) {
  Mapping m;
  for (int i = 0; i < 100; ++i) {
    ASSERT_THAT(m.Insert("k" + std::to_string(i), Value(i)), IsOk());
  }
  EXPECT_THAT(m.Insert("k42", Value(0)),
              StatusIs(ErrorCode::kInvalidRequest, "duplicate key \"k42\""));
  EXPECT_EQ(*m.Find("k99"), Value(99));
  EXPECT_TRUE(m.Erase("k0"));
  EXPECT_EQ(m.Find("k0"), nullptr);
  EXPECT_EQ(*m.Find("k1"), Value(1));
  EXPECT_EQ(m.entries()[0].first, "k1");
  Mapping copy = m;
  EXPECT_EQ(*copy.Find("k50"), Value(50));
  Mapping assigned;
  assigned = copy;
  EXPECT_EQ(assigned, m);
  Mapping moved = std::move(copy);
  EXPECT_EQ(*moved.Find("k77"), Value(77));
}

TEST(ValueTest, BuildersAndLookup) {
  Value doc;
  EXPECT_THAT(doc.Insert("spec", Value()), IsOk());
  Value& containers = doc.Find("spec")->Set("containers", Value());
  containers.Append(Value()).Set("name", Value("gpu"));
  containers.Append(Value("second"));
  EXPECT_THAT(doc.Insert("spec", Value(1)),
              StatusIs(ErrorCode::kInvalidRequest, "duplicate key \"spec\""));
  Value scalar(1);
  EXPECT_THAT(scalar.Insert("k", Value(1)),
              StatusIs(ErrorCode::kInvalidRequest, "expected mapping, got int"));

  ASSERT_NE(doc.FindPath("spec.containers.0.name"), nullptr);
  EXPECT_EQ(*doc.FindPath("spec.containers.0.name"), Value("gpu"));
  EXPECT_EQ(*doc.FindPath("spec.containers.1"), Value("second"));
  EXPECT_EQ(doc.FindPath("spec.containers.2"), nullptr);
  EXPECT_EQ(doc.FindPath("spec.containers.x"), nullptr);
  EXPECT_EQ(doc.FindPath("spec.containers.-1"), nullptr);
  EXPECT_EQ(doc.FindPath("spec.missing"), nullptr);
  EXPECT_EQ(doc.FindPath("spec.containers.0.name.deeper"), nullptr);
  EXPECT_EQ(doc.FindPath(""), &doc);
  EXPECT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc.Find("spec")->Find("containers")->size(), 2u);
  EXPECT_EQ(Value(1).size(), 0u);
  EXPECT_EQ(Value(1).Find("x"), nullptr);
}

TEST(ValueTest, DeepEquality) {
  EXPECT_EQ(Value(1), Value(1));
  EXPECT_NE(Value(1), Value(1.0));
  EXPECT_NE(Value("1"), Value(1));
  EXPECT_NE(Value(), Value(false));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Value(nan), Value(nan));
  EXPECT_NE(Value(0.0), Value(-0.0));
  EXPECT_NE(Value(nan), Value(1.0));

  Value a;
  a.Set("x", Value(1));
  a.Set("y", Value(Sequence{Value(1), Value("two")}));
  Value b;
  b.Set("y", Value(Sequence{Value(1), Value("two")}));
  b.Set("x", Value(1));
  EXPECT_EQ(a, b);  // key order does not matter
  b.Set("x", Value(2));
  EXPECT_NE(a, b);
  Value c = a;
  c.Set("z", Value());
  EXPECT_NE(a, c);
  EXPECT_NE(Value(Sequence{Value(1), Value(2)}), Value(Sequence{Value(2), Value(1)}));
}

TEST(ValueTest, DebugStringAndPrintTo) {
  Value v;
  v.Set("b", Value(Sequence{Value(1), Value(1.0), Value(true), Value()}));
  v.Set("a", Value("q\"uote"));
  v.Set("e", Value::EmptyMapping());
  EXPECT_EQ(v.DebugString(), R"({"b": [1, 1.0, true, null], "a": "q\"uote", "e": {}})");
  std::ostringstream os;
  PrintTo(Value(2.5), &os);
  EXPECT_EQ(os.str(), "2.5");
}

}  // namespace
}  // namespace aicr::serialize

namespace aicr::serialize {
namespace {

TEST(IsTruthyTest, GoTemplateTruth) {
  EXPECT_FALSE(IsTruthy(nullptr));
  for (const Value& v : {Value(), Value(false), Value(0), Value(0.0), Value(""),
                         Value::EmptySequence(), Value::EmptyMapping()}) {
    EXPECT_FALSE(IsTruthy(&v)) << v.DebugString();
  }
  Mapping m;
  m.Set("a", 1);
  for (const Value& v :
       {Value(true), Value(-1), Value(0.5), Value("false"), Value(Sequence{Value()}), Value(m)}) {
    EXPECT_TRUE(IsTruthy(&v)) << v.DebugString();
  }
}

}  // namespace
}  // namespace aicr::serialize
