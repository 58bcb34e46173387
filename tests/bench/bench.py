#!/usr/bin/env python3
"""ochat against curl and jq, side by side, on one machine, against one local stream server.

Prints figures and ratios; never passes or fails on a figure. See tests/bench/run.sh and the
README's "Performance" section.

The server (in this process) speaks Ollama's /api/chat the way Ollama does: HTTP/1.1 chunked
transfer, one NDJSON line per HTTP chunk, Go encoding/json field order. Scenarios, by model name:
  many:N      N content chunks, pre-rendered once and sent as fast as the socket takes them
  pingpong:N  N chunks, each sent only once the harness saw the previous token on the client's
              stdout (the harness is the client's stdout reader), then the done chunk; each
              client has its own connection, and the harness reading the socket itself is the floor
Only the clients' resources are measured (wait4 per child process); the server's are not.
Conversations are saved to a temporary state directory ($XDG_STATE_HOME), never the user's.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CREATED = "2024-01-01T00:00:00.000000000Z"


def line(content, model):
    return ('{"model":%s,"created_at":"%s","message":{"role":"assistant","content":%s},"done":false}\n'
            % (json.dumps(model), CREATED, json.dumps(content))).encode()


def done_line(model, n):
    return ('{"model":%s,"created_at":"%s","message":{"role":"assistant","content":""},'
            '"done_reason":"stop","done":true,"total_duration":1,"load_duration":1,'
            '"prompt_eval_count":1,"prompt_eval_duration":1,"eval_count":%d,"eval_duration":1}\n'
            % (json.dumps(model), CREATED, n)).encode()


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")


def token(i):
    return "w%d " % i


def answer_size(n):
    return sum(len(token(i)) for i in range(n))


class Server:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.cache = {}
        self.pingpong = None  # callable(conn, model, n) run on the serving thread
        threading.Thread(target=self.serve, daemon=True).start()

    def rendered(self, model, n):
        key = (model, n)
        if key not in self.cache:
            parts = [HEAD]
            parts += [chunk(line(token(i), model)) for i in range(n)]
            parts.append(chunk(done_line(model, n)))
            parts.append(b"0\r\n\r\n")
            self.cache[key] = b"".join(parts)
        return self.cache[key]

    @staticmethod
    def read_request(conn):
        buf = b""
        while b"\r\n\r\n" not in buf:
            data = conn.recv(65536)
            if not data:
                return None
            buf += data
        head, body = buf.split(b"\r\n\r\n", 1)
        length = 0
        for h in head.split(b"\r\n")[1:]:
            k, _, v = h.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
            if k.strip().lower() == b"expect":
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        while len(body) < length:
            data = conn.recv(65536)
            if not data:
                break
            body += data
        return json.loads(body)

    def serve(self):
        while True:
            conn, _ = self.sock.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                req = self.read_request(conn)
                model = req["model"]
                name, _, arg = model.partition(":")
                n = int(arg or "1")
                if name == "pingpong":
                    self.pingpong(conn, model, n)
                else:
                    conn.sendall(self.rendered(model, n))
            except (OSError, ValueError, KeyError):
                pass
            finally:
                conn.close()


class GpuServer:
    """A GPU server with SLOTS parallel slots, for the batch measurement: keep-alive connections
    (a thread each); a request waits for a free slot, then gets its first token after 50 ms and 19
    more 5 ms apart (150 ms a request); the others wait, connected. Model "tiny" answers one token
    at once (no slot), for the memory figure."""

    def __init__(self, slots):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.slots = threading.Semaphore(slots)
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            conn, _ = self.sock.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            while True:
                req = Server.read_request(conn)
                if req is None:
                    return
                model = req["model"]
                if model == "tiny":
                    conn.sendall(head + chunk(line("ok", model)) + chunk(done_line(model, 1)) + b"0\r\n\r\n")
                    continue
                with self.slots:
                    time.sleep(0.05)
                    conn.sendall(head + chunk(line(token(0), model)))
                    for i in range(1, 20):
                        time.sleep(0.005)
                        conn.sendall(chunk(line(token(i), model)))
                    conn.sendall(chunk(done_line(model, 20)) + b"0\r\n\r\n")
        except (OSError, ValueError, KeyError):
            pass
        finally:
            conn.close()


def timed_rss(cmd, stdin_path):
    """Runs cmd with stdin from a file under GNU time; returns (wall s, cpu s, peak RSS KiB, status)."""
    with tempfile.NamedTemporaryFile("r") as f, open(stdin_path) as stdin:
        t0 = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", f.name] + cmd, stdin=stdin,
                             stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        rss = int(f.read().split()[-1])
    return wall, ru.ru_utime + ru.ru_stime, rss, os.waitstatus_to_exitcode(status)


def batch(args, _srv):
    n, slots = args.batch_items, 8
    srv = GpuServer(slots)
    limit = n * 0.150 / slots
    print("\n## Batch: %d items against a server with %d slots (first token 50 ms, then 20 tokens 5 ms apart)"
          % (n, slots))
    print("server's limit: %d x 150 ms / %d = %.2f s" % (n, slots, limit))
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as items, \
            tempfile.NamedTemporaryFile("w", suffix=".jsonl") as bodies:
        items.write("".join("item %d\n" % i for i in range(n)))
        items.flush()
        # For curl: each line a request body, handed to one curl | jq on its standard input.
        bodies.write("".join(json.dumps({"model": "gpu", "messages": [{"role": "user", "content": "item %d" % i}]})
                             + "\n" for i in range(n)))
        bodies.flush()
        runs = {
            "ochat --each -j 8": ([args.ochat, "--host", srv.url, "-m", "gpu", "--each", "-j", "8"], items.name),
            "xargs -P 8 ochat (one per item)": (["xargs", "-d", "\\n", "-P", "8", "-I{}", args.ochat, "--no-stdin",
                                                 "--host", srv.url, "-m", "gpu", "{}"], items.name),
        }
        if shutil.which("parallel"):
            runs["parallel -j 8 curl | jq (one per item)"] = (
                ["parallel", "-j", "8", "--pipe", "-N", "1",
                 "curl -sN %s/api/chat -d @- | jq -j .message.content" % srv.url], bodies.name)
        print("| client | wall s | vs limit | client CPU s | CPU vs ochat |")
        print("|---|---:|---:|---:|---:|")
        cpu_ochat = None
        for name, (cmd, stdin_path) in runs.items():
            wall, cpu, _, st = timed_rss(cmd, stdin_path)
            check(name, [st])
            if cpu_ochat is None:
                cpu_ochat = cpu
            print("| %s | %.2f | %+.1f%% | %.2f | %.1fx |" % (md(name), wall, (wall / limit - 1) * 100, cpu,
                                                           cpu / cpu_ochat if cpu_ochat else 0))
        if not shutil.which("parallel"):
            print("(GNU parallel is not installed: its row is left out)")
    print("\n## Batch: peak RSS of ochat --each -j 8 by item count (one-token answers)")
    print("| items | wall s | peak RSS |")
    print("|---:|---:|---:|")
    for count in (1000, args.batch_rss_items):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as items:
            items.write("".join("item %d\n" % i for i in range(count)))
            items.flush()
            wall, _, rss, st = timed_rss([args.ochat, "--host", srv.url, "-m", "tiny", "--each", "-j", "8"],
                                         items.name)
            check("ochat --each (%d items)" % count, [st])
            print("| %s | %.2f | %.1f MiB |" % (f"{count:,}", wall, rss / 1024))


def body(model):
    return json.dumps({"model": model, "messages": [{"role": "user", "content": "hi"}], "stream": True})


def commands(args, url, model):
    curl = ["curl", "-sN", url + "/api/chat", "-d", body(model)]
    return {
        "ochat": [[args.ochat, "--host", url, "-m", model, "hi"]],
        "ochat --events": [[args.ochat, "--host", url, "-m", model, "--events", "hi"]],
        "curl -sN": [curl],
        "curl -sN | jq": [curl, ["jq", "--unbuffered", "-j", ".message.content"]],
    }


def run_pipeline(cmds, stdout=subprocess.DEVNULL):
    """Runs cmds as a pipeline; returns (wall s, cpu s summed, peak rss KiB of the first, statuses)."""
    t0 = time.perf_counter()
    procs, prev = [], None
    for i, c in enumerate(cmds):
        last = i == len(cmds) - 1
        p = subprocess.Popen(c, stdin=prev if prev is not None else subprocess.DEVNULL,
                             stdout=stdout if last else subprocess.PIPE)
        if prev is not None:
            prev.close()
        prev = p.stdout
        procs.append(p)
    cpu, rss, statuses = 0.0, [], []
    for p in procs:
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        statuses.append(p.returncode)
        cpu += ru.ru_utime + ru.ru_stime
        rss.append(ru.ru_maxrss)
    return time.perf_counter() - t0, cpu, rss, statuses


def md(name):
    return name.replace("|", "\\|")


def check(name, statuses):
    if any(statuses):
        sys.exit("bench: %s exited with %s" % (name, statuses))


def throughput(args, srv):
    n = args.tokens
    model = "many:%d" % n
    srv.rendered(model, n)
    print("\n## Throughput and CPU: %d chunks (%.1f MB on the wire), median of %d runs"
          % (n, len(srv.rendered(model, n)) / 1e6, args.repeat))
    cmds = commands(args, srv.url, model)
    results = {k: [] for k in cmds}
    for _ in range(args.repeat):
        for k, c in cmds.items():  # interleaved, so load changes hit every client alike
            wall, cpu, _, st = run_pipeline(c)
            check(k, st)
            results[k].append((wall, cpu))
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in results.items()}
    print("| client | tokens/s | CPU µs/token (user+sys) | CPU vs curl -sN | curl+jq CPU / this |")
    print("|---|---:|---:|---:|---:|")
    base, jq = med["curl -sN"][1], med["curl -sN | jq"][1]
    for k, (wall, cpu) in med.items():
        print("| %s | %.0f | %.2f | %.2fx | %.1fx |" % (md(k), n / wall, cpu / n * 1e6, cpu / base, jq / cpu))


class RawClient:
    """The harness itself as the client (a plain socket, nothing parsed or written): the floor."""

    def __init__(self, url, model):
        host, port = url.split("//")[1].split(":")
        self.sock = socket.create_connection((host, int(port)))
        data = body(model).encode()
        self.sock.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data))

    def fileno(self):
        return self.sock.fileno()

    def finish(self):
        while self.sock.recv(65536):
            pass
        self.sock.close()
        return 0


class ProcessClient:
    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)

    def fileno(self):
        return self.proc.stdout.fileno()

    def finish(self):
        self.proc.stdout.read()
        return self.proc.wait()


def pingpong_session(srv, name, client_factory, model, n):
    """One connection, n rounds: each chunk is sent once the previous token was read back.
    Returns the round trip of each round, in seconds."""
    ready = threading.Event()
    done = threading.Event()
    state = {}

    def serve(conn, model_, count):
        state["conn"] = conn
        ready.set()
        done.wait()

    srv.pingpong = serve
    client = client_factory()
    if not ready.wait(30):
        sys.exit("bench: %s never sent its request" % name)
    conn = state["conn"]
    conn.sendall(HEAD)
    fd = client.fileno()
    lat = []
    for i in range(n):
        mark = ("p%d;" % i).encode()
        data = chunk(line("p%d;" % i, model))
        tail = b""
        t0 = time.perf_counter()
        conn.sendall(data)
        while mark not in tail:
            got = os.read(fd, 65536)
            if not got:
                sys.exit("bench: %s closed its output early" % name)
            tail = (tail + got)[-256:]
        lat.append(time.perf_counter() - t0)
    conn.sendall(chunk(done_line(model, n)) + b"0\r\n\r\n")
    done.set()
    check(name, [client.finish()])
    return lat


def pingpong(args, srv):
    n = args.rounds
    sessions = 4
    print("\n## Latency: ping-pong, %d rounds each (server sends a chunk once the last token is on stdout)" % n)
    print("Each client is timed on its own connection, in %d interleaved sessions; \"harness alone\" is the"
          % sessions)
    print("harness reading the socket itself (its own overhead); \"added\" is the median minus that floor's.")
    model = "pingpong:%d" % (n // sessions)
    cmds = commands(args, srv.url, model)
    clients = {
        "ochat": lambda: ProcessClient(cmds["ochat"][0]),
        "ochat --events": lambda: ProcessClient(cmds["ochat --events"][0]),
        "curl -sN": lambda: ProcessClient(cmds["curl -sN"][0]),
        "harness alone": lambda: RawClient(srv.url, model),
    }
    lat = {k: [] for k in clients}
    for _ in range(sessions):
        for k, factory in clients.items():
            lat[k] += pingpong_session(srv, k, factory, model, n // sessions)
    out = {}
    for k, v in lat.items():
        v.sort()
        out[k] = (v[len(v) // 2], v[min(len(v) - 1, int(len(v) * 0.99))])
    floor = out["harness alone"][0]
    base = out["curl -sN"]
    print("| client | p50 µs | p99 µs | added p50 µs | p50 vs curl | p99 vs curl | added p50 vs curl |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for k, (p50, p99) in out.items():
        print("| %s | %.0f | %.0f | %.0f | %.2fx | %.2fx | %s |"
              % (k, p50 * 1e6, p99 * 1e6, (p50 - floor) * 1e6, p50 / base[0], p99 / base[1],
                 "%.2fx" % ((p50 - floor) / (base[0] - floor)) if k != "harness alone" else "-"))


def startup(args, srv):
    n = args.startups
    print("\n## Start-up: wall time of a one-token request, %d runs each (interleaved)" % n)
    cmds = commands(args, srv.url, "many:1")
    walls = {"ochat": [], "curl -sN": []}
    for _ in range(n):
        for k in walls:
            wall, _, _, st = run_pipeline(cmds[k])
            check(k, st)
            walls[k].append(wall)
    print("| client | median ms | mean ms | median vs curl |")
    print("|---|---:|---:|---:|")
    base = statistics.median(walls["curl -sN"])
    for k, v in walls.items():
        print("| %s | %.2f | %.2f | %.2fx |" % (k, statistics.median(v) * 1e3, statistics.mean(v) * 1e3,
                                              statistics.median(v) / base))


def memory(args, srv):
    print("\n## Peak RSS of the client process (GNU time %M)")
    print("| client | 1,000 tokens | %s tokens | growth | answer size | growth - answer |" % f"{args.tokens:,}")
    print("|---|---:|---:|---:|---:|---:|")
    small, big = 1000, args.tokens
    for k in ("ochat", "ochat --events", "curl -sN"):
        rss = []
        for n in (small, big):
            # Not wait4's ru_maxrss: a child forked from this (large) process starts with its RSS.
            with tempfile.NamedTemporaryFile("r") as f:
                cmd = ["/usr/bin/time", "-f", "%M", "-o", f.name] + commands(args, srv.url, "many:%d" % n)[k][0]
                _, _, _, st = run_pipeline([cmd])
                check(k, st)
                rss.append(int(f.read().split()[-1]))
        growth = (rss[1] - rss[0]) / 1024
        ans = (answer_size(big) - answer_size(small)) / 2**20
        print("| %s | %.1f MiB | %.1f MiB | %.1f MiB | %.1f MiB | %+.1f MiB |"
              % (k, rss[0] / 1024, rss[1] / 1024, growth, ans, growth - ans))


def conversation_file(path, messages, model):
    """A saved conversation of `messages` messages of about 500 bytes each, as ochat writes them."""
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ".split()
    with open(path, "w") as f:
        f.write(json.dumps({"ochat": "conversation", "version": 1, "created": "2026-01-01T00:00:00.000Z",
                            "settings": {"api": "ollama", "model": model}}, separators=(",", ":")) + "\n")
        for i in range(messages):
            role = "user" if i % 2 == 0 else "assistant"
            text = " ".join(words[(i + k) % len(words)] for k in range(70)) + " \u00e9\u00e8 \"q\"\n%d" % i
            f.write(json.dumps({"role": role, "content": text[:440],
                                "ochat": {"time": "2026-01-01T00:00:00.000Z"}},
                               separators=(",", ":"), ensure_ascii=False) + "\n")


def conversations(args, srv):
    n, runs = args.messages, args.conversation_runs
    state = tempfile.mkdtemp(prefix="ochat-bench-")
    env = dict(os.environ, XDG_STATE_HOME=state)
    env.pop("OCHAT_SAVE", None)
    big = os.path.join(state, "big.jsonl")
    conversation_file(big, n, "many:1")
    whole = open(big, "rb").read()
    print("\n## Conversations: continuing one of %d messages (%.1f MB), median of %d runs (interleaved)"
          % (n, len(whole) / 1e6, runs))
    fresh = [args.ochat, "--host", srv.url, "-m", "many:1", "hi"]
    more = [args.ochat, "--host", srv.url, "--chat", big, "hi"]
    cpu = {"fresh chat (saved)": [], "continue --chat (%d messages)" % n: []}
    for _ in range(runs):
        for k, cmd in zip(cpu, (fresh, more)):
            with open(big, "wb") as f:
                f.write(whole)  # the same history every time
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env)
            _, status, ru = os.wait4(p.pid, 0)
            check(k, [os.waitstatus_to_exitcode(status)])
            cpu[k].append((ru.ru_utime + ru.ru_stime) * 1e3)
    print("| run | CPU ms (user+sys), median | min | max |")
    print("|---|---:|---:|---:|")
    for k, v in cpu.items():
        print("| %s | %.1f | %.1f | %.1f |" % (k, statistics.median(v), min(v), max(v)))
    medians = [statistics.median(v) for v in cpu.values()]
    print("continuing added %.1f ms of CPU (target: under 20 ms)" % (medians[1] - medians[0]))

    files = args.listed
    folder = os.path.join(state, "ochat", "conversations")
    os.makedirs(folder, exist_ok=True)
    for i in range(files):
        conversation_file(os.path.join(folder, "c%04d.jsonl" % i), 20, "llama3.2")
    print("\n## --conversations over %d files of 20 messages, median of %d runs" % (files, runs))
    walls, cpus = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen([args.ochat, "--conversations"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        walls.append((time.perf_counter() - t0) * 1e3)
        check("ochat --conversations", [os.waitstatus_to_exitcode(status)])
        cpus.append((ru.ru_utime + ru.ru_stime) * 1e3)
    print("| | median ms | min | max |")
    print("|---|---:|---:|---:|")
    print("| wall | %.1f | %.1f | %.1f |" % (statistics.median(walls), min(walls), max(walls)))
    print("| CPU (user+sys) | %.1f | %.1f | %.1f |" % (statistics.median(cpus), min(cpus), max(cpus)))
    print("target: under 100 ms")
    subprocess.run(["rm", "-rf", state])
def attach(args, srv):
    """Peak RSS with a large image attached, from a file and from a pipe, against a tiny one: the
    image is held once (its bytes) and encoded into the body while it is sent."""
    size = args.image_mb * 2**20
    print("\n## Peak RSS of ochat with an image attached (GNU time %%M), %d MiB image" % args.image_mb)
    print("| how | 1 KiB image | %d MiB image | growth | growth / image size |" % args.image_mb)
    print("|---|---:|---:|---:|---:|")
    png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
    with tempfile.TemporaryDirectory() as d:
        paths = {}
        for name, n in (("small", 1024), ("big", size)):
            paths[name] = os.path.join(d, name + ".png")
            with open(paths[name], "wb") as f:
                f.write(png + os.urandom(n - len(png)))
        for how in ("-a FILE", "< FILE", "cat FILE |"):
            rss = []
            for name in ("small", "big"):
                with tempfile.NamedTemporaryFile("r") as f:
                    cmd = ["/usr/bin/time", "-f", "%M", "-o", f.name, args.ochat, "--host", srv.url, "-m", "many:1"]
                    if how == "-a FILE":
                        cmd += ["-a", paths[name]]
                    cmd.append("what is in this picture?")
                    if how == "cat FILE |":
                        _, _, _, st = run_pipeline([["cat", paths[name]], cmd])
                    else:
                        with open(paths[name], "rb") as stdin:
                            st = [subprocess.run(cmd, stdin=stdin if how == "< FILE" else subprocess.DEVNULL,
                                                 stdout=subprocess.DEVNULL).returncode]
                    check("ochat " + how, st)
                    rss.append(int(f.read().split()[-1]))
            growth = (rss[1] - rss[0]) / 1024
            label = "cat FILE \\| ochat" if how == "cat FILE |" else "ochat " + how
            print("| %s | %.1f MiB | %.1f MiB | %.1f MiB | %.2fx |"
                  % (label, rss[0] / 1024, rss[1] / 1024, growth, growth * 2**20 / (size - 1024)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ochat", required=True, help="the ochat binary (a Release build)")
    ap.add_argument("--tokens", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2000)
    ap.add_argument("--startups", type=int, default=50)
    ap.add_argument("--messages", type=int, default=10_000, help="messages of the continued conversation")
    ap.add_argument("--listed", type=int, default=1000, help="conversations --conversations lists")
    ap.add_argument("--conversation-runs", type=int, default=20)
    ap.add_argument("--image-mb", type=int, default=20, help="size of the image for the attach measurement")
    ap.add_argument("--batch-items", type=int, default=1000, help="items of the batch measurement")
    ap.add_argument("--batch-rss-items", type=int, default=100_000, help="items of the batch memory figure")
    ap.add_argument("--only", choices=["throughput", "latency", "startup", "memory", "attach", "conversations",
                                       "batch"],
                    action="append")
    args = ap.parse_args()
    # The streaming measurements save nothing (and never into the user's state directory).
    state = tempfile.mkdtemp(prefix="ochat-bench-state-")
    os.environ["XDG_STATE_HOME"] = state
    os.environ["OCHAT_SAVE"] = "0"
    srv = Server()
    for name, fn in (("throughput", throughput), ("latency", pingpong), ("startup", startup), ("memory", memory),
                     ("attach", attach), ("conversations", conversations), ("batch", batch)):
        if not args.only or name in args.only:
            fn(args, srv)
    subprocess.run(["rm", "-rf", state])


if __name__ == "__main__":
    main()
