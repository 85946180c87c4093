#pragma once

/// \file
/// Turns systemd unit properties, as carried in a D-Bus
/// `org.freedesktop.DBus.Properties.GetAll` reply (`a{sv}`), into readings.
///
/// A property whose variant holds a basic type becomes a typed reading:
///   - `y` `n` `q` `i` `u` `x` `t` `h` (integers, unix fd) -> int; a `t` above the
///     int64 range (systemd's `infinity` is 2^64-1) -> string of its decimal digits,
///     because snapshot documents carry integers as int64 and a reading must read
///     back as it was written
///   - `b` -> bool, `d` -> float
///   - `s` `o` `g` (string, object path, signature) -> string
///
/// Any other value (array, struct, dictionary, nested variant) becomes a string
/// in Go `%v` style, built recursively:
///   - an array or struct is `[` + its elements joined by one space + `]`
///     (`as` ["a","b"] -> `[a b]`, `ay` {1,2} -> `[1 2]`, `a(sb)` -> `[[/x true] [/y false]]`,
///     an empty array -> `[]`);
///   - a dictionary (`a{..}`) is `map[` + `key:value` entries joined by one space + `]`,
///     in the order the message carries them;
///   - a variant is the text of its content;
///   - nested scalars: integers in decimal, bools `true`/`false`, floats in Go `%v`
///     form (measurement::FormatGoFloat), strings verbatim (no quoting).

#include <map>
#include <string>

#include "base/result.h"
#include "measurement/snapshot.h"

struct sd_bus_message;

namespace aicr::collector::systemd {

/// Reads a whole `a{sv}` GetAll reply body from `reply` (positioned at its start)
/// into key -> reading. A key carried twice keeps its first value. INTERNAL when
/// the body is not `a{sv}` or cannot be read.
Result<std::map<std::string, measurement::Reading>> ReadProperties(sd_bus_message* reply);

}  // namespace aicr::collector::systemd
