"""The HTTP load generator: ``wrk`` in its own process, replaying a request set built beforehand.

Every ballot needs its own token, Idempotency-Key and round, so the requests are generated before
the run and written to a file; ``bench/wrk_replay.lua`` formats them once at start-up and hands
them out in order, each exactly once, then stops wrk when the last answer is in. wrk is written in C
and costs little CPU beside what it measures. Where it is missing, ``make bench`` installs it with
apt-get when it runs as root; otherwise a multi-process Python client (raw HTTP/1.1 over asyncio
streams, one process per 8 connections) takes its place, and the output says so.
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

LUA = Path(__file__).with_name("wrk_replay.lua")
CONNECTIONS = 32


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: str


_generator: tuple[str, str] | None = None


def generator() -> tuple[str, str]:
    """("wrk", path) or ("python", why): found, installed (apt-get, as root), or the fallback."""
    global _generator
    if _generator is not None:
        return _generator
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing the Debian package with apt-get", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.call(["apt-get", "install", "-y", "-q", "wrk"], env=env, stdout=subprocess.DEVNULL) != 0:
            subprocess.call(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
            subprocess.call(["apt-get", "install", "-y", "-q", "wrk"], env=env, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if found is not None:
        _generator = ("wrk", found)
    else:
        _generator = ("python", "wrk is not installed (and could not be installed: not root, or no apt-get): "
                                "a multi-process Python client drives the HTTP benchmarks instead; it costs "
                                "more CPU, so the figures understate the services")
        print(f"NOTE: {_generator[1]}", flush=True)
    return _generator


def raw(request: Request, host: str) -> bytes:
    body = request.body.encode()
    head = [f"POST {request.path} HTTP/1.1", f"Host: {host}", "Content-Type: application/json",
            f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in request.headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def replay(base_url: str, requests: list[Request], *, connections: int = CONNECTIONS,
           expect_status: int = 201, timeout: float = 300) -> dict[str, Any]:
    """Send every request once, ``connections`` at a time; throughput (answers with
    ``expect_status`` only), latency percentiles, statuses. Any other answer, or a request never
    answered, fails the run: a figure is never made of failures."""
    kind, where = generator()
    if kind == "wrk":
        result = _wrk(where, base_url, requests, connections=connections, expect_status=expect_status,
                      timeout=timeout)
    else:
        result = _python(base_url, requests, connections=connections, expect_status=expect_status)
    if result["ok"] != len(requests):
        raise RuntimeError(f"{base_url}: {len(requests) - result['ok']} of {len(requests)} requests were not "
                           f"answered {expect_status}: statuses {result['statuses']}, socket errors "
                           f"{result.get('socket_errors', {})}")
    return result


# ---------------------------------------------------------------- wrk

def _wrk(wrk: str, base_url: str, requests: list[Request], *, connections: int, expect_status: int,
         timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="thidua-wrk-") as tmp:
        path = Path(tmp) / "requests.tsv"
        # One request a line: path, headers as JSON-free "name: value" pairs joined by \x1f, body.
        with path.open("w") as out:
            for r in requests:
                headers = "\x1f".join(f"{k}: {v}" for k, v in r.headers.items())
                out.write(f"{r.path}\t{headers}\t{r.body}\n")
        result_file = Path(tmp) / "result.json"
        argv = [wrk, "-t1", f"-c{connections}", f"-d{int(timeout)}s", "--timeout", "30s", "-s", str(LUA),
                base_url, "--", str(path), str(result_file), str(expect_status)]
        finished = Path(f"{result_file}.finished")
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # wrk sleeps out its -d duration even after the script stopped its thread: interrupt it
        # once the last answer is in (SIGINT ends the run and reports).
        while proc.poll() is None and not finished.exists() and time.perf_counter() - started < timeout + 30:
            time.sleep(0.02)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)  # type: ignore[assignment]
        wall = time.perf_counter() - started
        if proc.returncode != 0 or not result_file.exists():
            raise RuntimeError(f"wrk failed ({proc.returncode}): {err or out}")
        data = json.loads(result_file.read_text())
    seconds = data["elapsed_s"]
    ok = data["expected"]
    return {"generator": "wrk", "connections": connections, "requests": len(requests), "ok": ok,
            "failures": data["answered"] - ok, "statuses": data["statuses"], "seconds": round(seconds, 3),
            "wall_seconds": round(wall, 3), "per_s": round(ok / seconds, 1),
            "p50_ms": round(data["p50_us"] / 1000, 2), "p90_ms": round(data["p90_us"] / 1000, 2),
            "p99_ms": round(data["p99_us"] / 1000, 2), "max_ms": round(data["max_us"] / 1000, 2),
            "socket_errors": data["socket_errors"], "filler_requests": data["fillers"]}


# ---------------------------------------------------------------- one request at a time

@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)


class LeanHttp:
    """The latency figures' client: one keep-alive HTTP/1.1 connection written by hand, as wrk is for
    the throughput figures. A GET costs it a write and two reads; httpx spends 3-5 ms of Python per
    request here building and parsing its request and response objects, which is more than some of
    the answers being measured take to compute. The timed span is the wire: request written to
    last body byte read (Content-Length or chunked)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> tuple[float, Answer]:
        """(seconds, answer) for one GET, the connection opened first if need be (untimed)."""
        target = f"{path}?{urlencode(params)}" if params else path
        head = [f"GET {target} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: application/json"]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        return await self.send(("\r\n".join(head) + "\r\n\r\n").encode())

    async def send(self, request: bytes) -> tuple[float, Answer]:
        """(seconds, answer) for one request written whole (head and body), read back whole."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        started = time.perf_counter()
        self.writer.write(request)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        status = int(lines[0].split()[1])
        if status in (204, 304):  # never a body
            body = b""
        elif "content-length" in fields:
            body = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")  # the last chunk's (empty) trailer
            body = b"".join(parts)
        else:
            raise RuntimeError(f"{request.split(b' HTTP/')[0].decode('latin-1')}: an answer without a length "
                               f"cannot share the connection: {lines[0]}")
        seconds = time.perf_counter() - started
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return seconds, Answer(status, fields, body)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


# ---------------------------------------------------------------- fallback: Python processes

async def _client(host: str, port: int, chunks: list[bytes], expect: int) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    connection = LeanHttp(f"http://{host}:{port}")
    try:
        for chunk in chunks:
            seconds, answer = await connection.send(chunk)
            latencies.append(seconds)
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
    finally:
        await connection.close()
    return latencies, statuses


def _process(args: tuple[str, int, list[list[bytes]], int, Any]) -> tuple[list[float], dict[int, int]]:
    host, port, per_connection, expect, start_at = args
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)

    async def main() -> tuple[list[float], dict[int, int]]:
        results = await asyncio.gather(*(_client(host, port, chunks, expect) for chunks in per_connection))
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        for lat, st in results:
            latencies += lat
            for k, v in st.items():
                statuses[k] = statuses.get(k, 0) + v
        return latencies, statuses

    return asyncio.run(main())


def _python(base_url: str, requests: list[Request], *, connections: int, expect_status: int) -> dict[str, Any]:
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    chunks = [raw(r, f"{host}:{port}") for r in requests]
    per_connection = [chunks[i::connections] for i in range(connections)]
    processes = max(1, connections // 8)
    start_at = time.time() + 2.0
    jobs = [(host, port, per_connection[i::processes], expect_status, start_at) for i in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_process, jobs)
    seconds = time.time() - start_at
    latencies = sorted(x for lat, _ in results for x in lat)
    statuses: dict[int, int] = {}
    for _, st in results:
        for k, v in st.items():
            statuses[k] = statuses.get(k, 0) + v

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, round(p / 100 * (len(latencies) - 1)))] * 1000, 2)

    ok = statuses.get(expect_status, 0)
    return {"generator": f"python ({processes} processes)", "connections": connections, "requests": len(requests),
            "ok": ok, "failures": len(latencies) - ok, "statuses": {str(k): v for k, v in statuses.items()},
            "seconds": round(seconds, 3), "per_s": round(ok / seconds, 1), "p50_ms": pct(50),
            "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": pct(100)}
