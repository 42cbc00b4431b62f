#include "io/parquet/page_compressor.h"

#include <snappy.h>
#include <zstd.h>

#include "outcore/error.h"

namespace outcore::parquet {

PageCompressor::PageCompressor(Compression compression, int zstd_level)
    : compression_(compression), zstd_level_(zstd_level) {
  if (compression_ == Compression::kZstd) {
    zstd_ = ZSTD_createCCtx();
    if (zstd_ == nullptr) Fail(ErrorCode::kInternal, "cannot create a zstd context");
  }
}

PageCompressor::~PageCompressor() { ZSTD_freeCCtx(zstd_); }

Codec PageCompressor::codec() const {
  switch (compression_) {
    case Compression::kNone:
      return Codec::kUncompressed;
    case Compression::kSnappy:
      return Codec::kSnappy;
    case Compression::kZstd:
      return Codec::kZstd;
  }
  return Codec::kUncompressed;
}

std::string_view PageCompressor::Compress(std::string_view page) {
  switch (compression_) {
    case Compression::kNone:
      return page;
    case Compression::kSnappy: {
      buffer_.resize(snappy::MaxCompressedLength(page.size()));
      size_t size = 0;
      snappy::RawCompress(page.data(), page.size(), buffer_.data(), &size);
      return std::string_view(buffer_.data(), size);
    }
    case Compression::kZstd: {
      buffer_.resize(ZSTD_compressBound(page.size()));
      size_t size = ZSTD_compressCCtx(zstd_, buffer_.data(), buffer_.size(), page.data(),
                                      page.size(), zstd_level_);
      if (ZSTD_isError(size)) {
        Fail(ErrorCode::kInternal,
             std::string("zstd compression failed: ") + ZSTD_getErrorName(size));
      }
      return std::string_view(buffer_.data(), size);
    }
  }
  return page;
}

}  // namespace outcore::parquet
