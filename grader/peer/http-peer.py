#!/usr/bin/env python3
"""http-peer: the grader's HTTP/1.1 client for lab 07, where curl cannot do it.

    http-peer.py PATH REQUEST_FILE... [options]

Connects to the Unix socket PATH, sends the bytes of REQUEST_FILE (whole, one
byte per send with pauses, or in two parts with a pause between), reads the
answers and prints one JSON document on a line of stdout; with several
REQUEST_FILEs, one connection after the other, one line each:

    {"responses": [{"status": 200, "version": "HTTP/1.1", "headers": {...},
                    "body": "...", "framed": true}, ...],
     "closed": true|false,   # the server closed the connection
     "reset": true|false,    # ECONNRESET/EPIPE (the server closed with data unread)
     "trailing": "...",      # bytes after the last whole answer
     "problem": "..."}       # why an answer could not be read, or null

Options:
  --split PAUSE       one byte per send(), PAUSE seconds apart
  --pause-after N S   send N bytes, write READY_FILE if given, sleep S, send the rest
  --ready FILE        touched once the first part was sent
  --heads LIST        comma-separated indexes (0-based) of answers to HEAD requests
  --expect N          stop reading after N answers (plus --linger)
  --linger S          after the expected answers, wait S seconds for the close
  --keep-open         never shut down our writing side
  --no-read           send, then close at once without reading anything
  --wait S            give up reading after S seconds (default 10)
  --lockstep          send the requests (cut at each CRLF CRLF) one at a time,
                      each once the previous one's answer has arrived, as
                      curl and the Docker clients do
  --retry             when the server closes after an answer that said
                      "Connection: close", send the unanswered requests again
                      on a new connection, as HTTP clients do

Answers are framed by Content-Length; an answer without one is read up to the
close of the connection and marked "framed": false.
"""
import json
import select
import socket
import sys
import time


def parse_args(argv):
    opts = {"split": None, "pause_after": None, "ready": None, "heads": set(),
            "expect": None, "linger": 0.3, "keep_open": False, "no_read": False,
            "wait": 10.0, "lockstep": False, "retry": False}
    path, files = argv[0], []
    i = 1
    while i < len(argv) and not argv[i].startswith("--"):
        files.append(argv[i])
        i += 1
    while i < len(argv):
        a = argv[i]
        if a == "--split":
            opts["split"] = float(argv[i + 1]); i += 2
        elif a == "--pause-after":
            opts["pause_after"] = (int(argv[i + 1]), float(argv[i + 2])); i += 3
        elif a == "--ready":
            opts["ready"] = argv[i + 1]; i += 2
        elif a == "--heads":
            opts["heads"] = {int(x) for x in argv[i + 1].split(",") if x}; i += 2
        elif a == "--expect":
            opts["expect"] = int(argv[i + 1]); i += 2
        elif a == "--linger":
            opts["linger"] = float(argv[i + 1]); i += 2
        elif a == "--keep-open":
            opts["keep_open"] = True; i += 1
        elif a == "--lockstep":
            opts["lockstep"] = True; i += 1
        elif a == "--retry":
            opts["retry"] = True; i += 1
        elif a == "--no-read":
            opts["no_read"] = True; i += 1
        elif a == "--wait":
            opts["wait"] = float(argv[i + 1]); i += 2
        else:
            raise SystemExit("http-peer: unknown option " + a)
    return path, files, opts


def parse_responses(data, heads, closed, first=0):
    """Cut whole answers out of data; answer number first + i answers a HEAD
    request if it is in heads. Returns (answers, rest, problem)."""
    answers = []
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return answers, data, None
        head = data[:end].decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            return answers, data, "not an HTTP status line: %r" % lines[0][:80]
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                return answers, data, "not a header line: %r" % line[:80]
            headers[name.strip().lower()] = value.strip()
        rest = data[end + 4:]
        status = int(parts[1])
        answer = {"status": status, "version": parts[0], "headers": headers, "framed": True}
        if first + len(answers) in heads or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "content-length" in headers:
            try:
                length = int(headers["content-length"])
            except ValueError:
                return answers, data, "Content-Length is not a number: %r" % headers["content-length"]
            if len(rest) < length:
                if not closed:
                    return answers, data, None
                # The connection ended before Content-Length bytes came.
                answer["short"] = True
                length = len(rest)
            body, rest = rest[:length], rest[length:]
        else:
            if not closed:
                return answers, data, None
            body, rest = rest, b""
            answer["framed"] = False
        answer["body"] = body.decode("latin-1")
        answers.append(answer)
        data = rest
    return answers, data, None


