#!/usr/bin/env python3
"""Gatehouse benchmarks, side by side with the Flask demo it grew out of.

Run through bench/run.sh, which builds what this needs. Both apps run on this
machine at the same bcrypt cost, are driven by oha, and are measured in the
same run (compare the ratios, not absolute numbers across runs):

  1. dashboard: authenticated GET /dashboard, 64 connections, in rounds with
     the reference servers (7) so that all are measured under the same load
     of this shared machine; medians are reported
  2. login: successful logins at 8 concurrent clients, each a fresh browser
     session (GET the form for its CSRF token, POST the credentials), from a
     small Python client: a login cannot be replayed by oha, since it rotates
     the session and the CSRF token by design. Gatehouse runs with its
     per-address login limit lifted for this (every client is 127.0.0.1).
  3. mixed: dashboard at 16 connections while those logins saturate hashing
  4. memory: server RSS idle and after the dashboard run
  5. bundle: the hydrate bundle (wasm + js), raw and gzip -9
  6. abuse (Gatehouse only): what the login throttle, rate limiter and
     breached-password lookup cost (examples/abuse_overhead.rs), and the
     dashboard's p99 for a signed-in user while one address floods the login
     endpoint at 64 connections (it is answered 429)
  7. references: a bare axum hello world (the ceiling of the web stack here)
     and a bare Leptos page (examples/leptos_floor.rs, the floor of the fixed
     stack: what a page costs before any of Gatehouse's work)

Prints a Markdown report and writes it to bench/results/.
"""

from __future__ import annotations

