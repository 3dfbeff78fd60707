"""Benchmark the site: gunicorn with production settings, wrk driving one page at a time.

    python bench/run.py --duration 30 --concurrency 8

Starts gunicorn (production settings, DEBUG off, 2 workers) on a free port of 127.0.0.1 against
DATABASE_URL (PostgreSQL) and REDIS_URL, logs in a generated member and the bench moderator,
then for every page of bench/pages.toml: samples a few requests (status, SQL queries from the
X-Bench-Queries header), runs wrk for the duration and reads the workers' memory. Two baselines
are measured before each page: the bare view (a plain response through the site's whole
middleware stack) and the minimal Django view (bench/minimal: a Django project with no
middleware and one plain view, served by a second gunicorn with the same settings). Each page's
throughput is given as a ratio of both runs just before it, which survives a noisy machine
where absolute figures do not. Method and figures: docs/benchmarks.md.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = ROOT / "var" / "bench"
BARE_PATH = "/bench/bare"
MINIMAL_PATH = "/bench/minimal"
MINIMAL_APP = "bench.minimal.wsgi"
SAMPLES = 5
DEFAULT_PASSWORD = "bench12345"


class BenchError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"bench: {message}")


@dataclass
class PageResult:
    name: str
    path: str | None
    role: str
    target: float | None = None
    status: str = ""
    sample_status: int | None = None
    queries: int | None = None
    bytes_per_response: int | None = None
    requests: int = 0
    rps: float = 0.0
    ratio: float | None = None
    ratio_minimal: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    rss_mb: list = field(default_factory=list)


# --- Tools --------------------------------------------------------------------------------


def wrk_ensure(install: bool) -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: installing wrk from Debian (apt-get install wrk) …", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-q"], check=False)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise BenchError(
        "wrk is not installed. Install it with `apt-get install wrk` (Debian/Ubuntu) "
        "or `brew install wrk`, then run again."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(args) -> dict:
    database_url = args.database_url or os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise BenchError(
            "set DATABASE_URL (or --database-url) to the PostgreSQL database filled by "
            "`manage.py generate_load_data`, e.g. postgres://postgres@127.0.0.1:5432/kehuhui_bench"
        )
    redis_url = args.redis_url or os.environ.get("REDIS_URL", "")
    if not redis_url.startswith("redis://"):
        raise BenchError("set REDIS_URL (or --redis-url), e.g. redis://127.0.0.1:6379/8")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="bench-only-secret-key-not-for-any-public-site-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX="bench",
        BENCH_BARE_VIEW="true",
        BENCH_QUERY_COUNT="true",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=str(VAR / "static"),
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *command, capture=False):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *command],
        env=env,
        cwd=ROOT,
        capture_output=capture,
        text=True,
    )
    if result.returncode != 0:
        detail = (result.stderr or "")[-2000:] if capture else ""
        raise BenchError(f"`manage.py {' '.join(command)}` failed.\n{detail}")
    return result.stdout


def targets_discover(env) -> dict:
    result = subprocess.run(
        [sys.executable, str(BENCH / "targets.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BenchError(
            "could not read the database (is it migrated? `manage.py migrate`):\n"
            + result.stderr[-2000:]
        )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    if not found["load_data"]:
        raise BenchError(
            "no load data in this database: run `manage.py generate_load_data` first "
            "(see docs/operations.md, Benchmarks)."
        )
    return found


# --- Server -------------------------------------------------------------------------------


class Server:
    def __init__(self, env, port: int, workers: int, app: str = "portal.wsgi", log="gunicorn"):
        self.env, self.port, self.workers, self.app = env, port, workers, app
        self.process = None
        self.log = VAR / f"{log}.log"

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if not gunicorn.exists():
            raise BenchError(f"gunicorn not found beside {sys.executable}: `make install`")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                self.app,
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],  # fmt: skip
            env=self.env,
            cwd=ROOT,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start; see {self.log}")
            try:
                status, _headers, _body = request(self.port, "/healthz")
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise BenchError(f"gunicorn did not answer /healthz within 90 s; see {self.log}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def memory_mb(self, key: str) -> list[float]:
        """VmRSS (now) or VmHWM (peak) of each worker, in MiB."""
        sizes = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                sizes.append(round(int(match.group(1)) / 1024, 1))
        return sizes


def request(port: int, path: str, *, method="GET", body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, quote(path, safe="/?=&%-_.~:"), body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def login(port: int, username: str, password: str) -> str:
    """Log in through allauth's form; returns the Cookie header of the session."""
    status, headers, body = request(port, "/accounts/login/")
    cookies = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None or "csrftoken" not in cookies:
        raise BenchError(f"the login page did not offer a form (status {status})")
    form = urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "login": username, "password": password}
    )
    status, headers, _body = request(
        port,
        "/accounts/login/",
        method="POST",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken'].value}",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    for value in headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    if status not in (302, 303) or "sessionid" not in cookies:
        raise BenchError(
            f"could not log in as {username} (status {status}); was the data generated with "
            f"this password (--password)?"
        )
    # The page after logging in shows allauth's "signed in" notice and drops its cookie, as a
    # browser would see it once; wrk sends one fixed Cookie header, which must not carry it.
    header = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    _status, headers, _body = request(port, "/me/", headers={"Cookie": header})
    for value in headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items() if morsel.value)


