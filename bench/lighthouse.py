"""Lighthouse scores of the pages a visitor opens first, under production settings.

    python bench/lighthouse.py                 # fresh SQLite database seeded with seed_demo
    python bench/lighthouse.py --report-only   # print the table, exit 0 whatever the scores

Builds the site as production runs it: `collectstatic` (hashed, compressed files), gunicorn with
portal.settings.production and whitenoise serving the static files (bench/lighthouse_wsgi.py adds
the media files, which production's web server serves), on a free port of 127.0.0.1,
against a fresh SQLite database that `migrate` and `seed_demo` fill (or --database-url). Then runs
Lighthouse (the npm package pinned in bench/lighthouse/package.json, installed there with `npm ci`
when missing) with Debian's chromium, the mobile preset (Lighthouse's default: a Moto G Power
screen, simulated slow 4G and a 4x slower CPU), on the home page, the forum index, a board and a
topic, each --runs times (3). Prints the median score of each category for each page and exits 1
when one is below --min-score (95), unless --report-only. The board and the topic are the first
board the forum index links and the first topic that board lists, as a visitor sees them. Reports
are kept in var/lighthouse/ (the JSON of every run and summary.json). Figures: docs/benchmarks.md.
"""

import argparse
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
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench" / "lighthouse"
VAR = ROOT / "var" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp", "seo": "seo"}


class LighthouseError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"lighthouse: {message}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lighthouse_binary(install: bool) -> Path:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    if not install:
        raise LighthouseError(f"{binary} is missing: `npm ci` in {HERE}")
    npm = shutil.which("npm")
    if not npm:
        raise LighthouseError("npm is missing (apt-get install npm)")
    print(f"lighthouse: npm ci in {HERE} …", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    return binary


def server_env(args) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="lighthouse-only-secret-key-not-for-any-public-site-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on the loopback: Lighthouse counts localhost as a secure origin.
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=args.database_url or f"sqlite:///{VAR / 'db.sqlite3'}",
        REDIS_URL=args.redis_url,
        STATIC_ROOT=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *command):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *command],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise LighthouseError(f"`manage.py {' '.join(command)}` failed:\n{result.stderr[-3000:]}")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


