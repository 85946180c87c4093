// Fuzzes the Kubernetes watch-stream decoder (k8s/watch.h). The first input byte
// picks a split point; the rest is the stream. Feeding it whole and in two chunks
// must decode to the same events and the same outcome, and nothing may crash.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "k8s/watch.h"

namespace {

void Check(bool ok) {
  if (!ok) {
    std::abort();
  }
}

struct Decoded {
  std::vector<aicr::k8s::WatchEvent> events;
  aicr::Status feed;
  aicr::Status finish;
};

Decoded Decode(std::string_view stream, std::size_t split) {
  aicr::k8s::WatchDecoder decoder(4096);  // small, so the line cap is reached
  Decoded d;
  d.feed = decoder.Feed(stream.substr(0, split), &d.events);
  if (d.feed.ok()) {
    d.feed = decoder.Feed(stream.substr(split), &d.events);
  }
  d.finish = decoder.Finish(&d.events);
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = stream.empty() ? 0 : data[0] % (stream.size() + 1);
  const Decoded whole = Decode(stream, stream.size());
  const Decoded parts = Decode(stream, split);
  Check(whole.feed.code() == parts.feed.code());
  Check(whole.finish.code() == parts.finish.code());
  Check(whole.events.size() == parts.events.size());
  for (std::size_t i = 0; i < whole.events.size(); ++i) {
    Check(whole.events[i].type == parts.events[i].type);
    Check(whole.events[i].status == parts.events[i].status);
    Check(whole.events[i].object == parts.events[i].object);
  }
  return 0;
}
