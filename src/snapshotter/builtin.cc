#include "snapshotter/builtin.h"

#include <cstdlib>
#include <memory>

#include "collector/gpu/gpu_collector.h"
#include "collector/os/os_collector.h"
#include "collector/systemd/systemd_collector.h"

namespace aicr::snapshotter {
namespace {

void MustAdd(Registry& registry, std::unique_ptr<collector::Collector> c) {
  // The builtin names are distinct constants; a failure is a programming error.
  if (!registry.Add(std::move(c)).ok()) {
    std::abort();
  }
}

}  // namespace

Registry BuiltinHostCollectors() {
  Registry registry;
  MustAdd(registry, std::make_unique<collector::gpu::GpuCollector>());
  MustAdd(registry, collector::NewOsCollector());
  MustAdd(registry, std::make_unique<collector::systemd::SystemdCollector>());
  // Cluster collectors are added by the caller (see builtin.h).
  return registry;
}

}  // namespace aicr::snapshotter
