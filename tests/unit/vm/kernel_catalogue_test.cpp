// `lab vm kernels` from apt's text: which names are guest kernels, which flavours are refused, what the
// metapackages point to, sizes — fed with apt-cache output captured on Debian 12 (tests/fixtures/apt).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "lab/vm/apt_package_records.hpp"
#include "lab/vm/kernel_catalogue.hpp"
#include "lab/vm/kernel_package_name.hpp"

namespace {

using ::testing::HasSubstr;
using lab::vm::KernelPackageKind;

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(LAB_SOURCE_DIR) + "/tests/fixtures/apt/" + name);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_FALSE(s.str().empty()) << name;
    return s.str();
}

TEST(KernelPackageName, ImagesMetapackagesAndTheRest) {
    auto k = lab::vm::classify_kernel_package("linux-image-6.1.0-57-amd64");
    EXPECT_EQ(k.kind, KernelPackageKind::Image);
    EXPECT_EQ(k.line, "6.1");
    EXPECT_EQ(k.flavour, "amd64");
    k = lab::vm::classify_kernel_package("linux-image-6.12.117+deb12-cloud-amd64");
    EXPECT_EQ(k.kind, KernelPackageKind::Image);
    EXPECT_EQ(k.line, "6.12");
    EXPECT_EQ(k.flavour, "cloud-amd64");
    k = lab::vm::classify_kernel_package("linux-image-6.12-rt-amd64");
    EXPECT_EQ(k.kind, KernelPackageKind::Metapackage);
    EXPECT_EQ(k.line, "6.12");
    EXPECT_EQ(k.flavour, "rt-amd64");
    k = lab::vm::classify_kernel_package("linux-image-amd64");
    EXPECT_EQ(k.kind, KernelPackageKind::Metapackage);
    EXPECT_EQ(k.line, "");
    EXPECT_EQ(k.flavour, "amd64");
    for (const char* not_a_kernel : {"linux-image-6.1.0-57-amd64-dbg", "linux-image-6.1.0-57-amd64-unsigned",
                                     "linux-image-amd64-signed-template", "linux-image-6.1.0-57-686-pae",
                                     "linux-headers-6.1.0-57-amd64", "linux-image-foo-amd64", "linux-image-6-amd64"})
        EXPECT_EQ(lab::vm::classify_kernel_package(not_a_kernel).kind, KernelPackageKind::NotAKernel) << not_a_kernel;
}

TEST(KernelPackageName, OnlyTheGenericFlavourIsAccepted) {
    EXPECT_EQ(lab::vm::flavour_refusal("amd64"), std::nullopt);
    EXPECT_THAT(lab::vm::flavour_refusal("cloud-amd64").value_or(""), HasSubstr("CONFIG_NET_9P"));
    EXPECT_THAT(lab::vm::flavour_refusal("rt-amd64").value_or(""), HasSubstr("PREEMPT_RT"));
}

TEST(AptPackageRecords, SearchLinesGiveNames) {
    auto names = lab::vm::package_names_from_apt_search(
        "linux-image-6.12-amd64 - Linux for 64-bit PCs (meta-package)\n\nlinux-image-6.1.0-57-amd64 - Linux 6.1 for 64-bit PCs (signed)\n");
    EXPECT_THAT(names, ::testing::ElementsAre("linux-image-6.12-amd64", "linux-image-6.1.0-57-amd64"));
    EXPECT_EQ(lab::vm::package_names_from_apt_search(fixture("apt-cache-search-linux-image.txt")).size(), 140u);
}

TEST(AptPackageRecords, ShowRecordsGiveVersionsSizesAndDepends) {
    auto records = lab::vm::package_records_from_apt_show(fixture("apt-cache-show-linux-image.txt"));
    ASSERT_EQ(records.size(), 20u);
    auto find = [&](const std::string& p) {
        auto it = std::find_if(records.begin(), records.end(), [&](const auto& r) { return r.package == p; });
        EXPECT_NE(it, records.end()) << p;
        return *it;
    };
    auto image = find("linux-image-6.12.117+deb12-amd64");
    EXPECT_EQ(image.version, "6.12.117-1~deb12u1");
    EXPECT_EQ(image.download_bytes, 107179464u);
    EXPECT_EQ(image.installed_bytes, 107638u * 1024);
    EXPECT_EQ(image.description, "Linux 6.12 for 64-bit PCs (signed)");
    EXPECT_THAT(image.depends, ::testing::ElementsAre("kmod", "initramfs-tools", "linux-initramfs-tool"));
    EXPECT_THAT(find("linux-image-6.12-amd64").depends, ::testing::ElementsAre("linux-image-6.12.117+deb12-amd64"));
}

