"""A served process with a CPU profile that says what spends it, by part of the request.

    python -m bench.profiled PROFILE_FILE module:app [uvicorn options...]

Runs uvicorn as ``bench.common.served`` does, with a sampling profiler armed but idle. While the
file ``PROFILE_FILE.on`` exists the process's CPU time drives a ``SIGPROF`` timer (``setitimer``,
``ITIMER_PROF``: one sample per millisecond of CPU, as the kernel's tick allows); each sample
takes the Python stack the main thread is running and counts it under one part
(:data:`PARTS`). When ``PROFILE_FILE.off`` appears the timer stops and the counts go to
``PROFILE_FILE`` (JSON). Idle, it costs nothing; armed, a sample is a walk up one stack.

A sample falls where the interpreter next runs Python code, so CPU spent inside C (uvloop,
httptools, asyncpg's protocol, the JSON and hashing libraries) lands on the Python frame that
called it, or on the next callback the event loop runs: "event loop" is what ran with no frame of
a named part on the stack.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType

# Parts, by the module (for shared.events, the class or function) a frame belongs to. A sample
# goes to the part of the innermost frame that has one (library frames, e.g. pydantic's or json's,
# count for the part that called them), except that a frame of an owner part anywhere on the
# stack (the outbox relay, when it runs in the API process) takes the whole sample.
OWNERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("outbox relay (in the API process)", ("shared.events.OutboxRelay", "shared.events.CeleryPublisher",
                                           "shared.receipts", "celery.", "kombu.")),
)
HTTP = "HTTP server (uvicorn's protocol: parsing, writing the answer)"
MIDDLEWARE = "middleware (request id, access log, metrics, security headers, body limit)"
ROUTING = "Starlette and FastAPI (their own middleware, exception handling, route matching), the router and its fast path"
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("token check", ("shared.auth", "jwt.")),
    ("Idempotency-Key seal", ("services.nominations.voting.sealed_idempotency", "shared.sealed_idempotency",
                               "shared.idempotency")),
    ("receipt (secret, commitment)", ("services.nominations.voting.domain.receipts",)),
    ("event contract check", ("shared.events.outbox_payload", "shared.contracts")),
    ("relay wake-up (NOTIFY after commit)", ("shared.events.OutboxWaker",)),
    ("PostgreSQL client (asyncpg, pool)", ("asyncpg.", "shared.db")),
    (ROUTING, ("starlette.", "fastapi.", "shared.app.FastPathRoute", "shared.app.get_", "shared.errors")),
    (MIDDLEWARE, ("shared.app", "shared.limits", "shared.logs", "shared.proxies", "prometheus_client.")),
    (HTTP, ("uvicorn.protocols.", "uvicorn.middleware.")),
    ("ballot rules and statement (service, domain, store)", ("services.",)),
)
EVENT_LOOP = "event loop (no frame of a named part)"
INTERVAL = 0.001


def _name(frame: FrameType) -> str:
    module = frame.f_globals.get("__name__", "?")
    return f"{module}.{getattr(frame.f_code, 'co_qualname', frame.f_code.co_name)}"


def _matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name.startswith(p) for p in prefixes)


def classify(frame: FrameType | None) -> str | None:
    """The part a stack belongs to; None for the profiler's own frames."""
    names = []
    while frame is not None:
        names.append(_name(frame))
        frame = frame.f_back
    return part_of(names)


def part_of(names: list[str]) -> str | None:
    """The part of a stack given as its frames' qualified names, innermost first."""
    if names and names[0].startswith(__name__ + "."):
        return None
    for part, prefixes in OWNERS:
        if any(_matches(n, prefixes) for n in names):
            return part
    for n in names:
        if n.startswith("services.") and ".api." in n:
            return ROUTING  # a context's router (its fast path's parsing included)
        for part, prefixes in PARTS:
            if _matches(n, prefixes):
                return part
    return EVENT_LOOP


class Sampler:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts: Counter[str] = Counter()
        self.frames: Counter[str] = Counter()
        self.skipped = 0
        self.armed = False
        self.cpu_at_start = 0.0
        self.wall_at_start = 0.0

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        part = classify(frame)
        if part is None:
            self.skipped += 1
            return
        self.parts[part] += 1
        if frame is not None:
            self.frames[_name(frame)] += 1

    def watch(self) -> None:
        """Arm and disarm on the control files (a thread: the main one belongs to uvicorn)."""
        on, off = Path(f"{self.path}.on"), Path(f"{self.path}.off")
        while True:
            time.sleep(0.05)
            if not self.armed and on.exists():
                self.parts.clear()
                self.frames.clear()
                self.skipped = 0
                self.cpu_at_start, self.wall_at_start = time.process_time(), time.monotonic()
                signal.setitimer(signal.ITIMER_PROF, INTERVAL, INTERVAL)
                self.armed = True
            elif self.armed and off.exists():
                signal.setitimer(signal.ITIMER_PROF, 0, 0)
                self.armed = False
                samples = sum(self.parts.values())
                self.path.write_text(json.dumps({
                    "samples": samples, "profiler_samples_skipped": self.skipped,
                    "cpu_seconds": round(time.process_time() - self.cpu_at_start, 3),
                    # The timer fires on the kernel's tick: this is the CPU one sample stands for.
                    "cpu_ms_per_sample": round((time.process_time() - self.cpu_at_start) * 1000 / max(1, samples), 2),
                    "wall_seconds": round(time.monotonic() - self.wall_at_start, 3),
                    "parts": {k: v for k, v in self.parts.most_common()},
                    "top_frames": {k: v for k, v in self.frames.most_common(40)},
                }, indent=2))
                on.unlink(missing_ok=True)
                off.unlink(missing_ok=True)


def arm(path: Path) -> None:
    """From the harness: start sampling the served process."""
    Path(f"{path}.on").touch()
    time.sleep(0.2)  # the control thread looks every 50 ms


def disarm(path: Path, timeout: float = 10) -> dict:
    """From the harness: stop sampling and read what the served process counted."""
    path.unlink(missing_ok=True)
    Path(f"{path}.off").touch()
    deadline = time.monotonic() + timeout
    while not path.exists() or Path(f"{path}.off").exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the profiled process wrote no profile to {path}")
        time.sleep(0.05)
    result: dict = json.loads(path.read_text())
    return result


def main() -> None:
    path = Path(sys.argv[1])
    sampler = Sampler(path)
    signal.signal(signal.SIGPROF, sampler.on_signal)
    # A system call the timer interrupts is restarted, not failed with EINTR.
    signal.siginterrupt(signal.SIGPROF, False)
    threading.Thread(target=sampler.watch, daemon=True, name="profile-control").start()
    import uvicorn

    sys.argv = ["uvicorn", *sys.argv[2:]]
    os.environ.setdefault("PYTHONPATH", os.getcwd())
    uvicorn.main()


if __name__ == "__main__":
    main()
