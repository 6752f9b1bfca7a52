"""The commands behind ``make run``, ``make test`` and ``make reset``.

    python -m deploy.devstack run    # infrastructure, migrations, demo data, every process
    python -m deploy.devstack test   # ruff and mypy, then infrastructure and the whole test suite
    python -m deploy.devstack test --no-lint tests/x.py -q   # a quick targeted run, linters skipped
    python -m deploy.devstack reset  # drop the demo database and load it afresh (stop `make run` first)
"""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time

import asyncpg

from deploy.infra import DEV, ROOT, Infra, ensure_infra
from deploy.migrate import migrate_all
from deploy.stack import processes

DATABASE = "thidua"


async def create_database(infra: Infra, name: str) -> None:
    conn = await asyncpg.connect(infra.admin_dsn)
    try:
        if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name):
            await conn.execute(f'CREATE DATABASE "{name}" ENCODING UTF8 TEMPLATE template0')
    finally:
        await conn.close()


async def reset_database(admin_dsn: str, dsn: str, name: str) -> None:
    """Drop ``name`` (closing its sessions) and create it again with every migration and the demo data."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}" ENCODING UTF8 TEMPLATE template0')
    finally:
        await conn.close()
    await migrate_all(dsn, demo=True)


def reset() -> int:
    """The demo database as ``make run`` first made it: for a demo that went astray, or after
    pulling migrations that changed what the demo data looks like."""
    if os.environ.get("THIDUA_ENV") == "production":
        print("make reset drops the database: never with THIDUA_ENV=production", file=sys.stderr)
        return 2
    infra = ensure_infra()
    try:
        asyncio.run(reset_database(infra.admin_dsn, infra.database_dsn(DATABASE), DATABASE))
        import redis

        client = redis.Redis.from_url(infra.redis_db(0))
        client.flushdb()  # queued events and sessions of the old data
        client.close()
        print(f"database {DATABASE} reset with the demo data; start it with `make run`")
    finally:
        infra.stop()
    return 0


async def prepare(infra: Infra, *, demo: bool) -> str:
    await create_database(infra, DATABASE)
    dsn = infra.database_dsn(DATABASE)
    await migrate_all(dsn, demo=demo)
    return dsn


def child_env(infra: Infra, dsn: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": dsn,
        "REDIS_URL": infra.redis_db(0),
        "PYTHONPATH": str(ROOT),
        "REGISTRY_JWT_PRIVATE_KEY_FILE": str(DEV / "keys/registry-ed25519.pem"),
        "REGISTRY_DEMO": "true",
        "NOMINATIONS_DEMO": "true",
        "NOTIFICATIONS_DEMO": "true",
        "NOTIFICATIONS_SMTP_HOST": "127.0.0.1",
        "NOTIFICATIONS_SMTP_PORT": "1025",
    })
    # The demo's Flower password (Flower listens on loopback only); set your own to override.
    env.setdefault("NOTIFICATIONS_FLOWER_BASIC_AUTH", "demo:demo-flower")
    return env


def run() -> int:
    DEV.mkdir(exist_ok=True)
    infra = ensure_infra()
    children: list[tuple[str, subprocess.Popen]] = []
    ensure_pdf_font()
    try:
        dsn = asyncio.run(prepare(infra, demo=True))
        env = child_env(infra, dsn)
        (DEV / "keys").mkdir(exist_ok=True)
        (DEV / "logs").mkdir(exist_ok=True)
        for proc in processes():
            log = open(DEV / "logs" / f"{proc.name}.log", "ab")
            children.append((proc.name, subprocess.Popen(proc.argv, cwd=ROOT, env={**env, **proc.env}, stdout=log,
                                                         stderr=subprocess.STDOUT, start_new_session=True)))
        time.sleep(2)
        print("\nthidua is running (Ctrl-C stops everything):")
        for proc in processes():
            if proc.url:
                print(f"  {proc.name:<14} {proc.url}")
        print(f"  {'logs':<14} {DEV / 'logs'}")
        print("\nDemo accounts (demo data only, password 'demo'), to sign in at http://127.0.0.1:8000:")
        print("  ministry                      the ministry's emulation staff: every cluster, approvals")
        print("  province-22                   Quảng Ninh, lead of NOIVU-BAC in 2026 (the lead's workspace)")
        print("  province-31 province-33 province-37   members in 2026 (after the 2025 merger)")
        print("  province-30 province-34 province-35 province-36   members until 2025 (Hải Dương led 2025)")
        stop = {"now": False}
        # Ctrl-C (SIGINT) or SIGTERM: stop everything. Installed explicitly because a shell that
        # starts us in the background leaves SIGINT ignored.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.update(now=True))
        while not stop["now"]:
            for name, child in children:
                if child.poll() is not None:
                    print(f"{name} exited with {child.returncode}; see {DEV / 'logs' / (name + '.log')}")
                    stop["now"] = True
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping…")
        for _, child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.time() + 10
        for _, child in children:
            try:
                child.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        infra.stop()
    return 0


# The console's minutes PDF and the printed decisions need a Unicode TrueType font for Vietnamese
# (Debian's DejaVu); the Redis TLS test needs a redis-server built with TLS (Debian's is).
PDF_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _missing_packages(*, browser: bool) -> list[tuple[str, str]]:
    """(Debian package, why) for each system package the tests need that this machine lacks."""
    missing = []
    if not (os.path.exists(PDF_FONT) or os.environ.get("CONSOLE_PDF_FONT_DIR")):
        missing.append(("fonts-dejavu-core", "the Vietnamese font of the minutes and decisions as PDF"))
    if not shutil.which("redis-server"):
        missing.append(("redis-server", "the Redis TLS test (rediss://)"))
    if not shutil.which("pgbackrest"):
        missing.append(("pgbackrest", "the restore drill (base backup, WAL archive, point-in-time restore)"))
    if browser and not (shutil.which("chromium") or shutil.which("chromium-browser")):
        missing.append(("chromium", "the console's browser tests"))
    return missing


def ensure_pdf_font() -> None:
    """For ``make run``: install the PDF font when it is missing and allowed; otherwise say so (the
    console then offers the printable HTML only). Never fatal."""
    if os.path.exists(PDF_FONT) or os.environ.get("CONSOLE_PDF_FONT_DIR"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing fonts-dejavu-core (the Vietnamese font of the minutes and decisions as PDF)…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.call(["apt-get", "update", "-q"], env=env)
        subprocess.call(["apt-get", "install", "-y", "-q", "fonts-dejavu-core"], env=env)
    if not os.path.exists(PDF_FONT):
        print("note: DejaVu Sans is missing (apt-get install fonts-dejavu-core, or set CONSOLE_PDF_FONT_DIR): "
              "the console cannot make PDFs", file=sys.stderr)


def ensure_system_packages(*, browser: bool) -> None:
    """Install what is missing in one apt-get run when this machine allows it (root with apt-get);
    otherwise stop with a clear message: those tests are never skipped."""
    missing = _missing_packages(browser=browser)
    if not missing:
        return
    names = [name for name, _ in missing]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        for name, why in missing:
            print(f"{name} is missing: installing it with apt-get ({why})", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.check_call(["apt-get", "update", "-q"], env=env)
        subprocess.check_call(["apt-get", "install", "-y", "-q", "--no-install-recommends", *names], env=env)
        missing = _missing_packages(browser=browser)
        if not missing:
            return
    sys.exit("The tests need these Debian packages, which are not installed:\n"
             + "".join(f"  {name}: {why}\n" for name, why in missing)
             + f"Install them (sudo apt-get install {' '.join(n for n, _ in missing)}), then run `make test` again.")


# Run before the tests, in this order; the run fails if either fails (configuration in pyproject.toml).
LINTERS = (("ruff", [sys.executable, "-m", "ruff", "check", "."]),
           ("mypy", [sys.executable, "-m", "mypy"]))


def lint() -> int:
    """ruff, then mypy (its cache is .dev/mypy); the first that fails ends the run."""
    for name, argv in LINTERS:
        print(f"{name}: {' '.join(argv[2:])}", flush=True)
        code = subprocess.call(argv, cwd=ROOT)
        if code:
            print(f"{name} failed: the tests do not run until it passes", file=sys.stderr)
            return code
    return 0


def _wants_browser(args: list[str]) -> bool:
    """Whether these pytest arguments select the console's browser tests (no path: the whole suite)."""
    paths = [a for a in args if not a.startswith("-") and (a.startswith("tests") or "/" in a)]
    return not paths or any(p.rstrip("/") == "tests" or p.startswith("tests/console") for p in paths)


