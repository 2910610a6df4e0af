#include "siem/core/raw_record.hpp"

#include "siem/core/json.hpp"

#include <charconv>

namespace siem::core {

namespace {

auto base64(std::string_view in) -> std::string {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const auto v = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16U)
                   | (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8U)
                   | static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18U) & 63U]);
    out.push_back(kAlphabet[(v >> 12U) & 63U]);
    out.push_back(kAlphabet[(v >> 6U) & 63U]);
    out.push_back(kAlphabet[v & 63U]);
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16U;
    if (i + 1 < in.size()) {
      v |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8U;
    }
    out.push_back(kAlphabet[(v >> 18U) & 63U]);
    out.push_back(kAlphabet[(v >> 12U) & 63U]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6U) & 63U] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace

auto RawRecord::to_json() const -> std::string {
  JsonWriter w;
  w.begin_object();
  w.field("seq", static_cast<std::int64_t>(seq));
  w.field("ref", ref());
  w.field("engagement", engagement);
  w.field("source", source);
  w.field("position", position);
  if (!peer.empty()) {
    w.field("peer", peer);
  }
  w.field("received_at", format_rfc3339(received_at));
  w.field("hash", hash);
  w.field("raw", bytes);
  if (!is_valid_utf8(bytes)) {
    // JSON text cannot carry these bytes: the export adds them exactly, base64-encoded.
    w.field("raw_base64", base64(bytes));
  }
  w.end_object();
  return w.take();
}

}  // namespace siem::core

namespace siem::core {

auto RawRecord::ref() const -> std::string {
  return make_ref(engagement, seq);
}

void append_ref(std::string& out, std::string_view engagement, std::uint64_t seq) {
  out.append(engagement).push_back(':');
  char digits[20];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, seq).ptr);
}

auto make_ref(std::string_view engagement, std::uint64_t seq) -> std::string {
  std::string out;
  append_ref(out, engagement, seq);
  return out;
}

auto parse_ref(std::string_view ref) -> std::optional<Ref> {
  const auto colon = ref.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= ref.size()
      || ref.size() - colon - 1 > 19) {
    return std::nullopt;
  }
  std::uint64_t seq = 0;
  for (std::size_t i = colon + 1; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') {
      return std::nullopt;
    }
    seq = seq * 10 + static_cast<std::uint64_t>(ref[i] - '0');
  }
  if (seq == 0) {
    return std::nullopt;
  }
  return Ref{std::string{ref.substr(0, colon)}, seq};
}

}  // namespace siem::core
