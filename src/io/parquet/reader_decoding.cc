#include "io/parquet/reader_decoding.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "io/parquet/reader_metadata.h"
#include "outcore/error.h"

namespace outcore::parquet {
namespace {

// Whatever a page claims, its values never need more than this.
constexpr int64_t kMaxDecodedBytes = int64_t{1} << 30;
constexpr int64_t kMaxDeltaBlockSize = int64_t{1} << 20;

// The value of `w` bits at bit offset `bit`, reading missing bytes past `size` as 0.
inline uint64_t LoadBitsSlow(const uint8_t* data, size_t size, uint64_t bit, int w) {
  unsigned __int128 word = 0;
  const size_t first = bit >> 3;
  const int shift = static_cast<int>(bit & 7);
  const int bytes = (shift + w + 7) / 8;
  for (int b = 0; b < bytes; ++b) {
    if (first + b < size) word |= static_cast<unsigned __int128>(data[first + b]) << (8 * b);
  }
  word >>= shift;
  return w == 64 ? static_cast<uint64_t>(word)
                 : static_cast<uint64_t>(word) & ((uint64_t{1} << w) - 1);
}

// Unpacks n values of w bits starting at value index `start`.
template <typename T>
void Unpack(const uint8_t* data, size_t size, int w, int64_t start, int64_t n, T* out) {
  if (w == 0) {
    std::fill(out, out + n, T{0});
    return;
  }
  uint64_t bit = static_cast<uint64_t>(start) * w;
  int64_t i = 0;
  if (w <= 56) {
    // Fast while 8 bytes can be loaded: a value of <= 56 bits plus a shift of <= 7 fits.
    const uint64_t mask = (uint64_t{1} << w) - 1;
    for (; i < n && (bit >> 3) + 8 <= size; ++i, bit += w) {
      uint64_t word;
      std::memcpy(&word, data + (bit >> 3), 8);
      out[i] = static_cast<T>((word >> (bit & 7)) & mask);
    }
  }
  for (; i < n; ++i, bit += w) out[i] = static_cast<T>(LoadBitsSlow(data, size, bit, w));
}

uint64_t ReadUleb(const uint8_t** pos, const uint8_t* end, const char* what) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos == end) Corrupt(std::string(what) + " ends in the middle of a number");
    const uint8_t b = *(*pos)++;
    value |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return value;
  }
  Corrupt(std::string(what) + " holds a number longer than 64 bits");
}

}  // namespace

void Corrupt(const std::string& what) { Fail(ErrorCode::kInvalidInput, what); }

void UnpackBits(const uint8_t* data, size_t size, int bit_width, int64_t n, uint64_t* out) {
  Unpack(data, size, bit_width, 0, n, out);
}

// --- RLE / bit-packed hybrid -------------------------------------------------------------------

RleDecoder::RleDecoder(const uint8_t* data, size_t size, int bit_width)
    : pos_(data), end_(data + size), bit_width_(bit_width) {
  if (bit_width < 0 || bit_width > 32) Corrupt("invalid bit width " + std::to_string(bit_width));
}

void RleDecoder::NextRun() {
  const uint64_t header = ReadUleb(&pos_, end_, "RLE data");
  if (header & 1) {
    const uint64_t groups = header >> 1;
    if (groups > (uint64_t{1} << 28)) Corrupt("an RLE bit-packed run is too long");
    const size_t bytes = static_cast<size_t>(groups) * bit_width_;
    // Writers may end the last run early: use the values whose bytes are there.
    packed_size_ = std::min(bytes, static_cast<size_t>(end_ - pos_));
    packed_ = pos_;
    pos_ += packed_size_;
    left_ = bit_width_ == 0 ? static_cast<int64_t>(groups * 8)
                            : static_cast<int64_t>(packed_size_ * 8 / bit_width_);
    packed_run_ = true;
    packed_index_ = 0;
  } else {
    const uint64_t count = header >> 1;
    if (count > (uint64_t{1} << 31)) Corrupt("an RLE run is too long");
    const int bytes = (bit_width_ + 7) / 8;
    if (end_ - pos_ < bytes) Corrupt("RLE data ends in the middle of a value");
    uint32_t value = 0;
    for (int b = 0; b < bytes; ++b) value |= static_cast<uint32_t>(pos_[b]) << (8 * b);
    pos_ += bytes;
    if (bit_width_ < 32 && (value >> bit_width_) != 0)
      Corrupt("an RLE value " + std::to_string(value) + " is wider than " +
              std::to_string(bit_width_) + " bits");
    value_ = value;
    left_ = static_cast<int64_t>(count);
    packed_run_ = false;
  }
}