# --- Measuring ----------------------------------------------------------------------------


def sample(port: int, result: PageResult, cookie: str | None) -> None:
    headers = {"Cookie": cookie} if cookie else {}
    statuses, queries, sizes = [], [], []
    for _ in range(SAMPLES):
        status, response_headers, body = request(port, result.path, headers=headers)
        statuses.append(status)
        sizes.append(len(body))
        if response_headers.get("X-Bench-Queries") is not None:
            queries.append(int(response_headers["X-Bench-Queries"]))
    result.sample_status = statuses[-1]
    result.queries = max(queries) if queries else None
    result.bytes_per_response = sizes[-1]


def wrk_run(wrk, port, path, cookie, *, duration, concurrency, threads) -> dict:
    command = [
        wrk,
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{duration}s",
        "--timeout", "10s",
        "-s", str(BENCH / "report.lua"),
        f"http://127.0.0.1:{port}{quote(path, safe='/?=&%-_.~:')}",
    ]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    for line in output.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT ") :])
    raise BenchError(f"wrk gave no result:\n{output.stdout}\n{output.stderr}")


def answers(server, result: PageResult, cookie) -> bool:
    """Sample the page; False (with the reason in its status) when there is nothing to load."""
    sample(server.port, result, cookie)
    if result.sample_status == 404:
        result.status = "404/absent"
    elif result.sample_status != 200:
        result.status = f"HTTP {result.sample_status}"
    return result.sample_status == 200


def measure(server, wrk, result: PageResult, cookie, args) -> None:
    run = {"duration": args.duration, "concurrency": args.concurrency, "threads": args.threads}
    if args.warmup:
        wrk_run(wrk, server.port, result.path, cookie, **{**run, "duration": args.warmup})
    data = wrk_run(wrk, server.port, result.path, cookie, **run)
    seconds = data["duration_us"] / 1e6
    errors = data["errors"]
    not_ok = sum(n for code, n in data["statuses"].items() if code != "200")
    result.requests = data["requests"]
    result.rps = data["requests"] / seconds if seconds else 0.0
    result.p50_ms = data["latency_us"]["p50"] / 1000
    result.p95_ms = data["latency_us"]["p95"] / 1000
    result.p99_ms = data["latency_us"]["p99"] / 1000
    result.errors = not_ok + errors["connect"] + errors["read"] + errors["write"]
    result.errors += errors["timeout"]
    result.statuses = data["statuses"]
    result.rss_mb = server.memory_mb("VmRSS")
    result.status = "ok" if result.errors == 0 else "errors"


