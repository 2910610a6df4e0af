#include "chain.hpp"

#include <openssl/evp.h>

#include <memory>

#include "codec.hpp"
#include "siem/core/ids.hpp"

namespace siem::store::detail {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

auto md_for(HashAlgorithm alg) -> const EVP_MD* {
  return alg == HashAlgorithm::sm3 ? EVP_sm3() : EVP_sha256();
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

auto chain_link(HashAlgorithm alg, const Digest& prev, std::uint64_t seq, core::TimeMs received_at,
                std::string_view source, std::string_view position, std::string_view bytes)
    -> Digest {
  // One context per thread: EVP_MD_CTX setup is the expensive part for short records.
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx{EVP_MD_CTX_new()};
  std::string header;
  header.reserve(64 + source.size() + position.size());
  header.append(digest_view(prev));
  put_be64(header, seq);
  put_be64(header, static_cast<std::uint64_t>(received_at));
  put_lp(header, source);
  put_lp(header, position);
  put_varint(header, bytes.size());
  Digest out{};
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), md_for(alg), nullptr);
  EVP_DigestUpdate(ctx.get(), header.data(), header.size());
  EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size());
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  return out;
}

auto sha256_hex(std::string_view data) -> std::string {
  unsigned char out[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return core::to_hex(std::string_view(reinterpret_cast<const char*>(out), len));
}

}  // namespace siem::store::detail
