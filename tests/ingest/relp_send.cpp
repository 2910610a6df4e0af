// relp_send HOST PORT < lines: sends each line of stdin as one RELP "syslog" command with
// librelp's client (as rsyslog's omrelp does) and exits 0 once the session is closed cleanly,
// i.e. after the server has answered every command. Any failure exits 1 with the librelp error.
#include <sys/types.h>  // librelp.h uses size_t without including it
extern "C" {            // librelp.h has no C++ guards
#include <librelp.h>
}

#include <sys/socket.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace {

auto uchars(std::string& s) -> unsigned char* {
  return reinterpret_cast<unsigned char*>(
      s.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

auto check(relpRetVal rc, const char* what) -> bool {
  if (rc != RELP_RET_OK) {
    std::fprintf(stderr, "relp_send: %s failed: librelp error %d\n", what, rc);
    return false;
  }
  return true;
}

extern "C" void on_error(void* /*usr*/, char* objinfo, char* errmsg, relpRetVal code) {
  std::fprintf(stderr, "relp_send: %s: %s (librelp error %d)\n", objinfo, errmsg, code);
}

extern "C" void on_generic_error(char* objinfo, char* errmsg, relpRetVal code) {
  on_error(nullptr, objinfo, errmsg, code);
}

extern "C" void debug_print(char* /*fmt*/, ...) {}

}  // namespace

auto main(int argc, char** argv) -> int {
  if (argc != 3) {
    std::fprintf(stderr, "usage: relp_send HOST PORT < lines\n");
    return 2;
  }
  std::string host = argv[1];
  std::string port = argv[2];
  relpEngine_t* engine = nullptr;
  relpClt_t* client = nullptr;
  if (!check(relpEngineConstruct(&engine), "relpEngineConstruct")) {
    return 1;
  }
  std::string syslog_cmd = "syslog";
  relpEngineSetEnableCmd(engine, uchars(syslog_cmd), eRelpCmdState_Required);
  relpEngineSetDnsLookupMode(engine, 0);
  relpEngineSetOnErr(engine, on_error);
  relpEngineSetOnGenericErr(engine, on_generic_error);
  relpEngineSetDbgprint(engine, debug_print);
  if (!check(relpEngineCltConstruct(engine, &client), "relpEngineCltConstruct")) {
    return 1;
  }
  relpCltSetTimeout(client, 30);
  if (!check(relpCltConnect(client, AF_INET, uchars(port), uchars(host)), "connect")) {
    return 1;
  }
  std::string line;
  std::size_t sent = 0;
  while (std::getline(std::cin, line)) {
    if (!check(relpCltSendSyslog(client, uchars(line), line.size()), "send")) {
      return 1;
    }
    ++sent;
  }
  // Closing the session waits for the server's answers to everything sent.
  if (!check(relpEngineCltDestruct(engine, &client), "close")) {
    return 1;
  }
  relpEngineDestruct(&engine);
  std::printf("%zu\n", sent);
  return 0;
}