TEST(KernelCatalogue, GenericImagesNewestFirstMetapackagesAndRefusedFlavours) {
    auto names = lab::vm::package_names_from_apt_search(fixture("apt-cache-search-linux-image.txt"));
    auto to_show = lab::vm::packages_to_show(names);
    EXPECT_EQ(to_show.size(), 20u);  // 18 generic images, linux-image-amd64, linux-image-6.12-amd64
    EXPECT_THAT(to_show, ::testing::Not(::testing::Contains(HasSubstr("cloud"))));
    EXPECT_THAT(to_show, ::testing::Not(::testing::Contains(HasSubstr("-dbg"))));

    auto c = lab::vm::kernel_catalogue(names, lab::vm::package_records_from_apt_show(fixture("apt-cache-show-linux-image.txt")));
    ASSERT_EQ(c.usable.size(), 18u);
    EXPECT_EQ(c.usable.front().package, "linux-image-6.12.117+deb12-amd64");
    EXPECT_EQ(c.usable.front().line, "6.12");
    EXPECT_EQ(c.usable[6].package, "linux-image-6.12.100+deb12-amd64");  // 7 images of 6.12, 11 of 6.1
    EXPECT_EQ(c.usable[7].package, "linux-image-6.1.0-57-amd64");
    EXPECT_EQ(c.usable[7].version, "6.1.192-3");
    EXPECT_EQ(c.usable.back().package, "linux-image-6.1.0-47-amd64");
    ASSERT_EQ(c.pointers.size(), 2u);
    EXPECT_EQ(c.pointers[0].metapackage, "linux-image-amd64");
    EXPECT_EQ(c.pointers[0].image, "linux-image-6.1.0-57-amd64");
    EXPECT_EQ(c.pointers[1].metapackage, "linux-image-6.12-amd64");
    EXPECT_EQ(c.pointers[1].image, "linux-image-6.12.117+deb12-amd64");
    ASSERT_EQ(c.refused.size(), 2u);
    EXPECT_EQ(c.refused[0].flavour, "cloud-amd64");
    EXPECT_EQ(c.refused[0].images, 18u);
    EXPECT_EQ(c.refused[1].flavour, "rt-amd64");
    EXPECT_EQ(c.refused[1].images, 18u);
}

TEST(KernelCatalogue, TheListingShowsSizesAndTheCache) {
    auto names = lab::vm::package_names_from_apt_search(fixture("apt-cache-search-linux-image.txt"));
    auto c = lab::vm::kernel_catalogue(names, lab::vm::package_records_from_apt_show(fixture("apt-cache-show-linux-image.txt")));
    std::vector<lab::vm::CachedKernel> cached = {
        {"linux-image-6.1.0-57-amd64", "6.1.192-3", "6.1.0-57-amd64", 405'100'000},
        {"linux-image-6.1.0-40-amd64", "6.1.153-1", "6.1.0-40-amd64", 400'000'000},
    };
    std::string text = lab::vm::kernel_catalogue_text(c, cached, "/var/cache/lab/vm");
    EXPECT_THAT(text, HasSubstr("  linux-image-6.12.117+deb12-amd64  6.12.117-1~deb12u1    6.12    107.2 MB    110.2 MB  -\n"));
    EXPECT_THAT(text, HasSubstr("  linux-image-6.1.0-57-amd64        6.1.192-3              6.1"));
    EXPECT_THAT(text, HasSubstr("cached, 405.1 MB\n"));
    EXPECT_THAT(text, HasSubstr("  linux-image-amd64 → linux-image-6.1.0-57-amd64  (lab vm run's default)\n"));
    EXPECT_THAT(text, HasSubstr("In the cache (/var/cache/lab/vm): 2 kernels, 805.1 MB\n"));
    EXPECT_THAT(text, HasSubstr("linux-image-6.1.0-40-amd64        6.1.153-1            kernel 6.1.0-40-amd64, 400.0 MB (no longer in apt's lists"));
    EXPECT_THAT(text, HasSubstr("  cloud-amd64 (18 images in apt's lists): no 9p"));
    EXPECT_THAT(text, HasSubstr("  rt-amd64 (18 images in apt's lists): PREEMPT_RT"));
}

TEST(KernelCatalogue, NaturalOrderReadsNumbersAsNumbers) {
    EXPECT_TRUE(lab::vm::natural_less("linux-image-6.1.0-9-amd64", "linux-image-6.1.0-10-amd64"));
    EXPECT_TRUE(lab::vm::natural_less("linux-image-6.1.0-57-amd64", "linux-image-6.12.100+deb12-amd64"));
    EXPECT_TRUE(lab::vm::natural_less("linux-image-6.12.99+deb12-amd64", "linux-image-6.12.100+deb12-amd64"));
    EXPECT_FALSE(lab::vm::natural_less("a10", "a9"));
    EXPECT_FALSE(lab::vm::natural_less("a1", "a1"));
    EXPECT_TRUE(lab::vm::natural_less("a1", "a1b"));
}

}  // namespace
