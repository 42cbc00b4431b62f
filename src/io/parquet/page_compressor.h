#pragma once
/// PageCompressor: compresses Parquet pages with the codec chosen for the file.
#include <string>
#include <string_view>

#include "io/parquet/parquet_format.h"
#include "outcore/part_writer.h"

struct ZSTD_CCtx_s;

namespace outcore::parquet {

class PageCompressor {
 public:
  PageCompressor(Compression compression, int zstd_level);
  ~PageCompressor();
  PageCompressor(const PageCompressor&) = delete;
  PageCompressor& operator=(const PageCompressor&) = delete;

  Codec codec() const;
  /// The compressed bytes of `page` (`page` itself when uncompressed); valid until the next call.
  std::string_view Compress(std::string_view page);

 private:
  Compression compression_;
  int zstd_level_;
  ZSTD_CCtx_s* zstd_ = nullptr;  // reused: creating a context per page costs more than a page
  std::string buffer_;
};

}  // namespace outcore::parquet
