#include "chain.hpp"

#include "siem/core/ids.hpp"

#include "codec.hpp"
#include <openssl/evp.h>

#include <cstring>
#include <memory>

namespace siem::store::detail {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Fetched once: OpenSSL 3 looks an implicit EVP_sha256() up again on every EVP_DigestInit_ex,
// which costs more than hashing a chain link's 72 bytes.
auto md_for(HashAlgorithm alg) -> const EVP_MD* {
  static EVP_MD* const sm3 = EVP_MD_fetch(nullptr, "SM3", nullptr);
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const EVP_MD* md = alg == HashAlgorithm::sm3 ? sm3 : sha256;
  return md != nullptr ? md : (alg == HashAlgorithm::sm3 ? EVP_sm3() : EVP_sha256());
}

/// H(a || b) with one EVP context per thread (its setup is the expensive part for short input).
auto hash_two(HashAlgorithm alg, std::string_view a, std::string_view b) -> Digest {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx{EVP_MD_CTX_new()};
  Digest out{};
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), md_for(alg), nullptr);
  EVP_DigestUpdate(ctx.get(), a.data(), a.size());
  if (!b.empty()) {
    EVP_DigestUpdate(ctx.get(), b.data(), b.size());
  }
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  return out;
}

}  // namespace

auto hash_name(HashAlgorithm alg) -> std::string_view {
  return alg == HashAlgorithm::sm3 ? "sm3" : "sha256";
}

auto parse_hash_name(std::string_view name) -> core::Result<HashAlgorithm> {
  if (name == "sm3") {
    return HashAlgorithm::sm3;
  }
  if (name == "sha256") {
    return HashAlgorithm::sha256;
  }
  return core::invalid_argument("unknown hash algorithm '" + std::string{name}
                                + "' (expected sm3 or sha256)");
}

auto chain_link_v1(HashAlgorithm alg, const Digest& prev, std::uint64_t seq,
                   core::TimeMs received_at, std::string_view source, std::string_view position,
                   std::string_view bytes) -> Digest {
  std::string header;
  header.reserve(64 + source.size() + position.size());
  header.append(digest_view(prev));
  put_be64(header, seq);
  put_be64(header, static_cast<std::uint64_t>(received_at));
  put_lp(header, source);
  put_lp(header, position);
  put_varint(header, bytes.size());
  return hash_two(alg, header, bytes);
}

auto record_digest(HashAlgorithm alg, core::TimeMs received_at, std::string_view source,
                   std::string_view position, std::string_view bytes) -> Digest {
  constexpr std::string_view kDomain = "siem-record-v2";
  // Reused per thread: the record digests are computed on the sources' threads.
  thread_local std::string header;
  header.clear();
  header.append(kDomain);
  put_be64(header, static_cast<std::uint64_t>(received_at));
  put_lp(header, source);
  put_lp(header, position);
  put_varint(header, bytes.size());
  return hash_two(alg, header, bytes);
}

auto chain_link_v2(HashAlgorithm alg, const Digest& prev, std::uint64_t seq, const Digest& digest)
    -> Digest {
  std::array<char, 32 + 8 + 32> buf{};
  std::memcpy(buf.data(), prev.data(), prev.size());
  for (int i = 0; i < 8; ++i) {
    buf[32 + i] = static_cast<char>((seq >> (56 - 8 * i)) & 0xFFU);
  }
  std::memcpy(buf.data() + 40, digest.data(), digest.size());
  return hash_two(alg, {buf.data(), buf.size()}, {});
}

auto sha256_hex(std::string_view data) -> std::string {
  unsigned char out[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return core::to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

}  // namespace siem::store::detail
