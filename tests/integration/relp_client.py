#!/usr/bin/env python3
"""A RELP client that speaks the protocol itself and records which messages were acknowledged.

  relp_client.py HOST PORT LINES ACKED

Opens a session, sends each line of LINES as a "syslog" command (up to 32 unanswered) and
appends the line to ACKED (flushed) as soon as its "rsp 200" arrives. Exits 0 when every line
was acknowledged and the session closed; 1 when the connection broke first (ACKED then holds
exactly the acknowledged lines).
"""
import socket
import sys

WINDOW = 32


class Conn:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.buf = b""

    def send(self, txnr, command, data):
        head = f"{txnr} {command} {len(data)}".encode()
        self.sock.sendall(head + (b" " + data if data else b"") + b"\n")

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buf += chunk

    def _token(self):
        while True:
            i = min([p for p in (self.buf.find(b" "), self.buf.find(b"\n")) if p >= 0], default=-1)
            if i >= 0:
                tok, sep = self.buf[:i], self.buf[i:i + 1]
                self.buf = self.buf[i + 1:]
                return tok.decode(), sep
            self._fill()

    def frame(self):
        """(txnr, command, data) of the next frame from the server."""
        txnr, _ = self._token()
        command, _ = self._token()
        length, sep = self._token()
        n = int(length)
        data = b""
        if n > 0:
            while len(self.buf) < n + 1:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 1:]  # data, then the trailing LF
        elif sep == b" ":
            while not self.buf.startswith(b"\n"):
                self._fill()
            self.buf = self.buf[1:]
        return int(txnr), command, data


def main():
    host, port, lines_path, acked_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    lines = [l.rstrip(b"\n") for l in open(lines_path, "rb")]
    acked = open(acked_path, "ab")
    try:
        c = Conn(host, port)
        c.send(1, "open", b"relp_version=0\nrelp_software=siem-test\ncommands=syslog")
        txnr, command, data = c.frame()
        if command != "rsp" or not data.startswith(b"200"):
            print(f"open refused: {command} {data!r}", file=sys.stderr)
            return 1
        pending = {}  # txnr -> line
        next_txnr = 2
        i = 0
        while i < len(lines) or pending:
            while i < len(lines) and len(pending) < WINDOW:
                c.send(next_txnr, "syslog", lines[i])
                pending[next_txnr] = lines[i]
                next_txnr += 1
                i += 1
            txnr, command, data = c.frame()
            if command == "serverclose":
                raise ConnectionError("serverclose")
            if command == "rsp" and txnr in pending:
                line = pending.pop(txnr)
                if data.startswith(b"200"):
                    acked.write(line + b"\n")
                    acked.flush()
                else:
                    print(f"message {txnr} refused: {data!r}", file=sys.stderr)
                    return 1
        c.send(next_txnr, "close", b"")
        c.frame()
        return 0
    except (ConnectionError, OSError) as e:
        print(f"connection broke: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