# --- Report -------------------------------------------------------------------------------


def fmt(value, pattern="{:.1f}", empty="–"):
    return empty if value is None else pattern.format(value)


def table(results: list[PageResult]) -> str:
    head = (
        "| page | as | req/s | × bare | × minimal | target | p50 ms | p95 ms | p99 ms | errors "
        "| queries | RSS MiB/worker | status |"
    )
    lines = [head, "|" + " --- |" * 13]
    for r in results:
        measured = r.status in ("ok", "errors")
        lines.append(
            "| "
            + " | ".join(
                [
                    r.name,
                    r.role,
                    fmt(r.rps if measured else None, "{:.0f}"),
                    fmt(r.ratio, "{:.2f}"),
                    fmt(r.ratio_minimal, "{:.3f}"),
                    fmt(r.target, "≥ {:.2f}", ""),
                    fmt(r.p50_ms),
                    fmt(r.p95_ms),
                    fmt(r.p99_ms),
                    str(r.errors) if measured else "–",
                    fmt(r.queries, "{}"),
                    " / ".join(f"{m:.0f}" for m in r.rss_mb) or "–",
                    r.status,
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per page")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured seconds per page")
    parser.add_argument("--concurrency", type=int, default=8, help="open connections")
    parser.add_argument("--threads", type=int, default=0, help="wrk threads (0: min(2, c))")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--pages", type=Path, default=BENCH / "pages.toml")
    parser.add_argument("--only", default="", help="comma-separated page names to run")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="of the generated users")
    parser.add_argument("--no-install", action="store_true", help="do not apt-get install wrk")
    parser.add_argument(
        "--bare",
        choices=("each", "ends"),
        default="each",
        help="measure the bare view before each page (ratios to the adjacent run; default) "
        "or only first and last (ratios to their median; half the time)",
    )
    parser.add_argument("--collectstatic", action="store_true", help="collect static again")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the site's server (repeatable), e.g. "
        "FORUM_PERMISSION_CACHE=false to measure without the permission cache",
    )
    args = parser.parse_args(argv)
    args.threads = args.threads or max(1, min(2, args.concurrency))

    wrk = wrk_ensure(install=not args.no_install)
    VAR.mkdir(parents=True, exist_ok=True)
    env = server_env(args)
    for assignment in args.set:
        name, sep, value = assignment.partition("=")
        if not sep:
            raise BenchError(f"--set wants NAME=VALUE, not {assignment!r}")
        env[name] = value
    pages = tomllib.loads(args.pages.read_text())["page"]
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        unknown = wanted - {page["name"] for page in pages}
        if unknown:
            raise BenchError(f"no such page in {args.pages}: {', '.join(sorted(unknown))}")
        pages = [page for page in pages if page["name"] in wanted]
    found = targets_discover(env)
    if args.collectstatic or not (VAR / "static" / "staticfiles.json").exists():
        print("bench: collecting static files …", flush=True)
        manage(env, "collectstatic", "--noinput", "-v0", capture=True)

    started = datetime.now(UTC)
    minimal_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.minimal.settings"}
    with (
        Server(env, free_port(), args.workers) as server,
        Server(minimal_env, free_port(), args.workers, MINIMAL_APP, "gunicorn-minimal") as minimal,
    ):
        cookies = {"visitor": None}
        for role in ("member", "moderator", "department"):
            username = found[role]
            if any(page["as"] == role for page in pages):
                cookies[role] = login(server.port, username, args.password)
        print(
            f"bench: {found['members']} users, {found['posts']} posts; gunicorn "
            f"{args.workers} workers on 127.0.0.1:{server.port} (minimal Django on "
            f"{minimal.port}); wrk {args.threads} threads, "
            f"{args.concurrency} connections, {args.duration} s per page",
            flush=True,
        )
        todo = []
        for page in pages:
            path = page["path"]
            if path.startswith("{"):
                path = found.get(path.strip("{}"))
            todo.append(PageResult(page["name"], path, page["as"], page.get("target")))
        bare_runs, minimal_runs = [], []

        def baseline_run(name, path, on, runs):
            result = PageResult(name, path, "visitor")
            print(f"bench: {name} …", flush=True)
            if not answers(on, result, None):
                raise BenchError(f"the {name} answered {result.status}; see {on.log}")
            measure(on, wrk, result, None, args)
            runs.append(result)
            return result

        def baselines():
            return (
                baseline_run("bare view", BARE_PATH, server, bare_runs),
                baseline_run("minimal Django view", MINIMAL_PATH, minimal, minimal_runs),
            )

        baselines()
        rss_after_warmup = server.memory_mb("VmRSS")
        for result in todo:
            if result.path is None:
                result.status = "404/absent"
                continue
            if not answers(server, result, cookies[result.role]):
                print(f"bench: {result.name}: {result.status}", flush=True)
                continue
            neighbours = baselines() if args.bare == "each" else None
            print(f"bench: {result.name} …", flush=True)
            measure(server, wrk, result, cookies[result.role], args)
            if neighbours is not None and result.rps:
                bare, floor = neighbours
                result.ratio = result.rps / bare.rps if bare.rps else None
                result.ratio_minimal = result.rps / floor.rps if floor.rps else None
        if args.bare == "ends":
            baselines()
        peak = server.memory_mb("VmHWM")
        final = server.memory_mb("VmRSS")
    bare_rates = [r.rps for r in bare_runs if r.rps]
    minimal_rates = [r.rps for r in minimal_runs if r.rps]
    baseline = statistics.median(bare_rates) if bare_rates else 0.0
    floor = statistics.median(minimal_rates) if minimal_rates else 0.0
    if args.bare == "ends" and baseline and floor:
        for result in todo:
            if result.rps:
                result.ratio = result.rps / baseline
                result.ratio_minimal = result.rps / floor
    summary = min(bare_runs, key=lambda r: abs(r.rps - baseline))
    summary.name, summary.ratio = "bare view (median run)", 1.0
    summary.ratio_minimal = summary.rps / floor if floor else None
    floor_row = min(minimal_runs, key=lambda r: abs(r.rps - floor))
    floor_row.name, floor_row.ratio_minimal = "minimal Django view (median run)", 1.0
    floor_row.ratio = floor_row.rps / baseline if baseline else None
    rows = [floor_row, summary, *todo]
    print()
    print(table(rows))
    print()
    adjacent = " (each page's ratios are to the runs just before it)" if args.bare == "each" else ""
    print(
        f"bare view req/s over {len(bare_runs)} runs: "
        + ", ".join(f"{rate:.0f}" for rate in bare_rates)
        + adjacent
    )
    print(
        f"minimal Django view req/s over {len(minimal_runs)} runs: "
        + ", ".join(f"{rate:.0f}" for rate in minimal_rates)
    )
    for result in todo:
        print(f"  {result.name}: {result.path or 'not resolved (no such page in the database)'}")
    print(f"worker RSS MiB after the first bare run: {rss_after_warmup}; at the end: {final}")
    print(f"worker peak RSS (VmHWM) MiB: {peak}")
    report = {
        "started": started.isoformat(),
        "args": {k: str(v) for k, v in vars(args).items()},
        "data": found,
        "bare_rps": bare_rates,
        "minimal_rps": minimal_rates,
        "peak_rss_mb": peak,
        "rss_mb_after_first_run": rss_after_warmup,
        "results": [asdict(r) for r in rows],
    }
    out = VAR / f"results-{started:%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"results: {out.relative_to(ROOT)}")
    return 1 if any(r.status == "errors" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
