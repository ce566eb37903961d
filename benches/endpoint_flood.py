#!/usr/bin/env python3
"""Floods a credential endpoint with connections that never finish a request, and measures
what that costs: the server's RSS before, at its peak and after, and the latency of a
legitimate client fetching credentials meanwhile. Loopback only; bounded in count and time.

Usage: endpoint_flood.py URL TOKEN SERVER_PID [CONNECTIONS] [HOLD_SECONDS] [HEAD_BYTES]
CONNECTIONS of each kind (default 9000):
- half-open: sends the start of a request, HEAD_BYTES (default 4096) of a head that never
  ends (slowloris);
- idle: connects and sends nothing.
"""
import multiprocessing
import resource
import socket
import sys
import time
import urllib.parse



# The flood stops opening connections after this long (a server that stops accepting
# would otherwise make it wait for ever).
OPENING_LIMIT = 60


def partial_head(size):
    start = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
    return start + b"a" * max(0, size - len(start))


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def fetch(host, port, token):
    """One credential fetch on a new connection: (seconds to connect, seconds in all), or
    None. With the flood's sockets crowding the ephemeral ports, the client's own connect()
    can take milliseconds in the kernel, whatever the server does; the time after it is
    the server's."""
    start = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            connected = time.perf_counter() - start
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(
                f"GET / HTTP/1.1\r\nHost: {host}\r\nAuthorization: {token}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
    except OSError:
        return None
    if not answer.startswith(b"HTTP/1.1 200") or b"AccessKeyId" not in answer:
        return None
    return connected, time.perf_counter() - start


def legitimate_client(host, port, token, stop, results):
    """Fetches every 10 ms until `stop`; sends (latencies, failures) on `results`. It runs
    in a process of its own, so the flood's loop never holds it up (Python's GIL)."""
    latencies, failures = [], 0
    while not stop.is_set():
        started = time.monotonic()
        timing = fetch(host, port, token)
        if timing is None:
            failures += 1
        else:
            latencies.append((started, *timing))
        time.sleep(0.01)
    results.send((latencies, failures))


def server_closed(s):
    """Whether the server has closed `s`, and whether it sent anything (an error status)."""
    s.setblocking(False)
    data = False
    while True:
        try:
            chunk = s.recv(65536)
        except BlockingIOError:
            return False, data
        except OSError:
            return True, data
        if not chunk:
            return True, data
        data = True


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main():
    url, token, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 9000
    hold = float(sys.argv[5]) if len(sys.argv) > 5 else 15
    head = partial_head(int(sys.argv[6]) if len(sys.argv) > 6 else 4096)
    parsed = urllib.parse.urlparse(url)
    host, port = parsed.hostname, parsed.port
    if host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("loopback only")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if 2 * count + 100 > hard:
        sys.exit(f"{2 * count} connections need more file descriptors than {hard}")

    baseline = fetch(host, port, token)
    if baseline is None:
        sys.exit("the endpoint does not answer a legitimate request")
    before = rss_kib(pid, "VmRSS")

    stop = multiprocessing.Event()
    results, sender = multiprocessing.Pipe(duplex=False)
    client = multiprocessing.Process(
        target=legitimate_client, args=(host, port, token, stop, sender)
    )
    client.start()
    flood, refused = [], 0
    opening = time.monotonic()
    deadline = opening + OPENING_LIMIT
    for i in range(2 * count):
        if time.monotonic() > deadline:
            break
        try:
            s = socket.create_connection((host, port), timeout=2)
            if i % 2 == 0:
                s.setblocking(False)
                try:
                    s.send(head)
                except BlockingIOError:
                    pass
            flood.append(s)
        except OSError:
            refused += 1
    opened_at = time.monotonic()
    opened = opened_at - opening
    time.sleep(hold)
    stop.set()
    latencies, failures = results.recv()
    client.join()
    closed_by_server = answered = 0
    for s in flood:
        closed, data = server_closed(s)
        closed_by_server += closed
        answered += closed and data
    peak = rss_kib(pid, "VmHWM")
    for s in flood:
        s.close()
    time.sleep(3)
    after = rss_kib(pid, "VmRSS")

    print(
        f"flood: {count} half-open ({len(head)}-byte head that never ends) + "
        f"{count} idle connections: {len(flood)} opened in {opened:.1f} s ({refused} refused or timed out), "
        f"held {hold:.0f} s; "
        f"{closed_by_server} closed by the server while held ({answered} after an error answer)"
    )
    print(f"server RSS: before {mib(before)}, peak (VmHWM) {mib(peak)}, after {mib(after)} (3 s after the flood closed)")
    phases = [
        ("while the flood connects", [x for x in latencies if x[0] < opened_at]),
        ("while it is held", [x for x in latencies if x[0] >= opened_at]),
    ]
    print(f"legitimate client (a new connection per fetch, every 10 ms): {failures} failed")
    for phase, timings in phases:
        if not timings:
            print(f"  {phase}: no fetch succeeded")
            continue
        total = [t for _, _, t in timings]
        served = [t - c for _, c, t in timings]
        print(
            f"  {phase}: {len(timings)} fetches, p50 {ms(total, 50)}, p99 {ms(total, 99)}, "
            f"max {1000 * max(total):.2f} ms; after connect(): p50 {ms(served, 50)}, "
            f"p99 {ms(served, 99)}"
        )


def ms(values, p):
    return f"{1000 * percentile(values, p):.2f} ms"


if __name__ == "__main__":
    main()