class Server:
    """gunicorn with the production settings; whitenoise serves the collected static files."""

    def __init__(self, env, port: int, workers: int):
        self.env, self.port, self.workers = env, port, workers
        self.process = None
        self.log = VAR / "gunicorn.log"

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if not gunicorn.exists():
            raise LighthouseError(f"gunicorn not found beside {sys.executable}: `make install`")
        self.process = subprocess.Popen(
            [str(gunicorn), "bench.lighthouse_wsgi", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning"],
            env=self.env,
            cwd=ROOT,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LighthouseError(f"gunicorn exited at start; see {self.log}")
            try:
                fetch(f"{self.url}/healthz")
                return self
            except OSError:
                time.sleep(0.5)
        raise LighthouseError(f"gunicorn did not answer /healthz within 90 s; see {self.log}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def pages_discover(base: str) -> list[tuple[str, str]]:
    """Home, the forum index, the first board it links that lists topics, and its first topic."""
    forum = fetch(f"{base}/forum/")
    boards = dict.fromkeys(re.findall(r'href="(/forum/forum/[^"/]+-\d+/)"', forum))
    for board in boards:
        topic = re.search(
            r'href="(/forum/forum/[^"/]+-\d+/topic/[^"/]+-\d+/)"', fetch(base + board)
        )
        if topic:
            return [("home", "/"), ("forum", "/forum/"), ("board", board), ("topic", topic[1])]
    raise LighthouseError("the forum index links no board with a topic a visitor can read")


def static_headers_check(base: str) -> list[str]:
    """The stylesheets of the home page: hashed names, cached for a year, compressed."""
    problems = []
    home = fetch(f"{base}/")
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', home):
        request = urllib.request.Request(base + href, headers={"Accept-Encoding": "gzip, br"})
        with urllib.request.urlopen(request, timeout=30) as response:
            cache = response.headers.get("Cache-Control", "")
            encoding = response.headers.get("Content-Encoding", "")
        print(f"lighthouse: {href}: Cache-Control {cache!r}, Content-Encoding {encoding!r}")
        if "immutable" not in cache or not re.search(r"max-age=\d{8,}", cache):
            problems.append(f"{href} is not cached for long ({cache!r})")
        if encoding not in ("gzip", "br"):
            problems.append(f"{href} is not compressed")
    return problems


def lighthouse_run(binary: Path, url: str, output: Path, chrome: str) -> dict:
    env = dict(os.environ, CHROME_PATH=chrome)
    command = [
        str(binary), url,
        "--output=json", f"--output-path={output}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox",
        "--quiet",
    ]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not output.exists():
        raise LighthouseError(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        raise LighthouseError(f"lighthouse on {url}: {report['runtimeError']}")
    return {
        name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES
    } | {
        "fcp_ms": round(report["audits"]["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(report["audits"]["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(report["audits"]["total-blocking-time"]["numericValue"]),
        "cls": round(report["audits"]["cumulative-layout-shift"]["numericValue"], 3),
        "bytes": report["audits"]["total-byte-weight"]["numericValue"],
    }


def table(results: dict) -> str:
    head = [
        "page",
        "path",
        *[SHORT[c] for c in CATEGORIES],
        "FCP ms",
        "LCP ms",
        "TBT ms",
        "CLS",
        "KB",
    ]
    rows = [head, ["---"] * len(head)]
    for name, entry in results.items():
        median = entry["median"]
        rows.append(
            [name, f"`{unquote(entry['path'])}`", *[str(median[c]) for c in CATEGORIES],
             str(median["fcp_ms"]), str(median["lcp_ms"]), str(median["tbt_ms"]),
             str(median["cls"]), str(round(median["bytes"] / 1024))]
        )  # fmt: skip
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--min-score", type=int, default=95)
    parser.add_argument("--report-only", action="store_true", help="exit 0 whatever the scores")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--redis-url", default="", help="default: local-memory cache")
    parser.add_argument("--keep-db", action="store_true", help="reuse var/lighthouse/db.sqlite3")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--no-install", action="store_true", help="never run npm ci")
    args = parser.parse_args(argv)

    if not Path(args.chrome).exists():
        raise LighthouseError(f"{args.chrome} is missing: apt-get install chromium")
    binary = lighthouse_binary(install=not args.no_install)
    VAR.mkdir(parents=True, exist_ok=True)
    env = server_env(args)
    if not args.database_url and not args.keep_db:
        for suffix in ("", "-wal", "-shm"):
            (VAR / f"db.sqlite3{suffix}").unlink(missing_ok=True)
    print("lighthouse: migrate, seed_demo, collectstatic …", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput", "--clear")

    results, problems = {}, []
    with Server(env, free_port(), args.workers) as server:
        problems = static_headers_check(server.url)
        pages = pages_discover(server.url)
        for name, path in pages:
            # A visitor's page is served from the page cache once warm, as in production.
            fetch(server.url + path)
            runs = []
            for run in range(args.runs):
                output = VAR / f"{name}-{run + 1}.json"
                scores = lighthouse_run(binary, server.url + path, output, args.chrome)
                print(f"lighthouse: {name} run {run + 1}: {scores}", flush=True)
                runs.append(scores)
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            results[name] = {"path": path, "runs": runs, "median": median}

    load = os.getloadavg()
    summary = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "load_average": [round(value, 2) for value in load],
        "cpus": os.cpu_count(),
        "pages": results,
    }
    (VAR / "summary.json").write_text(json.dumps(summary, indent=2))
    print()
    print(table(results))
    print(
        f"\nmedian of {args.runs} runs, mobile preset; load average {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f} on {os.cpu_count()} CPUs; reports in {VAR}"
    )
    low = [
        f"{name} {category} {entry['median'][category]}"
        for name, entry in results.items()
        for category in CATEGORIES
        if entry["median"][category] < args.min_score
    ]
    for problem in problems:
        print(f"static files: {problem}")
    if low:
        print(f"below {args.min_score}: " + ", ".join(low))
    if (low or problems) and not args.report_only:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