import email
import email.policy
import gzip
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER = Path(os.environ.get("FLASK_PEER", ROOT.parent / "shared" / "peers" / "flask_auth_demo"))
VENV = Path(os.environ.get("FLASK_VENV", Path(tempfile.gettempdir()) / "flask_peer_venv"))
COST = int(os.environ.get("BENCH_BCRYPT_COST", "12"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
GATEHOUSE_PORT = 3100
FLASK_PORT = 5100
HELLO_PORT = 3200
FLOOR_PORT = 3300
EMAIL = "bench@example.com"
PASSWORD = "correct horse battery staple"
LOGIN_CLIENTS = 8
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A cookie-jar HTTP client that does not follow redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.location = ""
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        req.add_header("Accept", "text/html")
        if body is not None:
            req.add_header("Origin", self.base)
            req.add_header("Referer", self.base + path)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            self.location = e.headers.get("Location", "")
            return e.code, e.read().decode()

    def csrf(self, path: str) -> str:
        status, html = self.request(path)
        match = CSRF_RE.search(html)
        if not match:
            raise RuntimeError(f"no CSRF token on {self.base}{path} (status {status})")
        return match.group(1)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def oha(url: str, connections: int, seconds: int, headers: list[str], method: str = "GET",
        body: str | None = None) -> dict:
    cmd = ["oha", "-z", f"{seconds}s", "-c", str(connections), "--no-tui",
           "--output-format", "json", "-r", "0", "-m", method]
    for h in headers:
        cmd += ["-H", h]
    if body is not None:
        cmd += ["-d", body]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    return {
        "rps": data["summary"]["requestsPerSec"],
        "p50_ms": data["latencyPercentiles"]["p50"] * 1000,
        "p99_ms": data["latencyPercentiles"]["p99"] * 1000,
        "statuses": data["statusCodeDistribution"],
    }


def start_gatehouse(data_dir: Path, lift_login_limit: bool = True,
                    binary: Path = ROOT / "target/release/gatehouse",
                    port: int = GATEHOUSE_PORT) -> subprocess.Popen:
    env = dict(os.environ,
               GATEHOUSE_SITE_ADDR=f"127.0.0.1:{port}",
               GATEHOUSE_DATA_DIR=str(data_dir),
               GATEHOUSE_BCRYPT_COST=str(COST),
               GATEHOUSE_LOG_LEVEL="warn",
               GATEHOUSE_CONFIG="/dev/null")
    if lift_login_limit:
        env["GATEHOUSE_RATE_LIMIT_LOGIN_PER_MINUTE"] = "100000"
    # Nine accounts are signed up from one address before any measurement,
    # and every login client starts a fresh session.
    env["GATEHOUSE_RATE_LIMIT_SIGNUP_PER_MINUTE"] = str(LOGIN_CLIENTS + 1)
    env["GATEHOUSE_RATE_LIMIT_NEW_SESSIONS_PER_MINUTE"] = "100000"
    proc = subprocess.Popen([str(binary)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/healthz")
    return proc


def start_flask(data_dir: Path) -> subprocess.Popen:
    env = dict(os.environ,
               DATABASE_URL=f"sqlite:///{data_dir}/users.db",
               SECRET_KEY="benchmark-secret-key-not-for-production",
               BCRYPT_ROUNDS=str(COST))
    proc = subprocess.Popen(
        [str(VENV / "bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{FLASK_PORT}",
         "--no-control-socket", "app:app"],
        cwd=PEER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{FLASK_PORT}/login")
    return proc


def confirm_from_outbox(client: Client, data_dir: Path, address: str) -> None:
    """Follows the verification link Gatehouse wrote to its outbox for `address`."""
    outbox = data_dir / "outbox"
    deadline = time.time() + 30
    while time.time() < deadline:
        for path in sorted(outbox.glob("*-verify_email.eml")) if outbox.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] != address:
                continue
            text = message.get_body(preferencelist=("plain",)).get_content()
            link = re.search(r"https?://\S+?token=[A-Za-z0-9_-]+", text)
            if link:
                url = urllib.parse.urlparse(link.group(0))
                client.request(f"{url.path}?{url.query}")
                return
        time.sleep(0.1)
    raise RuntimeError(f"no verification mail for {address}")


def sign_up(app: str, base: str, data_dir: Path, address: str) -> Client:
    """A new, confirmed account for `address`, signed in on the returned client."""
    user = Client(base)
    token = user.csrf("/signup")
    status, _ = user.request("/api/signup" if app == "gatehouse" else "/signup", {
        "email": address, "password": PASSWORD, "confirm_password": PASSWORD,
        "csrf_token": token})
    assert status in (302, 303), f"{app} signup answered {status}"
    if app == "gatehouse":
        confirm_from_outbox(user, data_dir, address)
    return user


def prepare(app: str, data_dir: Path, port: int = GATEHOUSE_PORT) -> dict:
    """Signs users up; returns the signed-in cookie and a login request to replay."""
    if app == "gatehouse":
        base = f"http://127.0.0.1:{port}"
        login_page, login_post = "/login", "/api/login"
    else:
        base = f"http://127.0.0.1:{FLASK_PORT}"
        login_page, login_post = "/login", "/login"
    user = sign_up(app, base, data_dir, EMAIL)
    token = user.csrf(login_page)
    status, _ = user.request(login_post, {"email": EMAIL, "password": PASSWORD,
                                          "csrf_token": token})
    assert status in (302, 303), f"{app} login answered {status}"
    status, html = user.request("/dashboard")
    assert status == 200 and EMAIL in html, f"{app} dashboard answered {status}"
    # One account per login client: Gatehouse counts an attempt against its
    # account until the password is checked, so many parallel logins to one
    # account are throttled by design (no person logs in 8 times at once).
    login_accounts = [f"bench-login-{i}@example.com" for i in range(LOGIN_CLIENTS)]
    for address in login_accounts:
        sign_up(app, base, data_dir, address)
    attacker = Client(base)
    token = attacker.csrf(login_page)
    body = urllib.parse.urlencode({"email": EMAIL, "password": "wrong password, again",
                                   "csrf_token": token})
    return {
        "base": base,
        "login_page": login_page,
        "login_post": login_post,
        "dashboard_headers": [f"Cookie: {user.cookie_header()}", "Accept: text/html"],
        "login_url": base + login_post,
        "login_headers": [f"Cookie: {attacker.cookie_header()}", f"Origin: {base}",
                          f"Referer: {base}{login_page}",
                          "Content-Type: application/x-www-form-urlencoded",
                          "Accept: application/json"],
        "login_body": body,
        "login_accounts": login_accounts,
    }


def login_load(ctx: dict, clients: int, seconds: float) -> dict:
    """Successful logins from `clients` threads, each a fresh session per login."""
    stop = time.time() + seconds
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()

    def worker(address: str) -> None:
        while time.time() < stop:
            client = Client(ctx["base"])
            token = client.csrf(ctx["login_page"])
            start = time.time()
            status, _ = client.request(ctx["login_post"], {
                "email": address, "password": PASSWORD, "csrf_token": token})
            elapsed = time.time() - start
            with lock:
                latencies.append(elapsed)
                outcome = f"{status} {client.location}".strip()
                statuses[outcome] = statuses.get(outcome, 0) + 1

    threads = [threading.Thread(target=worker, args=(address,))
               for address in ctx["login_accounts"][:clients]]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "rps": len(latencies) / (time.time() - began),
        "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else 0,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0,
        "statuses": statuses,
    }


def dashboard_rounds(targets: dict, pids: dict) -> dict:
    """Each server's page at 64 connections, ROUNDS times, the servers taking
    turns, so a slow spell of this (shared) machine hits all of them alike.
    Returns each one's median figures, its runs, and (for `pids`) the largest
    RSS seen right after one of its runs."""
    for url, headers in targets.values():
        oha(url, 64, 3, headers)  # warm-up
    runs: dict[str, list] = {name: [] for name in targets}
    rss: dict[str, int] = {name: 0 for name in pids}
    for _ in range(ROUNDS):
        for name, (url, headers) in targets.items():
            runs[name].append(oha(url, 64, SECONDS, headers))
            if name in pids:
                rss[name] = max(rss[name], rss_kib(pids[name]))
    return {name: {**{field: statistics.median(run[field] for run in rs)
                      for field in ("rps", "p50_ms", "p99_ms")},
                   "statuses": rs[-1]["statuses"],
                   "runs": [round(run["rps"]) for run in rs],
                   "rss_after_kib": rss.get(name)}
            for name, rs in runs.items()}


def measure_hashing(ctx: dict) -> dict:
    """Logins alone, then the dashboard while logins saturate hashing."""
    dashboard = ctx["base"] + "/dashboard"
    result = {"login": login_load(ctx, LOGIN_CLIENTS, SECONDS)}
    mixed = {}
    logins = threading.Thread(target=lambda: mixed.update(login_load(ctx, LOGIN_CLIENTS, SECONDS)))
    logins.start()
    time.sleep(1)  # let the hashing pool fill before measuring the dashboard
    result["mixed_dashboard"] = oha(dashboard, 16, SECONDS - 3, ctx["dashboard_headers"])
    logins.join()
    result["mixed_login"] = mixed
    return result


def measure_flood(proc: subprocess.Popen, data_dir: Path) -> dict:
    """Gatehouse with its default limits, flooded from one address."""
    ctx = prepare("gatehouse", data_dir)
    dashboard = ctx["base"] + "/dashboard"
    flood = subprocess.Popen(
        [sys.executable, __file__, "--flood", json.dumps(ctx)], stdout=subprocess.PIPE, text=True)
    time.sleep(1)  # let the flood's bucket run dry before measuring
    result = {"flood_dashboard": oha(dashboard, 16, SECONDS - 3, ctx["dashboard_headers"])}
    result["flood"] = json.loads(flood.communicate()[0])
    return result


def start_reference(example: str, port: int, path: str) -> subprocess.Popen:
    """A reference server from examples/."""
    proc = subprocess.Popen([str(ROOT / "target/release/examples" / example),
                             f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}{path}")
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def bundle() -> dict:
    pkg = ROOT / "target/site/pkg"
    files = [pkg / "gatehouse.wasm", pkg / "gatehouse.js"]
    raw = sum(f.stat().st_size for f in files)
    gz = sum(len(gzip.compress(f.read_bytes(), compresslevel=9)) for f in files)
    # What browsers download: the Brotli files `--precompress` writes.
    br = sum(f.with_name(f.name + ".br").stat().st_size for f in files)
    return {"raw": raw, "gzip": gz, "brotli": br}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               "unknown CPU")
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))) // 1024 // 1024
    return f"{os.cpu_count()} cores ({cpu}), {mem} GiB RAM, {os.uname().sysname} {os.uname().release}"


def report(results: dict, bound: dict) -> str:
    g, f = results["gatehouse"], results["flask"]
    fl_rps = results["leptos_floor"]["rps"]

    def ratio(a, b):
        return f"{a / b:.1f}x" if b else "n/a"

    def row(name, key, field, fmt="{:.0f}"):
        return f"| {name} | {fmt.format(g[key][field])} | {fmt.format(f[key][field])} |"

    lines = [
        f"Machine: {machine()}. bcrypt cost {COST} for both apps; load from oha on the same machine; "
        f"{SECONDS} s per run; dashboard figures are medians of {ROUNDS} runs.",
        "",
        "| measure | Gatehouse | Flask demo |",
        "|---|---|---|",
        row("dashboard req/s (64 connections)", "dashboard", "rps"),
        row("dashboard p50 ms", "dashboard", "p50_ms", "{:.2f}"),
        row("dashboard p99 ms", "dashboard", "p99_ms", "{:.2f}"),
        row("successful logins/s (8 clients)", "login", "rps", "{:.1f}"),
        row("login p99 ms", "login", "p99_ms", "{:.0f}"),
        row("dashboard p99 ms while logins saturate hashing (16 + 8 connections)",
            "mixed_dashboard", "p99_ms", "{:.2f}"),
        row("dashboard req/s meanwhile", "mixed_dashboard", "rps"),
        f"| RSS idle | {g['rss_idle_kib'] / 1024:.1f} MiB | {f['rss_idle_kib'] / 1024:.1f} MiB |",
        f"| RSS after the dashboard runs (largest) | {g['rss_after_kib'] / 1024:.1f} MiB | "
        f"{f['rss_after_kib'] / 1024:.1f} MiB |",
        "",
        f"- Dashboard throughput: {ratio(g['dashboard']['rps'], f['dashboard']['rps'])} the Flask demo "
        f"(medians of {ROUNDS} runs each, the four servers taking turns; req/s per run: Gatehouse "
        f"{g['dashboard']['runs']}, Flask {f['dashboard']['runs']}, bare Leptos page "
        f"{results['leptos_floor']['runs']}, hello world {results['hello']['runs']}).",
        f"- Ceiling: a bare axum hello world (no session, no page) answers "
        f"{results['hello']['rps']:.0f} req/s here at 64 connections "
        f"({ratio(results['hello']['rps'], f['dashboard']['rps'])} the Flask dashboard, p99 "
        f"{results['hello']['p99_ms']:.2f} ms); the Gatehouse dashboard reaches "
        f"{100 * g['dashboard']['rps'] / results['hello']['rps']:.0f}% of it.",
        f"- Floor of the stack: a bare Leptos page (examples/leptos_floor.rs: the same document "
        f"frame, router, blocking resource and async SSR, with fixed text and no session, "
        f"cookie, token, nonce or middleware) answers {fl_rps:.0f} req/s, p99 "
        f"{results['leptos_floor']['p99_ms']:.2f} ms = "
        f"{ratio(fl_rps, f['dashboard']['rps'])} the Flask dashboard; the Gatehouse dashboard "
        f"reaches {100 * g['dashboard']['rps'] / fl_rps:.0f}% of it.",
        f"- bcrypt bound here: one verification takes {bound['verify_seconds'] * 1000:.0f} ms, "
        f"so {bound['cores']} cores allow {bound['bound_per_second']:.2f} logins/s; Gatehouse "
        f"reached {g['login']['rps']:.2f}/s = {100 * g['login']['rps'] / bound['bound_per_second']:.0f}% "
        "of it.",
        f"- Hydrate bundle (wasm + js): {results['bundle']['raw'] / 1024:.0f} KiB raw, "
        f"{results['bundle']['gzip'] / 1024:.0f} KiB gzip -9, "
        f"{results['bundle']['brotli'] / 1024:.0f} KiB as served (Brotli).",
        f"- Status codes: Gatehouse dashboard {g['dashboard']['statuses']}, logins {g['login']['statuses']}; "
        f"Flask dashboard {f['dashboard']['statuses']}, login {f['login']['statuses']}.",
        "",
        "Abuse resistance (Gatehouse):",
        "",
        "| measure | p50 | p99 |",
        "|---|---|---|",
    ]
    o = results["abuse_overhead"]
    for key, name in (("account_throttle", "per-account throttle (count + clear)"),
                      ("rate_limiter", "per-address rate limiter"),
                      ("breached_lookup", f"breached-password lookup ({o['breached_entries']:,} entries)"),
                      ("total", "all three")):
        lines.append(f"| {name} | {o[key]['p50_us']:.1f} µs | {o[key]['p99_us']:.1f} µs |")
    fl, fd = g["flood"], g["flood_dashboard"]
    lines += [
        "",
        f"- One address flooding `/api/login` at 64 connections: {fl['rps']:.0f} req/s answered, "
        f"statuses {fl['statuses']}; meanwhile a signed-in user's dashboard at 16 connections: "
        f"{fd['rps']:.0f} req/s, p99 {fd['p99_ms']:.2f} ms.",
    ]
    return "\n".join(lines)


def flood(ctx: str) -> None:
    """Child process: one address floods the login endpoint."""
    ctx = json.loads(ctx)
    print(json.dumps(oha(ctx["login_url"], 64, SECONDS, ctx["login_headers"], "POST",
                         ctx["login_body"])))


def check() -> None:
    """A seconds-long run of the harness against the release build, without a
    load tool or the Flask peer, so the test command notices when the app
    changes under the benchmark (settings, mail format, login outcome)."""
    if not port_free(GATEHOUSE_PORT):
        sys.exit(f"port {GATEHOUSE_PORT} is in use")
    subprocess.run([str(ROOT / "target/release/gatehouse"), "measure-bcrypt", "4"],
                   capture_output=True, check=True)
    work = Path(tempfile.mkdtemp(prefix="gatehouse-bench-check-"))
    proc = start_gatehouse(work)
    try:
        ctx = prepare("gatehouse", work)
        logins = login_load(ctx, LOGIN_CLIENTS, 1.0)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    outcomes = logins["statuses"]
    if set(outcomes) != {"302 /dashboard"}:
        sys.exit(f"benchmark logins did not all succeed: {outcomes}")
    print(f"benchmark harness works: signup, confirmation, dashboard, "
          f"{outcomes['302 /dashboard']} logins")


def compare(old_binary: Path) -> None:
    """The dashboard of an older release build beside this one, in the same
    run and in alternating rounds: the A/B a change's "no regression" claim
    rests on."""
    old_port = GATEHOUSE_PORT + 2
    for port in (GATEHOUSE_PORT, old_port):
        if not port_free(port):
            sys.exit(f"port {port} is in use")
    work = Path(tempfile.mkdtemp(prefix="gatehouse-bench-ab-"))
    procs: dict[str, subprocess.Popen] = {}
    try:
        targets = {}
        for name, binary, port in (("old", old_binary, old_port),
                                   ("new", ROOT / "target/release/gatehouse", GATEHOUSE_PORT)):
            data = work / name
            data.mkdir()
            procs[name] = start_gatehouse(data, binary=binary, port=port)
            ctx = prepare("gatehouse", data, port)
            targets[name] = (ctx["base"] + "/dashboard", ctx["dashboard_headers"])
        print(f"==> dashboards, old and new build: {ROUNDS} rounds of {SECONDS} s", flush=True)
        figures = dashboard_rounds(targets, {name: p.pid for name, p in procs.items()})
    finally:
        for proc in procs.values():
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    old, new = figures["old"], figures["new"]
    lines = [f"Machine: {machine()}. Old build: {old_binary}.",
             "", "| build | dashboard req/s (median) | p50 ms | p99 ms | runs | RSS after (largest) |",
             "|---|---|---|---|---|---|"]
    for name, f in (("old", old), ("new", new)):
        lines.append(f"| {name} | {f['rps']:.0f} | {f['p50_ms']:.2f} | {f['p99_ms']:.2f} | "
                     f"{f['runs']} | {f['rss_after_kib'] / 1024:.1f} MiB |")
    lines += ["", f"- New / old throughput: {new['rps'] / old['rps']:.3f}; statuses: "
              f"old {old['statuses']}, new {new['statuses']}."]
    text = "\n".join(lines)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{time.strftime('%Y%m%d-%H%M%S')}-ab.md").write_text(text + "\n")
    print(text)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--compare":
        compare(Path(sys.argv[2]).resolve())
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--flood":
        flood(sys.argv[2])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        check()
        return
    for port in (GATEHOUSE_PORT, FLASK_PORT, HELLO_PORT, FLOOR_PORT):
        if not port_free(port):
            sys.exit(f"port {port} is in use")
    bound = json.loads(subprocess.run([str(ROOT / "target/release/gatehouse"), "measure-bcrypt",
                                       str(COST)], capture_output=True, text=True,
                                      check=True).stdout)
    results = {"bundle": bundle()}
    overhead = json.loads(subprocess.run([str(ROOT / "target/release/examples/abuse_overhead")],
                                         capture_output=True, text=True, check=True).stdout)
    results["abuse_overhead"] = overhead
    work = Path(tempfile.mkdtemp(prefix="gatehouse-bench-"))
    procs: dict[str, subprocess.Popen] = {}
    try:
        ctxs = {}
        for app, start in (("gatehouse", start_gatehouse), ("flask", start_flask)):
            data = work / app
            data.mkdir()
            print(f"==> starting {app}", flush=True)
            procs[app] = start(data)
            ctxs[app] = prepare(app, data)
            results[app] = {"rss_idle_kib": rss_kib(procs[app].pid)}
        # The references: a bare axum hello world (the ceiling of the web
        # stack here) and a bare Leptos page (the floor of the fixed stack).
        procs["hello"] = start_reference("hello_axum", HELLO_PORT, "/")
        procs["leptos_floor"] = start_reference("leptos_floor", FLOOR_PORT, "/dashboard")
        html = ["Accept: text/html"]
        targets = {app: (ctx["base"] + "/dashboard", ctx["dashboard_headers"])
                   for app, ctx in ctxs.items()}
        targets["hello"] = (f"http://127.0.0.1:{HELLO_PORT}/", html)
        targets["leptos_floor"] = (f"http://127.0.0.1:{FLOOR_PORT}/dashboard", html)
        print(f"==> dashboards: {ROUNDS} rounds of {SECONDS} s, the servers in turn", flush=True)
        pids = {app: procs[app].pid for app in ctxs}
        for name, figures in dashboard_rounds(targets, pids).items():
            if name in ctxs:
                results[name]["dashboard"] = figures
                results[name]["rss_after_kib"] = figures["rss_after_kib"]
            else:
                results[name] = figures
        for name in ("hello", "leptos_floor"):
            stop(procs.pop(name))
        for app, ctx in ctxs.items():
            print(f"==> logins on {app}", flush=True)
            results[app].update(measure_hashing(ctx))
        for app in list(ctxs):
            stop(procs.pop(app))
        print("==> flooding gatehouse (default limits)", flush=True)
        data = work / "flood"
        data.mkdir()
        procs["flood"] = start_gatehouse(data, lift_login_limit=False)
        results["gatehouse"].update(measure_flood(procs["flood"], data))
    finally:
        for proc in procs.values():
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    text = report(results, bound)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"{stamp}.md").write_text(text + "\n")
    (out / f"{stamp}.json").write_text(json.dumps({"results": results, "bcrypt": bound}, indent=2))
    print()
    print(text)


if __name__ == "__main__":
    main()