template <typename T>
void RleDecoder::DecodeTo(T* out, int64_t n) {
  while (n > 0) {
    if (left_ == 0) {
      if (pos_ == end_) Corrupt("RLE data ends before all its values");
      NextRun();
      continue;
    }
    const int64_t m = std::min(n, left_);
    if (packed_run_) {
      Unpack(packed_, packed_size_, bit_width_, packed_index_, m, out);
      packed_index_ += m;
    } else {
      std::fill(out, out + m, static_cast<T>(value_));
    }
    out += m;
    n -= m;
    left_ -= m;
  }
}

template void RleDecoder::DecodeTo(uint8_t* out, int64_t n);
template void RleDecoder::DecodeTo(uint32_t* out, int64_t n);

// --- DELTA_BINARY_PACKED -----------------------------------------------------------------------

DeltaDecoder::DeltaDecoder(const uint8_t* data, size_t size, int max_bits)
    : begin_(data), pos_(data), end_(data + size), max_bits_(max_bits) {
  const uint64_t block_size = Uleb(), miniblocks = Uleb(), total = Uleb();
  first_ = ZigZag();
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxDeltaBlockSize)
    Corrupt("DELTA_BINARY_PACKED block size " + std::to_string(block_size) + " is invalid");
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0)
    Corrupt("DELTA_BINARY_PACKED miniblock count " + std::to_string(miniblocks) + " is invalid");
  if (total > static_cast<uint64_t>(INT32_MAX))
    Corrupt("DELTA_BINARY_PACKED claims " + std::to_string(total) + " values");
  block_size_ = static_cast<int64_t>(block_size);
  miniblocks_ = static_cast<int64_t>(miniblocks);
  total_ = static_cast<int64_t>(total);
}

uint64_t DeltaDecoder::Uleb() { return ReadUleb(&pos_, end_, "DELTA_BINARY_PACKED data"); }

void DeltaDecoder::DecodeAll(std::vector<int64_t>* out) {
  out->resize(total_);
  if (total_ == 0) return;
  const int64_t per_miniblock = block_size_ / miniblocks_;
  std::vector<uint64_t> deltas(per_miniblock);
  uint64_t last = static_cast<uint64_t>(first_);
  int64_t* values = out->data();
  auto narrow = [this](uint64_t v) {
    return max_bits_ == 32 ? static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v)))
                           : static_cast<int64_t>(v);
  };
  values[0] = narrow(last);
  int64_t i = 1;
  while (i < total_) {
    const uint64_t min_delta = static_cast<uint64_t>(ZigZag());
    if (end_ - pos_ < miniblocks_) Corrupt("DELTA_BINARY_PACKED data ends in a block header");
    const uint8_t* widths = pos_;
    pos_ += miniblocks_;
    for (int64_t mb = 0; mb < miniblocks_ && i < total_; ++mb) {
      // The spec caps INT32 deltas at 32 bits, but writers that subtract in 64 bits (DuckDB)
      // use 33: any width up to 64 decodes correctly modulo 2^32.
      const int w = widths[mb];
      if (w > 64) Corrupt("DELTA_BINARY_PACKED bit width " + std::to_string(w) + " exceeds 64");
      const int64_t bytes = per_miniblock * w / 8;
      if (end_ - pos_ < bytes) Corrupt("DELTA_BINARY_PACKED data ends in a miniblock");
      const int64_t m = std::min(per_miniblock, total_ - i);
      Unpack(pos_, static_cast<size_t>(bytes), w, 0, m, deltas.data());
      for (int64_t k = 0; k < m; ++k) {
        last += min_delta + deltas[k];  // wraps, as the encoder's subtraction did
        values[i++] = narrow(last);
      }
      pos_ += bytes;
    }
  }
}

// --- Byte arrays -------------------------------------------------------------------------------

void DecodePlainByteArrays(const uint8_t* data, size_t size, int64_t count,
                           std::vector<std::string_view>* out) {
  if (static_cast<uint64_t>(count) > size / 4)
    Corrupt(std::to_string(count) + " PLAIN byte arrays cannot fit in " + std::to_string(size) +
            " bytes");
  out->resize(count);
  const uint8_t* pos = data;
  const uint8_t* end = data + size;
  for (int64_t i = 0; i < count; ++i) {
    if (end - pos < 4)
      Corrupt("PLAIN byte arrays end before all " + std::to_string(count) + " values");
    uint32_t length;
    std::memcpy(&length, pos, 4);
    pos += 4;
    if (length > static_cast<size_t>(end - pos))
      Corrupt("a PLAIN byte array of " + std::to_string(length) + " bytes runs past its page");
    (*out)[i] = std::string_view(reinterpret_cast<const char*>(pos), length);
    pos += length;
  }
}

