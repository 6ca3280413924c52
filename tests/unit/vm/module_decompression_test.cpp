// Compressed kernel modules → the plain .ko bytes the guest's insmod needs. The fixtures are made here
// with liblzma's and libzstd's own compressors, so the tests need no binary files and no kernel package.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <lzma.h>
#include <zstd.h>

#include <stdexcept>
#include <string>

#include "lab/vm/initramfs.hpp"
#include "lab/vm/module_decompression.hpp"
#include "lab/vm/xz_decompression.hpp"
#include "lab/vm/zstd_decompression.hpp"

namespace {

using ::testing::HasSubstr;
using lab::vm::ModuleCompression;

// An ELF header followed by enough varied bytes that the compressors work for their output (several
// of libzstd's output chunks, so the decompressors' chunk loops run more than once).
std::string fake_module() {
    std::string m = "\x7f" "ELF\x02\x01\x01";
    m.resize(64, '\0');
    for (int i = 0; m.size() < 400000; ++i) m += "symbol_" + std::to_string(i * 7919 % 100003) + ";";
    return m;
}

// As kmod's modules are compressed by the kernel's build: xz with a CRC32 check.
std::string xz(const std::string& plain) {
    std::string out(lzma_stream_buffer_bound(plain.size()), '\0');
    std::size_t pos = 0;
    lzma_ret r = lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, nullptr, reinterpret_cast<const uint8_t*>(plain.data()),
                                         plain.size(), reinterpret_cast<uint8_t*>(out.data()), &pos, out.size());
    EXPECT_EQ(r, LZMA_OK);
    out.resize(pos);
    return out;
}

std::string zstd(const std::string& plain) {
    std::string out(ZSTD_compressBound(plain.size()), '\0');
    std::size_t n = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
    EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
    out.resize(n);
    return out;
}

