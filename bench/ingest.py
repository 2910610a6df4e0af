#!/usr/bin/env python3
"""End-to-end ingest throughput of `siem run` (issue 5), beside syslog-ng on the same lines.

  bench/ingest.py syslog FILE [--siem BIN] [--reps 3]
      One TCP connection sends FILE (LF-framed lines, sendfile) to a syslog source; time from
      the first byte to N raw records stored in the ledger (fsynced), and to N events stored.
      syslog-ng 3.38 gets the same bytes on its network(tcp) source, flags(no-parse), written
      to a file with flow control (the plumbing floor: it parses nothing).
  bench/ingest.py kafka FILE --mock BIN [--siem BIN] [--reps 3]
      The lines are produced to a 3-broker mock cluster (librdkafka's rdkafka_mock, topic of 200
      partitions) with kcat first; then the engine starts with a Kafka source and is timed
      from its start to N records stored, and to N events stored.

Performance profile: SHA-256 chain, AES-256-CTR at rest, default group commit. Progress
comes from /metrics (siem_raw_records_total, siem_events_total), polled every 50 ms.
"""
import argparse, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PARTS = 128  # Kafka partitions of the benchmark topic


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def metrics(api):
    try:
        txt = urllib.request.urlopen(api + "/metrics", timeout=2).read().decode()
    except Exception:
        return {}
    out = {}
    for line in txt.splitlines():
        if line.startswith(("siem_raw_records_total ", "siem_events_total ")):
            k, v = line.split(" ")
            out[k] = int(float(v))
    return out


def wait_healthy(api, timeout=30):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            urllib.request.urlopen(api + "/healthz", timeout=1)
            return
        except Exception:
            time.sleep(0.05)
    sys.exit("engine did not become healthy")


FIRST = {}


def watch(api, n, t0, timeout=600):
    """Seconds from t0 until N raw records, and until N events, are stored (FIRST["t"]: until
    the first record is)."""
    raw_t = ev_t = None
    FIRST.clear()
    while time.monotonic() - t0 < timeout:
        m = metrics(api)
        now = time.monotonic()
        if "t" not in FIRST and m.get("siem_raw_records_total", 0) > 0:
            FIRST["t"] = now - t0
        if raw_t is None and m.get("siem_raw_records_total", 0) >= n:
            raw_t = now - t0
        if m.get("siem_events_total", 0) >= n:
            ev_t = now - t0
            return raw_t or ev_t, ev_t
        time.sleep(0.05)
    sys.exit("timed out: %s" % metrics(api))


def engine(siem, work, sources_yaml, api_port, priority="normal"):
    cfg = os.path.join(work, "config.yml")
    with open(cfg, "w") as f:
        f.write(f"""data: {work}/data
api: {{listen: "127.0.0.1:{api_port}"}}
store: {{hash: sha256, encryption: aes-256-ctr}}
pipeline: {{progress_interval: 1h, processing_priority: {priority}}}
sources:
{sources_yaml}
""")
    return subprocess.Popen([siem, "run", "--config", cfg], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "engine.log"), "w"))


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()


def send_file(port, path):
    s = socket.create_connection(("127.0.0.1", port))
    with open(path, "rb") as f:
        s.sendfile(f)
    s.shutdown(socket.SHUT_WR)
    s.close()


