#include "lab/vm/zstd_decompression.hpp"

#include <zstd.h>

#include <memory>
#include <stdexcept>

#include <fmt/format.h>

namespace lab::vm {

std::string zstd_decompress(std::string_view compressed, const std::string& what, std::size_t max_output) {
    // A streaming context, not ZSTD_decompress: a frame need not record its decompressed size.
    if (compressed.empty()) throw std::runtime_error(fmt::format("{}: zstd: empty input", what));
    std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
    if (!ctx) throw std::runtime_error(fmt::format("{}: zstd: cannot allocate a decompression context", what));
    ZSTD_inBuffer in{compressed.data(), compressed.size(), 0};

    std::string out;
    const std::size_t chunk = ZSTD_DStreamOutSize();
    std::size_t pending = 1;  // what ZSTD_decompressStream last said: 0 once a frame ends exactly
    while (in.pos < in.size || pending != 0) {
        const std::size_t used = out.size();
        out.resize(used + chunk);
        ZSTD_outBuffer o{out.data() + used, chunk, 0};
        pending = ZSTD_decompressStream(ctx.get(), &o, &in);
        out.resize(used + o.pos);
        if (ZSTD_isError(pending)) throw std::runtime_error(fmt::format("{}: zstd: {}", what, ZSTD_getErrorName(pending)));
        if (out.size() > max_output)
            throw std::runtime_error(fmt::format("{}: zstd: more than {} bytes decompressed; refused", what, max_output));
        // All input consumed, the output buffer not filled, and the frame still open: the input ends mid-frame.
        if (in.pos == in.size && pending != 0 && o.pos < chunk)
            throw std::runtime_error(fmt::format("{}: zstd: compressed data is truncated (the frame ends after {} bytes)",
                                                 what, compressed.size()));
    }
    return out;
}

}  // namespace lab::vm