def split_requests(data):
    """The requests in data, each ending with its CRLF CRLF."""
    parts = []
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            parts.append(data)
            break
        parts.append(data[:end + 4])
        data = data[end + 4:]
    return parts


class Connection:
    """One connection: what was received, and how it ended."""

    def __init__(self, path, opts, first):
        self.opts, self.first = opts, first
        self.data = b""
        self.closed = self.reset = False
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)

    def send(self, chunk, split):
        try:
            if split is not None:
                for i in range(len(chunk)):
                    self.sock.send(chunk[i:i + 1])
                    time.sleep(split)
            else:
                self.sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.reset = True

    def answers(self):
        ended = self.closed or self.reset
        return parse_responses(self.data, self.opts["heads"], ended, self.first)

    def read(self, deadline, until_answers=None, linger=None):
        """Read until the close, the deadline, or until_answers answers (then
        linger a little, --linger by default, to see whether the server
        closes)."""
        if linger is None:
            linger = self.opts["linger"]
        linger_until = None
        while not (self.closed or self.reset):
            now = time.monotonic()
            limit = deadline if linger_until is None else min(deadline, linger_until)
            if now >= limit:
                return
            ready, _, _ = select.select([self.sock], [], [], limit - now)
            if not ready:
                continue
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                self.reset = True
                return
            if not chunk:
                self.closed = True
                return
            self.data += chunk
            if until_answers is not None and linger_until is None:
                if len(self.answers()[0]) >= until_answers:
                    linger_until = time.monotonic() + linger


def converse(path, request_file, opts):
    with open(request_file, "rb") as f:
        request = f.read()
    deadline = time.monotonic() + opts["wait"]
    requests = split_requests(request) if (opts["lockstep"] or opts["retry"]) else [request]
    result = {"responses": [], "closed": False, "reset": False, "trailing": "",
              "problem": None, "connections": 0}
    pending = requests
    while True:
        conn = Connection(path, opts, len(result["responses"]))
        result["connections"] += 1
        if opts["lockstep"]:
            for i, one in enumerate(pending):
                conn.send(one, opts["split"])
                if i + 1 < len(pending):
                    # The next request goes as soon as this one's answer is
                    # in, as a client's does: a close the answer announced
                    # shows up as a reset or an end, and --retry resends.
                    conn.read(deadline, until_answers=i + 1, linger=0)
                if conn.closed or conn.reset:
                    break
        elif opts["pause_after"] is not None:
            n, pause = opts["pause_after"]
            joined = b"".join(pending)
            conn.send(joined[:n], None)
            if opts["ready"]:
                open(opts["ready"], "w").close()
            time.sleep(pause)
            conn.send(joined[n:], None)
        else:
            conn.send(b"".join(pending), opts["split"])
        if opts["no_read"]:
            conn.sock.close()
            break
        if not opts["keep_open"] and not (conn.closed or conn.reset):
            try:
                conn.sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        wanted = opts["expect"] - len(result["responses"]) if opts["expect"] is not None else None
        conn.read(deadline, until_answers=wanted)
        conn.sock.close()
        answers, rest, problem = conn.answers()
        result["responses"] += answers
        result["closed"], result["reset"] = conn.closed, conn.reset
        result["trailing"] = rest[:300].decode("latin-1")
        result["problem"] = problem
        unanswered = len(requests) - len(result["responses"])
        said_close = answers and "close" in answers[-1]["headers"].get("connection", "").lower()
        if not (opts["retry"] and (conn.closed or conn.reset) and said_close and not rest
                and unanswered > 0 and time.monotonic() < deadline):
            break
        pending = requests[len(result["responses"]):]
    print(json.dumps(result))


def main():
    path, files, opts = parse_args(sys.argv[1:])
    for request_file in files:
        converse(path, request_file, opts)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
