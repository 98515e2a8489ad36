"""``make bench``: generated cities of BENCH_SMALL (4,000) and BENCH_LARGE (400,000)
households on PostgreSQL, measured side by side, printed as one table and written as
JSON under ``bench/results/``.

Every loop is bounded in count and time; servers listen on 127.0.0.1 only and are
stopped at the end. Environment: BENCH_PG (server URL without database, default
postgres://postgres@127.0.0.1:5432), REDIS_URL (default redis://127.0.0.1:6379/14),
BENCH_SMALL, BENCH_LARGE, BENCH_SEED, BENCH_REPEAT (default 3), BENCH_SECONDS (default 8).
"""

import datetime
import http.client
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
TARGETS = {"a": ("<=", 1.5), "b": ("<=", 0.01), "c": ("<=", 1.3), "d": (">=", 0.5),
           "e": ("<=", 1.5)}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env_for(database_url: str) -> dict:
    env = dict(os.environ)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    # The production stack: tasks (notifications, metric refresh) go to the broker; no
    # worker consumes them during the run, and the queue is emptied at the end.
    env.update(
        DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0", DJANGO_ENV="development", REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0", DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def purge_queue() -> None:
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
    client.delete("celery")


def manage(database_url: str, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env_for(database_url),
                   check=True)


def worker(database_url: str, task: str) -> dict:
    out = subprocess.run([PYTHON, "-m", "bench.worker", task], cwd=ROOT,
                         env=env_for(database_url), check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- databases ----------------------------------------------------------------------------
def ensure_city(server: str, name: str, households: int, seed: int) -> str:
    """The database ``name`` holding exactly this city; reused when already generated."""
    url = f"{server}/{name}"
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if exists and _holds_city(url, households, seed):
        log(f"{name}: reusing the generated city of {households:,} households")
        admin.close()
        manage(url, "migrate", "--noinput", "-v0")
        return url
    with admin.cursor() as cursor:
        if exists:
            cursor.execute(f'DROP DATABASE "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    log(f"{name}: migrating and generating {households:,} households")
    manage(url, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(url, "generate_city", "--households", str(households), "--seed", str(seed))
    log(f"{name}: generated in {time.monotonic() - started:.0f}s")
    return url


def _holds_city(url: str, households: int, seed: int) -> bool:
    try:
        connection = psycopg2.connect(url)
    except psycopg2.Error:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM communities_household")
            count = cursor.fetchone()[0]
            cursor.execute("SELECT 1 FROM communities_city WHERE name = %s", [f"模拟市{seed}"])
            city = cursor.fetchone() is not None
            # A city generated before Party organisations, meetings and patrols were added
            # has none: regenerate it.
            cursor.execute("SELECT EXISTS (SELECT 1 FROM party_orgs_partyorganization)")
            return count == households and city and cursor.fetchone()[0]
    except psycopg2.Error:
        return False
    finally:
        connection.close()


# -- metric tasks -------------------------------------------------------------------------
def measure_metrics(url: str, repeat: int) -> dict:
    recompute = [worker(url, "recompute") for _ in range(repeat)]
    lower = [worker(url, "lowerbound") for _ in range(repeat)]
    incremental = [worker(url, "incremental") for _ in range(repeat)]
    return {
        "recompute_s": statistics.median(r["seconds"] for r in recompute),
        "lower_bound_s": statistics.median(r["seconds"] for r in lower),
        "incremental_s": statistics.median(r["seconds"] for r in incremental),
        "recompute_maxrss_kb": statistics.median(r["maxrss_kb"] for r in recompute),
    }


# -- HTTP ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, url: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(os.cpu_count() or 2),
             "--log-level", "warning"],
            cwd=ROOT, env=env_for(url),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _body, _h = Client(self.port).get("/healthz")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Client:
    """A keep-alive HTTP/1.1 client with a cookie jar (one per thread)."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = dict(cookies or {})

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, response

    def get(self, path):
        return self.request("GET", path)


def page_latency(port: int, path: str, cookies: dict, *, warmup: int = 5,
                 count: int = 25) -> float:
    client = Client(port, cookies)
    for _ in range(warmup):
        status, _data, _r = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def throughput(port: int, make_request, *, seconds: float, threads: int = 4,
               max_requests: int = 20_000) -> float:
    """Successful requests per second from ``threads`` keep-alive clients."""
    done = [0] * threads
    stop_at = time.monotonic() + seconds

    def run(i):
        send = make_request(i)
        while time.monotonic() < stop_at and done[i] < max_requests // threads:
            if send():
                done[i] += 1

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def healthz_sender(port):
    def make(_i):
        client = Client(port)
        return lambda: client.get("/healthz")[0] == 200
    return make


def submission_sender(port, compound_id, category_id):
    path = f"/complaints/new/{compound_id}/"

    def make(i):
        client = Client(port)
        status, page, _r = client.get(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        counter = [0]

        def send():
            counter[0] += 1
            body = urllib.parse.urlencode({
                "csrfmiddlewaretoken": token, "category": category_id,
                "description": f"压测诉求：楼道灯不亮，第{i}-{counter[0]}次。",
                "reporter_name": "压测", "reporter_phone": f"139{i:02d}{counter[0] % 10**6:06d}",
                "website": "",
            })
            status, _data, _r = client.request(
                "POST", path, body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded",
                         "Referer": f"http://127.0.0.1:{port}{path}"},
            )
            return status == 302
        return send
    return make


def measure_pages(url: str, *, with_throughput: bool, seconds: float) -> dict:
    info = worker(url, "session")
    server = Server(url)
    try:
        name = info["cookie_name"]
        staff = {name: info["staff_cookie"]}
        resident = {name: info["resident_cookie"]}
        result = {
            "dashboard_ms": page_latency(server.port, "/dashboard/", staff),
            "workbench_ms": page_latency(server.port, "/staff/complaints/", staff),
            "api_list_ms": page_latency(server.port, "/api/v1/complaints/", staff),
            "tracking_ms": page_latency(
                server.port, f"/complaints/track/{info['tracking_code']}/", resident),
        }
        if with_throughput:
            throughput(server.port, healthz_sender(server.port), seconds=1)  # warm-up
            result["healthz_rps"] = throughput(
                server.port, healthz_sender(server.port), seconds=seconds)
            result["submissions_per_s"] = throughput(
                server.port,
                submission_sender(server.port, info["compound_id"], info["category_id"]),
                seconds=seconds)
        return result
    finally:
        server.stop()


# -- the table ----------------------------------------------------------------------------
def main() -> int:
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    small = int(os.environ.get("BENCH_SMALL", 4000))
    large = int(os.environ.get("BENCH_LARGE", 400_000))
    seed = int(os.environ.get("BENCH_SEED", 1))
    repeat = int(os.environ.get("BENCH_REPEAT", 3))
    seconds = float(os.environ.get("BENCH_SECONDS", 8))
    urls = {
        "small": ensure_city(server, "redprop_bench_small", small, seed),
        "large": ensure_city(server, "redprop_bench_large", large, seed),
    }
    metrics = {label: measure_metrics(url, repeat) for label, url in urls.items()}
    log("metric tasks measured; measuring pages through gunicorn")
    pages = {label: measure_pages(url, with_throughput=label == "large", seconds=seconds)
             for label, url in urls.items()}
    s, lg = metrics["small"], metrics["large"]
    ps, pl = pages["small"], pages["large"]
    page_ratios = {
        key: pl[key] / ps[key]
        for key in ("dashboard_ms", "workbench_ms", "api_list_ms", "tracking_ms")
    }
    rows = [
        ("a", "full recompute, 12 months ÷ SQL lower bound (large)",
         f"{lg['recompute_s']:.2f} s ÷ {lg['lower_bound_s']:.2f} s",
         lg["recompute_s"] / lg["lower_bound_s"]),
        ("b", "incremental refresh, 1 complaint ÷ full recompute (large)",
         f"{lg['incremental_s']:.3f} s ÷ {lg['recompute_s']:.2f} s",
         lg["incremental_s"] / lg["recompute_s"]),
    ]
    for key, label in (("dashboard_ms", "dashboard"), ("workbench_ms", "complaint workbench"),
                       ("api_list_ms", "API complaint list"), ("tracking_ms", "tracking page")):
        rows.append(("c", f"median latency, {label}: large ÷ small",
                     f"{pl[key]:.1f} ms ÷ {ps[key]:.1f} ms", page_ratios[key]))
    rows += [
        ("d", "complaint submissions/s ÷ /healthz requests/s (large)",
         f"{pl['submissions_per_s']:.1f} ÷ {pl['healthz_rps']:.1f}",
         pl["submissions_per_s"] / pl["healthz_rps"]),
        ("e", "peak memory of the metric recompute: large ÷ small",
         f"{lg['recompute_maxrss_kb'] / 1024:.0f} MiB ÷ {s['recompute_maxrss_kb'] / 1024:.0f} MiB",
         lg["recompute_maxrss_kb"] / s["recompute_maxrss_kb"]),
    ]
    table = []
    for key, label, figures, ratio in rows:
        op, target = TARGETS[key]
        met = ratio <= target if op == "<=" else ratio >= target
        table.append({"key": key, "measure": label, "figures": figures,
                      "ratio": round(ratio, 4), "target": f"{op} {target}", "met": met})
    report = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "memory_gib": _memory_gib(),
                    "load_average_at_end": os.getloadavg()},
        "households": {"small": small, "large": large}, "seed": seed, "repeat": repeat,
        "command": f"BENCH_LARGE={large} make bench",
        "metrics": metrics, "pages": pages, "table": table,
    }
    purge_queue()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print()
    print(f"Benchmark {report['date']}: {small:,} vs {large:,} households, "
          f"{os.cpu_count()} CPUs, {report['machine']['memory_gib']} GiB")
    print(f"{'':2} {'measure':58} {'figures':26} {'ratio':>8} {'target':>8}  met")
    for row in table:
        print(f"{row['key']:2} {row['measure']:58} {row['figures']:26} {row['ratio']:8.3f} "
              f"{row['target']:>8}  {'yes' if row['met'] else 'NO'}")
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0


def _memory_gib() -> float:
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(meminfo.readline().split()[1])
        return round(kb / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        return 0.0


if __name__ == "__main__":
    sys.exit(main())
