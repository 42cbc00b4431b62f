#pragma once
/// Decoders of Parquet's value encodings (Encodings.md) and page decompression, for untrusted
/// input: each checks its counts and lengths against the bytes it is given and throws
/// Error(kInvalidInput, what is wrong) without a file name; the column reader adds it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct ZSTD_DCtx_s;
struct z_stream_s;

namespace outcore::parquet {

/// Throws Error(kInvalidInput, what).
[[noreturn]] void Corrupt(const std::string& what);

/// Decodes the RLE/bit-packed hybrid with a fixed bit width (0..32).
class RleDecoder {
 public:
  RleDecoder(const uint8_t* data, size_t size, int bit_width);
  /// Decodes the next n values; fails if the data ends first or a value is >= 2^bit_width.
  void Decode(uint8_t* out, int64_t n) { DecodeTo(out, n); }
  void Decode(uint32_t* out, int64_t n) { DecodeTo(out, n); }

 private:
  template <typename T>
  void DecodeTo(T* out, int64_t n);
  void NextRun();

  const uint8_t* pos_;
  const uint8_t* end_;
  int bit_width_;
  // The current run: a repeated value, or bit-packed values starting at packed_.
  int64_t left_ = 0;
  bool packed_run_ = false;
  uint32_t value_ = 0;
  const uint8_t* packed_ = nullptr;
  size_t packed_size_ = 0;  // bytes of the run actually present
  int64_t packed_index_ = 0;
};

/// Unpacks n values of `bit_width` bits (<= 64), least significant bit first, starting at
/// bit 0 of data (which holds `size` bytes: missing bytes read as 0).
void UnpackBits(const uint8_t* data, size_t size, int bit_width, int64_t n, uint64_t* out);

/// Decodes DELTA_BINARY_PACKED integers. `max_bits` is the physical type's width (32 or 64):
/// values wrap in two's complement at that width, as the encoder's arithmetic did.
class DeltaDecoder {
 public:
  DeltaDecoder(const uint8_t* data, size_t size, int max_bits);
  int64_t total() const { return total_; }
  /// Decodes all total() values into out (resized).
  void DecodeAll(std::vector<int64_t>* out);
  /// Bytes consumed after DecodeAll (where data that follows the encoding starts).
  size_t consumed() const { return static_cast<size_t>(pos_ - begin_); }

 private:
  uint64_t Uleb();
  int64_t ZigZag() {
    const uint64_t v = Uleb();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  int max_bits_;
  int64_t block_size_ = 0, miniblocks_ = 0, total_ = 0;
  int64_t first_ = 0;
};

/// Byte arrays of a page: views into `data`, or into *storage for DELTA_BYTE_ARRAY, whose
/// values are rebuilt from prefixes (storage must outlive the views).
void DecodePlainByteArrays(const uint8_t* data, size_t size, int64_t count,
                           std::vector<std::string_view>* out);
void DecodeFixedByteArrays(const uint8_t* data, size_t size, int64_t count, int32_t length,
                           std::vector<std::string_view>* out);
void DecodeDeltaLengthByteArrays(const uint8_t* data, size_t size, int64_t count,
                                 std::vector<std::string_view>* out);
void DecodeDeltaByteArrays(const uint8_t* data, size_t size, int64_t count, std::string* storage,
                           std::vector<std::string_view>* out);
/// Undoes BYTE_STREAM_SPLIT: count values of `width` bytes into PLAIN layout in *out.
void DecodeByteStreamSplit(const uint8_t* data, size_t size, int64_t count, int width,
                           std::string* out);

/// Decompresses pages of one codec; reuses its context between pages.
class Decompressor {
 public:
  /// Fails (kInvalidInput) for codecs other than UNCOMPRESSED, SNAPPY, GZIP and ZSTD.
  explicit Decompressor(int32_t codec);
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  int32_t codec() const { return codec_; }
  /// The largest uncompressed size `compressed_size` bytes can honestly claim with this codec.
  int64_t MaxUncompressedSize(int64_t compressed_size) const;
  /// Decompresses `in` into exactly `out_size` bytes.
  void Decompress(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size);

 private:
  int32_t codec_;
  ZSTD_DCtx_s* zstd_ = nullptr;
  z_stream_s* zlib_ = nullptr;
};

}  // namespace outcore::parquet