void DecodeFixedByteArrays(const uint8_t* data, size_t size, int64_t count, int32_t length,
                           std::vector<std::string_view>* out) {
  if (length <= 0 || static_cast<uint64_t>(count) > size / static_cast<uint64_t>(length))
    Corrupt(std::to_string(count) + " fixed-length values of " + std::to_string(length) +
            " bytes do not fit in " + std::to_string(size) + " bytes");
  out->resize(count);
  for (int64_t i = 0; i < count; ++i)
    (*out)[i] = std::string_view(reinterpret_cast<const char*>(data) + i * length, length);
}

namespace {

// Decodes `count` lengths at data; returns the bytes they took.
size_t DecodeLengths(const uint8_t* data, size_t size, int64_t count, const char* what,
                     std::vector<int64_t>* lengths) {
  DeltaDecoder decoder(data, size, 32);
  if (decoder.total() != count)
    Corrupt(std::string(what) + " holds " + std::to_string(decoder.total()) + " lengths for " +
            std::to_string(count) + " values");
  decoder.DecodeAll(lengths);
  for (int64_t length : *lengths)
    if (length < 0) Corrupt(std::string(what) + " holds a negative length");
  return decoder.consumed();
}

}  // namespace

void DecodeDeltaLengthByteArrays(const uint8_t* data, size_t size, int64_t count,
                                 std::vector<std::string_view>* out) {
  std::vector<int64_t> lengths;
  size_t pos = DecodeLengths(data, size, count, "DELTA_LENGTH_BYTE_ARRAY", &lengths);
  out->resize(count);
  for (int64_t i = 0; i < count; ++i) {
    if (static_cast<uint64_t>(lengths[i]) > size - pos)
      Corrupt("DELTA_LENGTH_BYTE_ARRAY values run past their page");
    (*out)[i] = std::string_view(reinterpret_cast<const char*>(data) + pos, lengths[i]);
    pos += lengths[i];
  }
}

void DecodeDeltaByteArrays(const uint8_t* data, size_t size, int64_t count, std::string* storage,
                           std::vector<std::string_view>* out) {
  std::vector<int64_t> prefixes, suffixes;
  const size_t used = DecodeLengths(data, size, count, "DELTA_BYTE_ARRAY prefixes", &prefixes);
  size_t pos =
      used + DecodeLengths(data + used, size - used, count, "DELTA_BYTE_ARRAY suffixes", &suffixes);
  // Sizes first: a few bytes of prefix lengths can stand for a lot of text.
  int64_t total = 0, previous = 0, suffix_bytes = 0;
  for (int64_t i = 0; i < count; ++i) {
    if (prefixes[i] > previous)
      Corrupt("a DELTA_BYTE_ARRAY prefix is longer than the previous value");
    previous = prefixes[i] + suffixes[i];
    total += previous;
    suffix_bytes += suffixes[i];
    if (total > kMaxDecodedBytes || suffix_bytes > static_cast<int64_t>(size - pos))
      Corrupt("DELTA_BYTE_ARRAY values run past their page or exceed 1 GiB");
  }
  storage->clear();
  storage->reserve(total);
  std::vector<int64_t> starts(count);
  int64_t previous_start = 0;
  for (int64_t i = 0; i < count; ++i) {
    starts[i] = static_cast<int64_t>(storage->size());
    storage->append(*storage, previous_start, prefixes[i]);
    storage->append(reinterpret_cast<const char*>(data) + pos, suffixes[i]);
    pos += suffixes[i];
    previous_start = starts[i];
  }
  out->resize(count);
  for (int64_t i = 0; i < count; ++i)
    (*out)[i] = std::string_view(storage->data() + starts[i], prefixes[i] + suffixes[i]);
}

void DecodeByteStreamSplit(const uint8_t* data, size_t size, int64_t count, int width,
                           std::string* out) {
  if (static_cast<uint64_t>(count) * width > size)
    Corrupt("BYTE_STREAM_SPLIT data holds " + std::to_string(size) + " bytes for " +
            std::to_string(count) + " values of " + std::to_string(width) + " bytes");
  out->resize(static_cast<size_t>(count) * width);
  char* dst = out->data();
  for (int k = 0; k < width; ++k) {
    const uint8_t* stream = data + static_cast<size_t>(k) * count;
    for (int64_t i = 0; i < count; ++i) dst[i * width + k] = static_cast<char>(stream[i]);
  }
}

