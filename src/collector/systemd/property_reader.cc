#include "collector/systemd/property_reader.h"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/status_macros.h"
#include "base/strings.h"

namespace aicr::collector::systemd {
namespace {

using measurement::Reading;

/// D-Bus allows 32 levels of arrays plus 32 of structs; anything deeper is malformed.
constexpr int kMaxDepth = 64;

Status ReadError(std::string_view what, int r) {
  return InternalError("cannot read " + std::string(what) + ": " + ErrnoText(-r));
}

bool IsBasicType(char type) {
  return std::string_view("ybnqiuxthdsog").find(type) != std::string_view::npos;
}

template <typename T>
Result<T> ReadAs(sd_bus_message* m, char type) {
  T value{};
  const int r = sd_bus_message_read_basic(m, type, &value);
  if (r <= 0) {
    return ReadError(std::string("value of type ") + type, r == 0 ? -EBADMSG : r);
  }
  return value;
}

/// The basic value of `type` at the current position as a typed reading.
Result<Reading> ReadBasic(sd_bus_message* m, char type) {
  switch (type) {
    case 'y': {
      AICR_ASSIGN_OR_RETURN(std::uint8_t v, ReadAs<std::uint8_t>(m, type));
      return Reading::Int(v);
    }
    case 'b': {
      AICR_ASSIGN_OR_RETURN(int v, ReadAs<int>(m, type));
      return Reading::Bool(v != 0);
    }
    case 'n': {
      AICR_ASSIGN_OR_RETURN(std::int16_t v, ReadAs<std::int16_t>(m, type));
      return Reading::Int(v);
    }
    case 'q': {
      AICR_ASSIGN_OR_RETURN(std::uint16_t v, ReadAs<std::uint16_t>(m, type));
      return Reading::Int(v);
    }
    case 'i':
    case 'h': {
      AICR_ASSIGN_OR_RETURN(std::int32_t v, ReadAs<std::int32_t>(m, type));
      return Reading::Int(v);
    }
    case 'u': {
      AICR_ASSIGN_OR_RETURN(std::uint32_t v, ReadAs<std::uint32_t>(m, type));
      return Reading::Int(v);
    }
    case 'x': {
      AICR_ASSIGN_OR_RETURN(std::int64_t v, ReadAs<std::int64_t>(m, type));
      return Reading::Int(v);
    }
    case 't': {
      AICR_ASSIGN_OR_RETURN(std::uint64_t v, ReadAs<std::uint64_t>(m, type));
      if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Reading::Str(std::to_string(v));
      }
      return Reading::Int(static_cast<std::int64_t>(v));
    }
    case 'd': {
      AICR_ASSIGN_OR_RETURN(double v, ReadAs<double>(m, type));
      return Reading::Float(v);
    }
    case 's':
    case 'o':
    case 'g': {
      AICR_ASSIGN_OR_RETURN(const char* v, ReadAs<const char*>(m, type));
      return Reading::Str(v == nullptr ? "" : v);
    }
    default:
      return InternalError(std::string("unsupported basic type ") + type);
  }
}

Result<std::string> ReadText(sd_bus_message* m, char type, const char* contents, int depth);

/// The texts of the remaining values of the container `m` is in, in order.
Result<std::vector<std::string>> ReadElementTexts(sd_bus_message* m, int depth) {
  std::vector<std::string> texts;
  while (true) {
    char type = 0;
    const char* contents = nullptr;
    const int r = sd_bus_message_peek_type(m, &type, &contents);
    if (r < 0) {
      return ReadError("container element", r);
    }
    if (r == 0) {
      return texts;
    }
    AICR_ASSIGN_OR_RETURN(std::string text, ReadText(m, type, contents, depth + 1));
    texts.push_back(std::move(text));
  }
}

/// The Go `%v`-style text of the complete value at the current position (see the
/// header); `type` and `contents` come from sd_bus_message_peek_type.
Result<std::string> ReadText(sd_bus_message* m, char type, const char* contents, int depth) {
  if (depth > kMaxDepth) {
    return InternalError("value nested too deeply");
  }
  if (IsBasicType(type)) {
    AICR_ASSIGN_OR_RETURN(Reading reading, ReadBasic(m, type));
    return reading.String();
  }
  int r = sd_bus_message_enter_container(m, type, contents);
  if (r <= 0) {
    return ReadError(std::string("container of type ") + type, r == 0 ? -EBADMSG : r);
  }
  AICR_ASSIGN_OR_RETURN(std::vector<std::string> elements, ReadElementTexts(m, depth));
  r = sd_bus_message_exit_container(m);
  if (r < 0) {
    return ReadError(std::string("end of container of type ") + type, r);
  }
  switch (type) {
    case 'v':
      return elements.empty() ? std::string() : elements.front();
    case 'e':
      return Join(elements, ":");
    case 'a':
      if (contents != nullptr && contents[0] == '{') {
        return "map[" + Join(elements, " ") + "]";
      }
      return "[" + Join(elements, " ") + "]";
    default:  // 'r' (struct)
      return "[" + Join(elements, " ") + "]";
  }
}

/// The reading for the content of the variant `m` is positioned in.
Result<Reading> ReadVariantContent(sd_bus_message* m) {
  char type = 0;
  const char* contents = nullptr;
  const int r = sd_bus_message_peek_type(m, &type, &contents);
  if (r <= 0) {
    return ReadError("property value", r == 0 ? -EBADMSG : r);
  }
  if (IsBasicType(type)) {
    return ReadBasic(m, type);
  }
  AICR_ASSIGN_OR_RETURN(std::string text, ReadText(m, type, contents, 1));
  return Reading::Str(std::move(text));
}

}  // namespace

Result<std::map<std::string, Reading>> ReadProperties(sd_bus_message* reply) {
  std::map<std::string, Reading> readings;
  int r = sd_bus_message_enter_container(reply, 'a', "{sv}");
  if (r <= 0) {
    return ReadError("properties (a{sv})", r == 0 ? -EBADMSG : r);
  }
  while (true) {
    r = sd_bus_message_enter_container(reply, 'e', "sv");
    if (r < 0) {
      return ReadError("property entry", r);
    }
    if (r == 0) {
      break;
    }
    const char* key = nullptr;
    r = sd_bus_message_read_basic(reply, 's', &key);
    if (r <= 0) {
      return ReadError("property name", r == 0 ? -EBADMSG : r);
    }
    std::string name = key == nullptr ? "" : key;
    char type = 0;
    const char* contents = nullptr;
    r = sd_bus_message_peek_type(reply, &type, &contents);
    if (r <= 0 || type != 'v') {
      return ReadError("value of property \"" + name + "\"", r < 0 ? r : -EBADMSG);
    }
    r = sd_bus_message_enter_container(reply, 'v', contents);
    if (r <= 0) {
      return ReadError("value of property \"" + name + "\"", r == 0 ? -EBADMSG : r);
    }
    Result<Reading> reading = ReadVariantContent(reply);
    if (!reading.ok()) {
      return InternalError("property \"" + name + "\": " + reading.status().message());
    }
    readings.emplace(std::move(name), std::move(reading).value());
    for (const char* what : {"end of property value", "end of property entry"}) {
      r = sd_bus_message_exit_container(reply);
      if (r < 0) {
        return ReadError(what, r);
      }
    }
  }
  r = sd_bus_message_exit_container(reply);
  if (r < 0) {
    return ReadError("end of properties", r);
  }
  return readings;
}

}  // namespace aicr::collector::systemd
