#include "siem/parsers/transcoder.hpp"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace siem::parsers {

struct Transcoder::Impl {
  std::string name;
  iconv_t cd = reinterpret_cast<iconv_t>(-1);  // NOLINT(performance-no-int-to-ptr): iconv's error value

  Impl() = default;
  Impl(const Impl&) = delete;
  auto operator=(const Impl&) -> Impl& = delete;
  Impl(Impl&&) = delete;
  auto operator=(Impl&&) -> Impl& = delete;

  ~Impl() {
    if (cd != reinterpret_cast<iconv_t>(-1)) {  // NOLINT(performance-no-int-to-ptr)
      iconv_close(cd);
    }
  }
};

Transcoder::Transcoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Transcoder::~Transcoder() = default;

auto Transcoder::create(std::string_view encoding) -> core::Result<std::unique_ptr<Transcoder>> {
  std::string lower(encoding);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto impl = std::make_unique<Impl>();
  if (lower == "utf-8" || lower == "utf8") {
    impl->name = "utf-8";
  } else if (lower == "gbk" || lower == "gb18030" || lower == "gb2312") {
    impl->name = "gb18030";
    impl->cd = iconv_open("UTF-8", "GB18030");
    if (impl->cd == reinterpret_cast<iconv_t>(-1)) {  // NOLINT(performance-no-int-to-ptr)
      return core::internal_error("iconv cannot convert GB18030 to UTF-8 on this system");
    }
  } else {
    return core::invalid_argument("unknown encoding '" + std::string{encoding}
                                  + "' (known: utf-8, gbk, gb18030)");
  }
  return std::unique_ptr<Transcoder>(new Transcoder(std::move(impl)));
}

auto Transcoder::is_identity() const -> bool { return impl_->name == "utf-8"; }

auto Transcoder::name() const -> std::string_view { return impl_->name; }

auto Transcoder::to_utf8(std::string_view in, std::string& out) -> std::size_t {
  out.clear();
  if (is_identity()) {
    out.assign(in);
    return 0;
  }
  iconv(impl_->cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  // GB18030 → UTF-8 grows at most 2x (2 bytes → 3, 4 → 4, 1 → 1); U+FFFD is 3 for 1.
  out.resize(in.size() * 3 + 4);
  char* src = const_cast<char*>(in.data());  // NOLINT(cppcoreguidelines-pro-type-const-cast): iconv's API
  std::size_t src_left = in.size();
  char* dst = out.data();
  std::size_t dst_left = out.size();
  std::size_t replaced = 0;
  while (src_left > 0) {
    const std::size_t rc = iconv(impl_->cd, &src, &src_left, &dst, &dst_left);
    if (rc != static_cast<std::size_t>(-1)) {
      break;
    }
    if (errno == EILSEQ || errno == EINVAL) {
      // An invalid or truncated sequence: one replacement character per bad byte.
      if (dst_left < 3) {
        break;
      }
      std::memcpy(dst, "\xEF\xBF\xBD", 3);
      dst += 3;
      dst_left -= 3;
      ++src;
      --src_left;
      ++replaced;
      continue;
    }
    break;  // E2BIG cannot happen with the bound above
  }
  out.resize(out.size() - dst_left);
  return replaced;
}

}  // namespace siem::parsers
