#include "encryption.hpp"

#include "siem/core/ids.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <rocksdb/env_encryption.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace siem::store::detail {
namespace {

namespace fs = std::filesystem;
using core::Result;
using core::Status;

constexpr char kMagic[8] = {'S', 'I', 'E', 'M', 'E', 'N', 'C', '1'};
// Prefix layout: magic (8) | cipher (1) | reserved (7) | key id (8) | key check value (8) |
// IV (16) | zeros to kPrefixLength.
constexpr std::size_t kCipherAt = 8;
constexpr std::size_t kKeyIdAt = 16;
constexpr std::size_t kCheckAt = 24;
constexpr std::size_t kIvAt = 32;
constexpr std::size_t kBlock = 16;

auto to_hex(const unsigned char* p, std::size_t n) -> std::string {
  return core::to_hex({reinterpret_cast<const char*>(p), n});
}

auto evp_cipher(Cipher c) -> const EVP_CIPHER* {
  switch (c) {
    case Cipher::aes_256_ctr: return EVP_aes_256_ctr();
    case Cipher::sm4_ctr: return EVP_sm4_ctr();
    case Cipher::none: break;
  }
  return nullptr;
}

auto key_id_bytes(const DataKey& key) -> std::array<unsigned char, 8> {
  static constexpr std::string_view kLabel = "siem data key id";
  std::array<unsigned char, kLabel.size() + sizeof(DataKey)> input{};
  std::copy(kLabel.begin(), kLabel.end(), input.begin());
  std::copy(key.begin(), key.end(), input.begin() + kLabel.size());
  std::array<unsigned char, EVP_MAX_MD_SIZE> d{};
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), d.data(), &len, EVP_sha256(), nullptr);
  std::array<unsigned char, 8> id{};
  std::copy_n(d.begin(), id.size(), id.begin());
  return id;
}

/// XORs `n` bytes at `data` with the CTR keystream for file offset `offset` (encryption and
/// decryption are the same operation). The counter block is the file's IV plus offset / 16,
/// as a 128-bit big-endian number, so any byte range can be processed on its own.
auto ctr_xor(const EVP_CIPHER* cipher, const DataKey& key, const std::array<unsigned char, 16>& iv,
             std::uint64_t offset, char* data, std::size_t n) -> rocksdb::Status {
  std::array<unsigned char, kBlock> counter = iv;
  std::uint64_t add = offset / kBlock;
  for (std::size_t i = kBlock; i-- > 0 && add != 0;) {
    const std::uint64_t sum = counter[i] + (add & 0xFFU);
    counter[i] = static_cast<unsigned char>(sum);
    add = (add >> 8U) + (sum >> 8U);
  }
  // One context per thread: RocksDB reads one file from several threads at once.
  thread_local const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(
      EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), counter.data()) != 1) {
    return rocksdb::Status::IOError("encryption: cannot initialise the cipher");
  }
  int out_len = 0;
  if (const auto skip = static_cast<int>(offset % kBlock); skip != 0) {
    std::array<unsigned char, kBlock> scratch{};
    if (EVP_EncryptUpdate(ctx.get(), scratch.data(), &out_len, scratch.data(), skip) != 1) {
      return rocksdb::Status::IOError("encryption: cipher failed");
    }
  }
  auto* p = reinterpret_cast<unsigned char*>(data);
  while (n > 0) {
    const auto chunk = static_cast<int>(std::min<std::size_t>(n, 1U << 30U));
    if (EVP_EncryptUpdate(ctx.get(), p, &out_len, p, chunk) != 1) {
      return rocksdb::Status::IOError("encryption: cipher failed");
    }
    p += chunk;
    n -= static_cast<std::size_t>(chunk);
  }
  return rocksdb::Status::OK();
}

class CtrStream final : public rocksdb::BlockAccessCipherStream {
public:
  CtrStream(const EVP_CIPHER* cipher, const DataKey& key, const std::array<unsigned char, 16>& iv)
      : cipher_(cipher), key_(key), iv_(iv) {}