def _parallel(args: list[str]) -> list[str]:
    """pytest-xdist's ``-n``: one test process per core, at most four (THIDUA_TEST_WORKERS sets it;
    with ``-n`` or ``-p no:xdist`` given, or one test named with ``::``, it runs as asked). The suite
    is CPU-bound: on two cores two processes took 525-545 s where one took 692 s, and four took 603 s.
    Every fixture is already per process (databases named by pid, a Redis database claimed per run,
    a browser per process)."""
    if any(a in ("-n", "--numprocesses", "no:xdist", "-pno:xdist") or a.startswith(("-n", "--numprocesses="))
           or "::" in a for a in args):
        return args
    workers = int(os.environ.get("THIDUA_TEST_WORKERS") or min(os.cpu_count() or 1, 4))
    return ["-n", str(workers), *args] if workers > 1 else args


def test(args: list[str]) -> int:
    """ruff and mypy, then pytest with ``args``. ``--no-lint`` (first) skips the linters, for a quick
    targeted run while working; CI and ``make test`` run them."""
    if args[:1] == ["--no-lint"]:
        args = args[1:]
    else:
        code = lint()
        if code:
            return code
    ensure_system_packages(browser=_wants_browser(args))
    infra = ensure_infra()
    env = dict(os.environ)
    env.update({
        "THIDUA_TEST_ADMIN_DSN": infra.admin_dsn,
        "THIDUA_TEST_REDIS_URL": infra.redis_url,
        "PYTHONPATH": str(ROOT),
    })
    try:
        return subprocess.call([sys.executable, "-m", "pytest", *_parallel(args)], cwd=ROOT, env=env)
    finally:
        infra.stop()


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test", "reset"):
        print(__doc__)
        sys.exit(2)
    command = sys.argv[1]
    sys.exit(run() if command == "run" else reset() if command == "reset" else test(sys.argv[2:]))


if __name__ == "__main__":
    main()