// --- Decompression -----------------------------------------------------------------------------

Decompressor::Decompressor(int32_t codec) : codec_(codec) {
  switch (codec) {
    case 0:  // UNCOMPRESSED
    case 1:  // SNAPPY
      break;
    case 2:  // GZIP
      zlib_ = new z_stream{};
      // 32 + MAX_WBITS: a gzip or zlib header, detected.
      if (inflateInit2(zlib_, 32 + MAX_WBITS) != Z_OK) {
        delete zlib_;
        zlib_ = nullptr;
        Fail(ErrorCode::kInternal, "cannot create a zlib stream");
      }
      break;
    case 6:  // ZSTD
      zstd_ = ZSTD_createDCtx();
      if (zstd_ == nullptr) Fail(ErrorCode::kInternal, "cannot create a zstd context");
      break;
    default:
      Corrupt("compression codec " + CodecName(codec) +
              " is not supported (UNCOMPRESSED, SNAPPY, GZIP and ZSTD are)");
  }
}

Decompressor::~Decompressor() {
  ZSTD_freeDCtx(zstd_);
  if (zlib_ != nullptr) {
    inflateEnd(zlib_);
    delete zlib_;
  }
}

int64_t Decompressor::MaxUncompressedSize(int64_t compressed_size) const {
  // Bounds on each format's expansion: snappy copies emit at most 64 bytes per 2-3 byte tag,
  // deflate at most 258 bytes per 2 bits, zstd at most a 128 KiB block per 4-byte RLE block.
  int64_t bound;
  switch (codec_) {
    case 1:
      bound = compressed_size * 32 + 64;
      break;
    case 2:
      bound = compressed_size * 1100 + 1024;
      break;
    case 6:
      bound = compressed_size * 65536 + 65536;
      break;
    default:
      bound = compressed_size;
  }
  return std::min(bound, kMaxDecodedBytes);
}

void Decompressor::Decompress(const uint8_t* in, size_t in_size, uint8_t* out, size_t out_size) {
  const std::string expected = std::to_string(out_size);
  switch (codec_) {
    case 0:
      if (in_size != out_size)
        Corrupt("an uncompressed page of " + std::to_string(in_size) + " bytes claims " + expected);
      std::memcpy(out, in, out_size);
      return;
    case 1: {
      size_t length = 0;
      const char* src = reinterpret_cast<const char*>(in);
      if (!snappy::GetUncompressedLength(src, in_size, &length)) Corrupt("invalid snappy data");
      if (length != out_size)
        Corrupt("snappy data holds " + std::to_string(length) + " bytes, the page claims " +
                expected);
      if (!snappy::RawUncompress(src, in_size, reinterpret_cast<char*>(out)))
        Corrupt("invalid snappy data");
      return;
    }
    case 2: {
      if (inflateReset(zlib_) != Z_OK) Fail(ErrorCode::kInternal, "cannot reset a zlib stream");
      zlib_->next_in = const_cast<Bytef*>(in);
      zlib_->avail_in = static_cast<uInt>(in_size);
      zlib_->next_out = out;
      zlib_->avail_out = static_cast<uInt>(out_size);
      while (true) {
        const int ret = inflate(zlib_, Z_FINISH);
        if (ret == Z_STREAM_END) {
          // Concatenated gzip members.
          if (zlib_->avail_in > 0 && zlib_->avail_out > 0 && inflateReset(zlib_) == Z_OK) continue;
          break;
        }
        if (ret != Z_OK)
          Corrupt(zlib_->avail_out == 0
                      ? "gzip data holds more than the page's " + expected + " bytes"
                      : std::string("invalid gzip data"));
      }
      if (zlib_->avail_out != 0)
        Corrupt("gzip data holds " + std::to_string(out_size - zlib_->avail_out) +
                " bytes, the page claims " + expected);
      return;
    }
    case 6: {
      const size_t n = ZSTD_decompressDCtx(zstd_, out, out_size, in, in_size);
      if (ZSTD_isError(n)) Corrupt(std::string("invalid zstd data: ") + ZSTD_getErrorName(n));
      if (n != out_size)
        Corrupt("zstd data holds " + std::to_string(n) + " bytes, the page claims " + expected);
      return;
    }
  }
}

}  // namespace outcore::parquet
