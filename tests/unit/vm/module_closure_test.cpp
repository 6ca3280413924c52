// modules.dep → insmod order: every module after everything it needs, none twice, built-ins skipped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "lab/vm/module_closure.hpp"

namespace {

using lab::vm::ModuleIndex;

// Lines as Debian 6.1's depmod writes them for the guest's modules.
const char* kModulesDep = R"(kernel/drivers/net/veth.ko:
kernel/net/bridge/bridge.ko: kernel/net/802/stp.ko kernel/net/llc/llc.ko
kernel/net/802/stp.ko: kernel/net/llc/llc.ko
kernel/net/llc/llc.ko:
kernel/net/sched/sch_netem.ko:
kernel/net/9p/9pnet.ko:
kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_ring.ko:
kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko
kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko
kernel/fs/netfs/netfs.ko:
kernel/drivers/net/dummy-test.ko:
)";

std::size_t index_of(const std::vector<std::string>& v, const std::string& path) {
    auto it = std::find(v.begin(), v.end(), path);
    EXPECT_NE(it, v.end()) << path;
    return static_cast<std::size_t>(it - v.begin());
}

TEST(ModuleClosure, DependenciesComeFirstAndNothingTwice) {
    ModuleIndex idx = ModuleIndex::parse(kModulesDep, "");
    auto order = idx.load_order({"9p", "9pnet_virtio", "bridge"});
    EXPECT_EQ(order.size(), 10u);
    EXPECT_LT(index_of(order, "kernel/drivers/virtio/virtio_ring.ko"), index_of(order, "kernel/drivers/virtio/virtio.ko"));
    EXPECT_LT(index_of(order, "kernel/drivers/virtio/virtio.ko"), index_of(order, "kernel/net/9p/9pnet_virtio.ko"));
    EXPECT_LT(index_of(order, "kernel/fs/netfs/netfs.ko"), index_of(order, "kernel/fs/fscache/fscache.ko"));
    EXPECT_LT(index_of(order, "kernel/fs/fscache/fscache.ko"), index_of(order, "kernel/fs/9p/9p.ko"));
    EXPECT_LT(index_of(order, "kernel/net/9p/9pnet.ko"), index_of(order, "kernel/fs/9p/9p.ko"));
    EXPECT_LT(index_of(order, "kernel/net/llc/llc.ko"), index_of(order, "kernel/net/802/stp.ko"));
    EXPECT_LT(index_of(order, "kernel/net/802/stp.ko"), index_of(order, "kernel/net/bridge/bridge.ko"));
}

TEST(ModuleClosure, BuiltInModulesNeedNoFile) {
    ModuleIndex idx = ModuleIndex::parse(kModulesDep, "kernel/net/packet/af_packet.ko\nkernel/drivers/virtio/virtio_pci.ko\n");
    EXPECT_TRUE(idx.builtin("virtio_pci"));
    EXPECT_EQ(idx.load_order({"virtio_pci", "veth"}), std::vector<std::string>{"kernel/drivers/net/veth.ko"});
}

TEST(ModuleClosure, DashesAndUnderscoresNameTheSameModule) {
    EXPECT_EQ(lab::vm::module_name_of("kernel/drivers/net/dummy-test.ko"), "dummy_test");
    EXPECT_EQ(lab::vm::module_name_of("kernel/net/sched/sch_netem.ko.xz"), "sch_netem");
    ModuleIndex idx = ModuleIndex::parse(kModulesDep, "");
    EXPECT_TRUE(idx.has("dummy_test"));
    EXPECT_EQ(idx.load_order({"dummy_test"}), std::vector<std::string>{"kernel/drivers/net/dummy-test.ko"});
}

TEST(ModuleClosure, AnUnknownModuleIsNamed) {
    ModuleIndex idx = ModuleIndex::parse(kModulesDep, "");
    try {
        idx.load_order({"veth", "sch_cake"});
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("sch_cake"));
    }
}

TEST(ModuleClosure, MalformedLinesAndCyclesAreErrorsNotLoops) {
    EXPECT_THROW(ModuleIndex::parse("kernel/a.ko kernel/b.ko\n", ""), std::runtime_error);
    ModuleIndex cyc = ModuleIndex::parse("kernel/a.ko: kernel/b.ko\nkernel/b.ko: kernel/a.ko\n", "");
    EXPECT_THROW(cyc.load_order({"a"}), std::runtime_error);
}

}  // namespace