def syslog_ng_tcp(path, n, work):
    port = free_port()
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "out.log")
    cfg = os.path.join(work, "tcp.conf")
    with open(cfg, "w") as f:
        f.write(f"""@version: 3.38
options {{ stats-level(1); use-dns(no); dns-cache(no); keep-hostname(yes); mark-freq(0); stats-freq(0); }};
source s_in {{ network(ip("127.0.0.1") port({port}) transport("tcp") flags(no-parse) log-iw-size(20000) log-fetch-limit(1000) log-msg-size(65536)); }};
destination d_out {{ file("{out}" template("${{MESSAGE}}\\n") log-fifo-size(200000) flush-lines(1000)); }};
log {{ source(s_in); destination(d_out); flags(flow-control); }};
""")
    ctl = os.path.join(work, "ctl")
    proc = subprocess.Popen(["syslog-ng", "-F", "--no-caps", "-f", cfg, "-R", os.path.join(work, "persist"),
                             "-p", os.path.join(work, "pid"), "-c", ctl], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "stderr.txt"), "w"))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            break
        except OSError:
            time.sleep(0.05)
    t0 = time.monotonic()
    send_file(port, path)
    done = None
    while time.monotonic() - t0 < 600:
        st = subprocess.run(["syslog-ng-ctl", "stats", "-c", ctl], capture_output=True, text=True).stdout
        written = 0
        for line in st.splitlines():
            p = line.split(";")
            if len(p) == 6 and p[0] == "dst.file" and p[4] == "written":
                written = int(p[5])
        if written >= n:
            done = time.monotonic() - t0
            break
        time.sleep(0.05)
    try:
        os.kill(int(open(os.path.join(work, "pid")).read()), signal.SIGTERM)
    except Exception:
        proc.terminate()
    proc.wait(timeout=60)
    if done is None:
        sys.exit("syslog-ng did not write all lines")
    return done


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["syslog", "kafka"])
    ap.add_argument("file")
    ap.add_argument("--siem", default=os.path.join(HERE, "..", "build-bench", "siem"))
    ap.add_argument("--mock")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--processing-priority", choices=["normal", "background"], default="normal",
                    help="pipeline.processing_priority of the engine under test")
    a = ap.parse_args()
    n = sum(1 for _ in open(a.file, "rb"))
    size = os.path.getsize(a.file)
    print(f"{a.file}: {n} lines, {size / n:.0f} B average")
    results = []
    peer = []
    steady = []
    for rep in range(a.reps):
        work = tempfile.mkdtemp(prefix="siem-ingest-bench-")
        try:
            api_port = free_port()
            api = f"http://127.0.0.1:{api_port}"
            if a.mode == "syslog":
                port = free_port()
                proc = engine(a.siem, work, f'  - {{name: tcp, type: syslog, listen: "127.0.0.1:{port}", protocol: tcp, batch_records: 2048}}', api_port, a.processing_priority)
                wait_healthy(api)
                t0 = time.monotonic()
                send_file(port, a.file)
                raw_s, ev_s = watch(api, n, t0)
                stop(proc)
                if not a.no_peer:
                    peer.append(syslog_ng_tcp(a.file, n, os.path.join(work, "sng")))
            else:
                mock_in = os.path.join(work, "mock.in")
                os.mkfifo(mock_in)
                mock_out = os.path.join(work, "mock.out")
                mock = subprocess.Popen(f'exec "{a.mock}" --brokers 3 --topic logs:{PARTS} <"{mock_in}" >"{mock_out}" 2>"{work}/mock.log"', shell=True)
                hold = open(mock_in, "w")
                while not os.path.exists(mock_out) or os.path.getsize(mock_out) == 0:
                    time.sleep(0.05)
                boot = open(mock_out).readline().strip()
                lines = open(a.file, "rb").readlines()
                share = (len(lines) + PARTS - 1) // PARTS
                for p in range(PARTS):
                    part = os.path.join(work, f"part-{p}")
                    with open(part, "wb") as f:
                        f.writelines(lines[p * share:(p + 1) * share])
                    subprocess.run(["kcat", "-P", "-b", boot, "-t", "logs", "-p", str(p), "-l", part,
                                    "-X", "linger.ms=20"], check=True, stderr=subprocess.DEVNULL)
                    os.remove(part)
                del lines
                tk = time.monotonic()
                held = subprocess.run(["kcat", "-C", "-b", boot, "-t", "logs", "-o", "beginning", "-e", "-q",
                                       "-f", "x\\n"], capture_output=True, text=True).stdout.count("x")
                if held != n:
                    sys.exit(f"the mock cluster holds {held} of {n} records")
                print(f"  kcat reads the {n} records back at {n / (time.monotonic() - tk):,.0f} records/s")
                t0 = time.monotonic()
                proc = engine(a.siem, work, f'  - {{name: k, type: kafka, brokers: "{boot}", topics: [logs], group_id: bench, batch_records: 2048}}', api_port, a.processing_priority)
                wait_healthy(api)
                raw_s, ev_s = watch(api, n, t0)
                stop(proc)
                hold.close()
                mock.terminate()
                mock.wait()
            results.append((raw_s, ev_s))
            if a.mode == "kafka":
                first = FIRST.get("t", 0.0)
                steady.append(n / (raw_s - first))
                print(f"  run {rep + 1}: first record stored {first:.2f} s after the engine started "
                      f"(store open, group join); from then on {steady[-1]:,.0f} records/s")
            print(f"  run {rep + 1}: ledger {n / raw_s:,.0f} records/s ({raw_s:.2f} s), "
                  f"events {n / ev_s:,.0f}/s ({ev_s:.2f} s)" + (f"; syslog-ng {n / peer[-1]:,.0f} lines/s" if peer else ""))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    best_raw = min(r for r, _ in results)
    best_ev = min(e for _, e in results)
    if steady:
        print(f"best of {a.reps} from the first record on: ledger {max(steady):,.0f} records/s")
    print(f"best of {a.reps}: ledger {n / best_raw:,.0f} records/s, stored as events {n / best_ev:,.0f}/s"
          + (f"; syslog-ng tcp->file (no parsing) best {n / min(peer):,.0f} lines/s, median {n / statistics.median(peer):,.0f}" if peer else ""))


if __name__ == "__main__":
    main()
