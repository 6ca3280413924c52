#include "lab/vm/xz_decompression.hpp"

#include <lzma.h>

#include <stdexcept>

#include <fmt/format.h>

namespace lab::vm {
namespace {

// liblzma has no strerror: the names are its lzma_ret enumerators, the text what the manual says of each.
std::string lzma_error(lzma_ret r) {
    switch (r) {
        case LZMA_MEM_ERROR: return "LZMA_MEM_ERROR (cannot allocate memory)";
        case LZMA_MEMLIMIT_ERROR: return "LZMA_MEMLIMIT_ERROR (memory usage limit reached)";
        case LZMA_FORMAT_ERROR: return "LZMA_FORMAT_ERROR (not in the .xz format)";
        case LZMA_OPTIONS_ERROR: return "LZMA_OPTIONS_ERROR (unsupported compression options)";
        case LZMA_DATA_ERROR: return "LZMA_DATA_ERROR (compressed data is corrupt)";
        case LZMA_BUF_ERROR: return "LZMA_BUF_ERROR (compressed data is truncated)";
        case LZMA_PROG_ERROR: return "LZMA_PROG_ERROR (programming error)";
        default: return fmt::format("lzma_ret {}", static_cast<int>(r));
    }
}

// lzma_end on every way out.
struct LzmaStream {
    lzma_stream s = LZMA_STREAM_INIT;
    ~LzmaStream() { lzma_end(&s); }
};

}  // namespace

std::string xz_decompress(std::string_view compressed, const std::string& what, std::size_t max_output) {
    LzmaStream stream;
    // No memory limit of our own (UINT64_MAX): a kernel module's dictionary is small, and max_output
    // bounds what we keep. LZMA_CONCATENATED: several streams back to back are one file, as xz -d says.
    if (lzma_ret r = lzma_stream_decoder(&stream.s, UINT64_MAX, LZMA_CONCATENATED); r != LZMA_OK)
        throw std::runtime_error(fmt::format("{}: xz: {}", what, lzma_error(r)));
    stream.s.next_in = reinterpret_cast<const uint8_t*>(compressed.data());
    stream.s.avail_in = compressed.size();

    std::string out;
    constexpr std::size_t kChunk = 256 * 1024;
    for (;;) {
        const std::size_t used = out.size();
        out.resize(used + kChunk);
        stream.s.next_out = reinterpret_cast<uint8_t*>(out.data() + used);
        stream.s.avail_out = kChunk;
        // All input is given at once, so LZMA_FINISH from the start: input that ends mid-stream is then
        // reported as LZMA_BUF_ERROR instead of waiting for more.
        lzma_ret r = lzma_code(&stream.s, LZMA_FINISH);
        out.resize(used + (kChunk - stream.s.avail_out));
        if (r == LZMA_STREAM_END) return out;
        if (r != LZMA_OK) throw std::runtime_error(fmt::format("{}: xz: {}", what, lzma_error(r)));
        if (out.size() > max_output)
            throw std::runtime_error(fmt::format("{}: xz: more than {} bytes decompressed; refused", what, max_output));
    }
}

}  // namespace lab::vm
