"""A bounded soak of a running test_project on loopback: mixed reads, writes, exports and
sign-ins from several threads for a set time. Run by scripts/soak.sh.

Usage: soak.py BASE_URL PID SECONDS [WORKERS]. Prints a Markdown table: requests, errors,
p50/p99 latency per kind, and the server's resident memory at the start and the end.
"""

import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

base, pid, seconds = sys.argv[1].rstrip("/"), int(sys.argv[2]), float(sys.argv[3])
workers = int(sys.argv[4]) if len(sys.argv) > 4 else 8
url = urllib.parse.urlparse(base)
ADMIN = ("e2e-admin", "e2e-password-1")


def rss_mb():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Session:
    """One keep-alive connection, signed in as `user` (username, password)."""

    def __init__(self, user=ADMIN):
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        self.cookie = self.csrf = None
        self.user = user
        self.sign_in()

    def request(self, method, path, body=None, raw=False):
        headers = {}
        if body is not None:
            headers["content-type"] = "application/json"
        if self.cookie:
            headers["cookie"] = self.cookie
            if method != "GET":
                headers["x-csrf-token"] = self.csrf
        data = json.dumps(body) if body is not None else None
        self.conn.request(method, url.path + path, body=data, headers=headers)
        res = self.conn.getresponse()
        payload = res.read()
        return res.status, (payload if raw else (json.loads(payload) if payload else None)), res

    def sign_in(self):
        self.cookie = None
        status, body, res = self.request("POST", "/api/v1/auth/login", {"username": self.user[0], "password": self.user[1]})
        assert status == 200, status
        self.cookie = res.getheader("set-cookie").split(";")[0]
        self.csrf = body["csrf_token"]
        return status


def work(session, kind):
    """One request of `kind`; returns its status."""
    r = random.random
    if kind == "list":
        status = random.choice(["paid", "shipped", "new"])
        where = urllib.parse.quote(json.dumps({"status": {"_eq": status}}))
        order = random.choice(["-placed_at", "placed_at", "-total", "id"])
        return session.request("GET", f"/api/v1/tables/orders/rows?where={where}&order_by={order}&limit=50&offset={int(r() * 2000)}")[0]
    if kind == "get":
        return session.request("GET", f"/api/v1/tables/customers/rows/{1 + int(r() * 1999)}")[0]
    if kind == "tables":
        return session.request("GET", "/api/v1/tables")[0]
    if kind == "write":
        name = f"soak-{threading.get_ident()}-{time.monotonic_ns()}"
        status, row, _ = session.request("POST", "/api/v1/tables/categories/rows", {"name": name})
        if status != 201:
            return status
        status = session.request("PATCH", f"/api/v1/tables/categories/rows/{row['id']}", {"description": "soaked"})[0]
        if status != 200:
            return status
        return session.request("DELETE", f"/api/v1/tables/categories/rows/{row['id']}")[0]
    if kind == "export":
        return session.request("GET", "/api/v1/tables/products/export?format=csv", raw=True)[0]
    if kind == "sign-in":
        session.request("POST", "/api/v1/auth/logout", {})
        return session.sign_in()
    raise ValueError(kind)


MIX = ["list"] * 12 + ["get"] * 4 + ["tables"] * 2 + ["write"] * 2 + ["export"] + ["sign-in"]
if len(sys.argv) > 5:  # a subset, for finding what a figure comes from: soak.py ... WORKERS list,get
    MIX = [k for k in MIX if k in sys.argv[5].split(",")]
latencies = {kind: [] for kind in set(MIX)}
errors = {kind: 0 for kind in set(MIX)}
lock = threading.Lock()
deadline = time.time() + seconds


def worker(user):
    session = Session(user)
    while time.time() < deadline:
        kind = random.choice(MIX)
        start = time.perf_counter()
        try:
            ok = 200 <= work(session, kind) < 300
        except Exception:  # a dropped connection, a timeout: counted, and a new connection
            ok = False
            try:
                session = Session(user)
            except Exception:
                time.sleep(0.1)
        elapsed = time.perf_counter() - start
        with lock:
            latencies[kind].append(elapsed)
            errors[kind] += 0 if ok else 1


# One user per worker: the sign-in budget is per account, and people sign in as themselves.
admin = Session()
users = [(f"soak-{i}", "soak-password-1") for i in range(workers)]
for name, password in users:
    admin.request("POST", "/api/v1/users", {"username": name, "password": password, "role": "admin"})
admin.request("GET", "/api/v1/tables/orders/rows?limit=50")  # warm-up
rss_start = rss_mb()
threads = [threading.Thread(target=worker, args=(user,)) for user in users]
for t in threads:
    t.start()
# Resident memory at each tenth of the run: flat means the last tenths agree.
samples = []
for tenth in range(1, 11):
    time.sleep(max(0.0, deadline - seconds + seconds * tenth / 10 - time.time()))
    samples.append(rss_mb())
for t in threads:
    t.join()
rss_end = rss_mb()


def pct(samples, p):
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(len(samples) * p))] * 1000 if samples else 0


total = sum(len(v) for v in latencies.values())
total_errors = sum(errors.values())
print(f"\n{total} requests in {seconds:.0f} s from {workers} threads ({total / seconds:.0f}/s), {total_errors} errors; "
      f"resident memory {rss_start:.1f} MB at the start, {rss_end:.1f} MB at the end\n")
print("Resident memory at each tenth of the run (MB): " + ", ".join(f"{m:.1f}" for m in samples) + "\n")
print("| kind | requests | errors | p50 | p99 |")
print("|---|---|---|---|---|")
for kind in sorted(latencies, key=lambda k: -len(latencies[k])):
    samples = latencies[kind]
    print(f"| {kind} | {len(samples)} | {errors[kind]} | {pct(samples, 0.5):.1f} ms | {pct(samples, 0.99):.1f} ms |")
sys.exit(1 if total_errors else 0)
