// InputFile's compressed streams: gzip (one member or several) and zstd (one frame or several)
// read as their decompressed bytes, at any offset and across the decoder's window, backwards
// by starting again; a truncated or corrupt stream is an error naming the file.
#include "io/input_file.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "outcore/error.h"

namespace outcore {
namespace {

namespace fs = std::filesystem;

std::string Gzip(const std::string& text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, text.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// Text that compresses but not to nothing: numbered lines with random digits.
std::string Text(size_t bytes, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string text;
  for (int line = 0; text.size() < bytes; ++line)
    text += std::to_string(line) + "," + std::to_string(rng() % 100000) + ",x\n";
  return text;
}

class InputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("outcore-input-file-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  static std::string ReadAt(const InputFile& file, int64_t offset, int64_t length) {
    std::string out(length, '\0');
    out.resize(file.Read(offset, length, out.data()));
    return out;
  }
  fs::path dir_;
};

TEST_F(InputFileTest, GzipAndZstdReadAsTheirTextAtAnyOffset) {
  const std::string text = Text(3 << 20, 1);  // several windows of decompressed bytes
  for (const auto& [name, bytes] : {std::pair{"a.csv.gz", Gzip(text)}, std::pair{"a.csv.zst", Zstd(text)}}) {
    SCOPED_TRACE(name);
    InputFile file(Write(name, bytes), InputFile::Decompress::kAuto);
    EXPECT_TRUE(file.is_stream());
    EXPECT_EQ(file.size(), InputFile::kUnknownSize);
    EXPECT_EQ(ReadAt(file, 0, 100), text.substr(0, 100));
    // Across the 1 MB window's edge, then far ahead, then backwards (a restart).
    EXPECT_EQ(ReadAt(file, (1 << 20) - 10, 30), text.substr((1 << 20) - 10, 30));
    EXPECT_EQ(ReadAt(file, 2500000, 5000), text.substr(2500000, 5000));
    EXPECT_EQ(ReadAt(file, 7, 12), text.substr(7, 12));
    // The whole text in one read, and a read past its end comes up short.
    EXPECT_EQ(ReadAt(file, 0, static_cast<int64_t>(text.size()) + 1000), text);
    EXPECT_EQ(ReadAt(file, static_cast<int64_t>(text.size()) - 5, 100), text.substr(text.size() - 5));
    EXPECT_GT(file.file_bytes_read(), 0);
  }
}

TEST_F(InputFileTest, SeveralGzipMembersOrZstdFramesReadAsOneText) {
  const std::string a = Text(200000, 2), b = Text(300000, 3);
  InputFile gz(Write("m.gz", Gzip(a) + Gzip(b)), InputFile::Decompress::kAuto);
  EXPECT_EQ(ReadAt(gz, 0, 1 << 20), a + b);
  InputFile zst(Write("m.zst", Zstd(a) + Zstd(b)), InputFile::Decompress::kAuto);
  EXPECT_EQ(ReadAt(zst, 0, 1 << 20), a + b);
  InputFile empty(Write("e.gz", Gzip("")), InputFile::Decompress::kAuto);
  EXPECT_EQ(ReadAt(empty, 0, 10), "");
}

TEST_F(InputFileTest, PlainFilesAndDecompressNoReadTheBytes) {
  const std::string gz = Gzip("a,b\n1,2\n");
  InputFile raw(Write("r.gz", gz));  // Decompress::kNo: Parquet and the like
  EXPECT_FALSE(raw.is_stream());
  EXPECT_EQ(raw.size(), static_cast<int64_t>(gz.size()));
  EXPECT_EQ(ReadAt(raw, 0, 1000), gz);
  InputFile plain(Write("p.csv", "a,b\n"), InputFile::Decompress::kAuto);
  EXPECT_FALSE(plain.is_stream());
  EXPECT_EQ(ReadAt(plain, 0, 1000), "a,b\n");
}

TEST_F(InputFileTest, TruncatedOrCorruptStreamsAreErrorsNamingTheFile) {
  const std::string text = Text(2 << 20, 4);
  for (const auto& [name, bytes] : {std::pair{"t.csv.gz", Gzip(text)}, std::pair{"t.csv.zst", Zstd(text)}}) {
    SCOPED_TRACE(name);
    const std::string path = Write(name, bytes.substr(0, bytes.size() / 2));
    InputFile file(path, InputFile::Decompress::kAuto);
    try {
      ReadAt(file, 0, static_cast<int64_t>(text.size()));
      ADD_FAILURE() << "a truncated stream was read without an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find(path + ": the "), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("stream ends early"), std::string::npos) << e.what();
    }
    std::string corrupt = bytes;
    for (size_t i = corrupt.size() / 3; i < corrupt.size() / 3 + 2000; ++i) corrupt[i] = static_cast<char>(i * 7);
    InputFile bad(Write("c" + std::string(name), corrupt), InputFile::Decompress::kAuto);
    try {
      ReadAt(bad, 0, static_cast<int64_t>(text.size()));
      ADD_FAILURE() << "a corrupt stream was read without an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find("data is corrupt"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace outcore