  auto BlockSize() -> size_t override { return kBlock; }
  auto Encrypt(uint64_t offset, char* data, size_t n) -> rocksdb::Status override {
    return ctr_xor(cipher_, key_, iv_, offset, data, n);
  }
  auto Decrypt(uint64_t offset, char* data, size_t n) -> rocksdb::Status override {
    return ctr_xor(cipher_, key_, iv_, offset, data, n);
  }

protected:
  void AllocateScratch(std::string& /*scratch*/) override {}
  auto EncryptBlock(uint64_t index, char* data, char* /*scratch*/) -> rocksdb::Status override {
    return ctr_xor(cipher_, key_, iv_, index * kBlock, data, kBlock);
  }
  auto DecryptBlock(uint64_t index, char* data, char* /*scratch*/) -> rocksdb::Status override {
    return ctr_xor(cipher_, key_, iv_, index * kBlock, data, kBlock);
  }

private:
  const EVP_CIPHER* cipher_;
  DataKey key_;
  std::array<unsigned char, 16> iv_;
};

/// Writes the prefix of each new file (random IV) and checks it on every file opened.
class Provider final : public rocksdb::EncryptionProvider {
public:
  Provider(Cipher cipher, const DataKey& key)
      : cipher_(cipher), evp_(evp_cipher(cipher)), key_(key), key_id_(key_id_bytes(key)) {
    // Key check value: the first 8 bytes of the cipher applied to a zero block (CTR with a
    // zero counter), the usual way to tell a key is the right one without revealing it.
    std::array<char, kBlock> zero{};
    static_cast<void>(ctr_xor(evp_, key_, {}, 0, zero.data(), zero.size()));
    std::copy_n(zero.begin(), check_.size(), check_.begin());
  }

  auto Name() const -> const char* override { return "SiemCtrProvider"; }
  auto GetPrefixLength() const -> size_t override { return kPrefixLength; }

  auto CreateNewPrefix(const std::string& /*fname*/, char* prefix, size_t length) const
      -> rocksdb::Status override {
    if (length < kPrefixLength) {
      return rocksdb::Status::InvalidArgument("encryption: prefix buffer too small");
    }
    std::memset(prefix, 0, length);
    std::memcpy(prefix, kMagic, sizeof kMagic);
    prefix[kCipherAt] = static_cast<char>(cipher_);
    std::memcpy(prefix + kKeyIdAt, key_id_.data(), key_id_.size());
    std::memcpy(prefix + kCheckAt, check_.data(), check_.size());
    if (RAND_bytes(reinterpret_cast<unsigned char*>(prefix + kIvAt), kBlock) != 1) {
      return rocksdb::Status::IOError("encryption: no random bytes for a file IV");
    }
    return rocksdb::Status::OK();
  }

  auto AddCipher(const std::string& /*descriptor*/, const char* /*cipher*/, size_t /*len*/,
                 bool /*for_write*/) -> rocksdb::Status override {
    return rocksdb::Status::NotSupported("encryption: keys come from the key directory");
  }

  auto CreateCipherStream(const std::string& fname, const rocksdb::EnvOptions& /*options*/,
                          rocksdb::Slice& prefix,
                          std::unique_ptr<rocksdb::BlockAccessCipherStream>* result)
      -> rocksdb::Status override {
    if (prefix.size() < kIvAt + kBlock || std::memcmp(prefix.data(), kMagic, sizeof kMagic) != 0) {
      return rocksdb::Status::Corruption("not encrypted by siem (no SIEMENC1 prefix): " + fname);
    }
    const auto* p = reinterpret_cast<const unsigned char*>(prefix.data());
    if (std::memcmp(p + kKeyIdAt, key_id_.data(), key_id_.size()) != 0) {
      return rocksdb::Status::InvalidArgument(
          "wrong key: " + fname + " was written with data key " + to_hex(p + kKeyIdAt, 8)
          + ", the key given is " + to_hex(key_id_.data(), key_id_.size()));
    }
    if (std::memcmp(p + kCheckAt, check_.data(), check_.size()) != 0
        || static_cast<unsigned char>(prefix[kCipherAt]) != static_cast<unsigned char>(cipher_)) {
      return rocksdb::Status::InvalidArgument("wrong key: the key check value or cipher of "
                                              + fname + " does not match the key given");
    }
    std::array<unsigned char, 16> iv{};
    std::copy_n(p + kIvAt, iv.size(), iv.begin());
    *result = std::make_unique<CtrStream>(evp_, key_, iv);
    return rocksdb::Status::OK();
  }

private:
  Cipher cipher_;
  const EVP_CIPHER* evp_;
  DataKey key_;
  std::array<unsigned char, 8> key_id_;
  std::array<unsigned char, 8> check_{};
};

