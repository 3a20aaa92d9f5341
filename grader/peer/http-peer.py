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

Answers are framed by Content-Length; an answer without one is read up to the
close of the connection and marked "framed": false.
"""
import json
import os
import select
import socket
import sys
import time


def parse_args(argv):
    opts = {"split": None, "pause_after": None, "ready": None, "heads": set(),
            "expect": None, "linger": 0.3, "keep_open": False, "no_read": False,
            "wait": 10.0}
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
        elif a == "--no-read":
            opts["no_read"] = True; i += 1
        elif a == "--wait":
            opts["wait"] = float(argv[i + 1]); i += 2
        else:
            raise SystemExit("http-peer: unknown option " + a)
    return path, files, opts


def parse_responses(data, heads, closed):
    """Cut whole answers out of data. Returns (answers, rest, problem)."""
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
        if len(answers) in heads or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "content-length" in headers:
            try:
                length = int(headers["content-length"])
            except ValueError:
                return answers, data, "Content-Length is not a number: %r" % headers["content-length"]
            if len(rest) < length:
                return answers, data, None
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


def main():
    path, files, opts = parse_args(sys.argv[1:])
    for request_file in files:
        converse(path, request_file, opts)
        sys.stdout.flush()


def converse(path, request_file, opts):
    with open(request_file, "rb") as f:
        request = f.read()
    result = {"responses": [], "closed": False, "reset": False, "trailing": "", "problem": None}
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    try:
        if opts["split"] is not None:
            for i in range(len(request)):
                s.send(request[i:i + 1])
                time.sleep(opts["split"])
        elif opts["pause_after"] is not None:
            n, pause = opts["pause_after"]
            s.sendall(request[:n])
            if opts["ready"]:
                open(opts["ready"], "w").close()
            time.sleep(pause)
            s.sendall(request[n:])
        else:
            s.sendall(request)
        if opts["no_read"]:
            s.close()
            print(json.dumps(result))
            return
        if not opts["keep_open"]:
            s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        result["reset"] = True

    data = b""
    deadline = time.monotonic() + opts["wait"]
    linger_until = None
    while True:
        now = time.monotonic()
        limit = deadline if linger_until is None else min(deadline, linger_until)
        if now >= limit:
            break
        ready, _, _ = select.select([s], [], [], limit - now)
        if not ready:
            continue
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            result["reset"] = True
            break
        if not chunk:
            result["closed"] = True
            break
        data += chunk
        if opts["expect"] is not None and linger_until is None:
            answers, _, _ = parse_responses(data, opts["heads"], False)
            if len(answers) >= opts["expect"]:
                linger_until = time.monotonic() + opts["linger"]
    s.close()
    answers, rest, problem = parse_responses(data, opts["heads"], result["closed"] or result["reset"])
    result["responses"] = answers
    result["trailing"] = rest[:300].decode("latin-1")
    result["problem"] = problem
    print(json.dumps(result))


if __name__ == "__main__":
    main()