std::string error_of(const std::string& path, const std::string& bytes) {
    try {
        lab::vm::unpack_module(path, bytes);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(ModuleDecompression, CompressionIsTheFileNameSuffix) {
    EXPECT_EQ(lab::vm::module_compression_of("kernel/net/sched/sch_netem.ko"), ModuleCompression::None);
    EXPECT_EQ(lab::vm::module_compression_of("kernel/fs/netfs/netfs.ko.xz"), ModuleCompression::Xz);
    EXPECT_EQ(lab::vm::module_compression_of("kernel/fs/netfs/netfs.ko.zst"), ModuleCompression::Zstd);
    EXPECT_THROW(lab::vm::module_compression_of("kernel/fs/netfs/netfs.ko.gz"), std::runtime_error);
    EXPECT_EQ(lab::vm::unpacked_module_path("kernel/fs/netfs/netfs.ko.xz"), "kernel/fs/netfs/netfs.ko");
    EXPECT_EQ(lab::vm::unpacked_module_path("kernel/fs/netfs/netfs.ko.zst"), "kernel/fs/netfs/netfs.ko");
    EXPECT_EQ(lab::vm::unpacked_module_path("kernel/fs/netfs/netfs.ko"), "kernel/fs/netfs/netfs.ko");
}

TEST(ModuleDecompression, XzModuleUnpacksToTheOriginalBytes) {
    const std::string plain = fake_module();
    const std::string packed = xz(plain);
    ASSERT_LT(packed.size(), plain.size() / 4);
    EXPECT_EQ(lab::vm::unpack_module("kernel/fs/netfs/netfs.ko.xz", packed), plain);
}

TEST(ModuleDecompression, ZstdModuleUnpacksToTheOriginalBytes) {
    const std::string plain = fake_module();
    const std::string packed = zstd(plain);
    ASSERT_LT(packed.size(), plain.size() / 4);
    EXPECT_EQ(lab::vm::unpack_module("kernel/fs/netfs/netfs.ko.zst", packed), plain);
}

TEST(ModuleDecompression, ConcatenatedStreamsAndFramesAreOneFile) {
    const std::string a = fake_module(), b = "second part";
    EXPECT_EQ(lab::vm::xz_decompress(xz(a) + xz(b), "x", 1 << 20), a + b);
    EXPECT_EQ(lab::vm::zstd_decompress(zstd(a) + zstd(b), "z", 1 << 20), a + b);
}

TEST(ModuleDecompression, PlainModulesPassThrough) {
    const std::string plain = fake_module();
    EXPECT_EQ(lab::vm::unpack_module("kernel/net/sched/sch_netem.ko", plain), plain);
}

TEST(ModuleDecompression, TruncatedInputNamesTheModuleAndTheLibraryError) {
    const std::string plain = fake_module();
    const std::string x = xz(plain), z = zstd(plain);
    EXPECT_EQ(error_of("kernel/fs/netfs/netfs.ko.xz", x.substr(0, x.size() / 2)),
              "kernel module kernel/fs/netfs/netfs.ko.xz: xz: LZMA_BUF_ERROR (compressed data is truncated)");
    EXPECT_EQ(error_of("kernel/fs/netfs/netfs.ko.zst", z.substr(0, z.size() / 2)),
              "kernel module kernel/fs/netfs/netfs.ko.zst: zstd: compressed data is truncated (the frame ends after " +
                  std::to_string(z.size() / 2) + " bytes)");
}

TEST(ModuleDecompression, CorruptInputNamesTheModuleAndTheLibraryError) {
    const std::string plain = fake_module();
    std::string x = xz(plain), z = zstd(plain);
    x[x.size() / 2] ^= 0x55;
    z[z.size() / 2] ^= 0x55;
    EXPECT_EQ(error_of("kernel/fs/netfs/netfs.ko.xz", x),
              "kernel module kernel/fs/netfs/netfs.ko.xz: xz: LZMA_DATA_ERROR (compressed data is corrupt)");
    EXPECT_THAT(error_of("kernel/fs/netfs/netfs.ko.zst", z), HasSubstr("kernel module kernel/fs/netfs/netfs.ko.zst: zstd: "));
    // Not a compressed file at all: the formats' magic numbers do not match.
    EXPECT_EQ(error_of("kernel/net/veth.ko.xz", plain),
              "kernel module kernel/net/veth.ko.xz: xz: LZMA_FORMAT_ERROR (not in the .xz format)");
    EXPECT_EQ(error_of("kernel/net/veth.ko.zst", plain), "kernel module kernel/net/veth.ko.zst: zstd: Unknown frame descriptor");
    EXPECT_EQ(error_of("kernel/net/veth.ko.zst", ""), "kernel module kernel/net/veth.ko.zst: zstd: empty input");
}

TEST(ModuleDecompression, AResultThatIsNotElfIsRefused) {
    EXPECT_EQ(error_of("kernel/net/veth.ko.xz", xz("not a module")),
              "kernel module kernel/net/veth.ko.xz: not an ELF file after decompression");
    EXPECT_EQ(error_of("kernel/net/veth.ko", "not a module"), "kernel module kernel/net/veth.ko: not an ELF file");
}

TEST(ModuleDecompression, OutputPastTheLimitIsRefused) {
    const std::string big(3 << 20, 'a');
    auto error = [](auto decompress, const std::string& packed, const std::string& what) -> std::string {
        try {
            decompress(packed, what, std::size_t(1) << 20);
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        return "(no error)";
    };
    EXPECT_EQ(error(lab::vm::xz_decompress, xz(big), "big.ko.xz"), "big.ko.xz: xz: more than 1048576 bytes decompressed; refused");
    EXPECT_EQ(error(lab::vm::zstd_decompress, zstd(big), "big.ko.zst"),
              "big.ko.zst: zstd: more than 1048576 bytes decompressed; refused");
    EXPECT_EQ(lab::vm::xz_decompress(xz(big), "big.ko.xz", 4 << 20).size(), big.size());
}

TEST(ModuleDecompression, TheInitramfsHoldsModulesUnderTheirUnpackedNames) {
    EXPECT_EQ(lab::vm::module_archive_path("kernel/fs/netfs/netfs.ko.xz"), "modules/netfs.ko");
    EXPECT_EQ(lab::vm::module_archive_path("kernel/fs/netfs/netfs.ko.zst"), "modules/netfs.ko");
    EXPECT_EQ(lab::vm::module_archive_path("kernel/net/sched/sch_netem.ko"), "modules/sch_netem.ko");
}

}  // namespace