auto env_var_name(std::string_view name) -> std::string {
  std::string v = "SIEM_KEY_";
  for (const char c : name) {
    v += (c == '-' || c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return v;
}

auto parse_hex_key(std::string_view text, std::string_view where) -> Result<DataKey> {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  DataKey key{};
  const auto bytes = core::from_hex(text);
  if (!bytes || bytes->size() != key.size()) {
    return core::invalid_argument(std::string{where} + ": a data key is 64 hex digits");
  }
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

}  // namespace

auto cipher_name(Cipher c) -> std::string_view {
  switch (c) {
    case Cipher::aes_256_ctr: return "aes-256-ctr";
    case Cipher::sm4_ctr: return "sm4-ctr";
    case Cipher::none: break;
  }
  return "none";
}

auto parse_cipher(std::string_view s) -> Result<Cipher> {
  for (const auto c : {Cipher::none, Cipher::aes_256_ctr, Cipher::sm4_ctr}) {
    if (s == cipher_name(c)) {
      return c;
    }
  }
  // Appended, not `"'" + std::string{s} + ...`: GCC 12 at -O3 reports a false -Wrestrict
  // on operator+(const char*, string&&) (GCC bug 105329).
  std::string message{"'"};
  message.append(s).append("' is not none, aes-256-ctr or sm4-ctr");
  return core::invalid_argument(message);
}

auto key_id(const DataKey& key) -> std::string {
  const auto id = key_id_bytes(key);
  return to_hex(id.data(), id.size());
}

auto load_key(const std::string& key_dir, std::string_view name, bool create) -> Result<DataKey> {
  const auto var = env_var_name(name);
  if (const char* v = std::getenv(var.c_str()); v != nullptr && *v != '\0') {
    return parse_hex_key(v, var);
  }
  const fs::path path = fs::path(key_dir) / (std::string{name} + ".key");
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      return core::io_error("cannot read " + path.string());
    }
    return parse_hex_key(text, path.string());
  }
  if (!create) {
    return core::not_found("no data key for '" + std::string{name} + "': neither " + var
                           + " nor " + path.string()
                           + " is there (a lost key means the data cannot be read)");
  }
  DataKey key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    return core::io_error("no random bytes for a data key");
  }
  SIEM_TRY(
      create_key_file(key_dir, path.filename().string(), to_hex(key.data(), key.size()) + "\n"));
  return key;
}

auto create_key_file(const std::string& key_dir, const std::string& file, std::string_view text)
    -> Status {
  std::error_code ec;
  fs::create_directories(key_dir, ec);
  if (ec) {
    return core::io_error("cannot create key directory " + key_dir + ": " + ec.message());
  }
  ::chmod(key_dir.c_str(), 0700);
  const fs::path path = fs::path(key_dir) / file;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return core::io_error("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())
                  && ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::ok() : core::io_error("cannot write " + path.string());
}

auto make_encrypted_env(Cipher cipher, const DataKey& key)
    -> Result<std::unique_ptr<rocksdb::Env>> {
  if (evp_cipher(cipher) == nullptr) {
    return core::invalid_argument("store.encryption: no cipher to encrypt with");
  }
  auto provider = std::make_shared<Provider>(cipher, key);
  return std::unique_ptr<rocksdb::Env>(rocksdb::NewEncryptedEnv(rocksdb::Env::Default(), provider));
}

}  // namespace siem::store::detail
