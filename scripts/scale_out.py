"""Two test_project instances on one database behave as one: run by scripts/scale-out.sh.

Usage: scale_out.py URL_A URL_B (each the instance's /admin/ base). Alternates requests between
the two and checks that sessions, feature flags, tracking, permissions and the login rate limit
are shared. Exits non-zero on the first failure; prints one line per check.
"""

import json
import sys
import time
import urllib.error
import urllib.request

A, B = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/")
ADMIN = ("e2e-admin", "e2e-password-1")
passed = 0


def call(base, method, path, body=None, session=None):
    """(status, json) of one request; session = (cookie, csrf)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if session:
        req.add_header("cookie", session[0])
        if session[1]:
            req.add_header("x-csrf-token", session[1])
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            raw = res.read()
            return res.status, (json.loads(raw) if raw else None), res.headers
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, (json.loads(raw) if raw else None), err.headers


def login(base, username, password):
    status, body, headers = call(base, "POST", "/api/v1/auth/login", {"username": username, "password": password})
    if status != 200:
        return status, None
    cookie = headers["set-cookie"].split(";")[0]
    return status, (cookie, body["csrf_token"])


def check(name, ok, detail=""):
    global passed
    if not ok:
        print(f"FAIL {name} {detail}")
        sys.exit(1)
    passed += 1
    print(f"ok   {name}")


def eventually(probe, within):
    """Polls probe() until it is true or `within` seconds have passed."""
    deadline = time.time() + within
    while True:
        if probe():
            return True
        if time.time() > deadline:
            return False
        time.sleep(0.2)


status, admin = login(A, *ADMIN)
check("sign in on A", status == 200, status)
status, me, _ = call(B, "GET", "/api/v1/auth/me", session=admin)
check("A's session works on B", status == 200 and me["user"]["username"] == ADMIN[0], (status, me))
status, _, _ = call(B, "POST", "/api/v1/auth/logout", session=admin)
check("sign out on B", status == 204, status)
check("the session is gone on A too", eventually(lambda: call(A, "GET", "/api/v1/auth/me", session=admin)[0] == 401, 3))
status, admin = login(B, *ADMIN)

# Feature flags: toggled on A, seen by B's host code (test_project's /api/status) within the 2 s cache.
shop_b = B.rsplit("/admin", 1)[0]
call(A, "POST", "/api/v1/flags", {"name": "shop.maintenance", "enabled": False}, session=admin)
call(B, "GET", "/api/v1/flags", session=admin)
urllib.request.urlopen(shop_b + "/api/status").read()  # fills B's flag cache with "off"
status, _, _ = call(A, "PATCH", "/api/v1/flags/shop.maintenance", {"enabled": True}, session=admin)
check("flag switched on at A", status == 200, status)
shop_state = lambda: json.loads(urllib.request.urlopen(shop_b + "/api/status").read())["shop"]
check("B's host sees the flag within its cache time", eventually(lambda: shop_state() == "maintenance", 3))

# Tracking: untracked on A, gone from B's list at once; tracked again on B, back on A.
status, _, _ = call(A, "POST", "/api/v1/tables/categories/untrack", session=admin)
check("untrack on A", status == 204, status)
names = lambda base: [t["name"] for t in call(base, "GET", "/api/v1/tables", session=admin)[1]["tables"]]
check("B lists it no more", "categories" not in names(B))
check("B refuses its rows", call(B, "GET", "/api/v1/tables/categories/rows", session=admin)[0] == 404)
call(B, "POST", "/api/v1/tables/categories/track", session=admin)
check("tracked again on B, A lists it", "categories" in names(A))

# Permissions: a role and a user made on A; the rule changed on B applies on A at once.
call(A, "POST", "/api/v1/roles", {"name": "scaleout"}, session=admin)
call(A, "PUT", "/api/v1/permissions/scaleout/products/select", {"filter": {}}, session=admin)
call(A, "POST", "/api/v1/users", {"username": "scaleout-user", "password": "password-123", "role": "scaleout"}, session=admin)
status, user = login(B, "scaleout-user", "password-123")
check("a user made on A signs in on B", status == 200, status)
check("the user reads products on A", call(A, "GET", "/api/v1/tables/products/rows?limit=1", session=user)[0] == 200)
call(B, "DELETE", "/api/v1/permissions/scaleout/products/select", session=admin)
check(
    "a rule removed on B no longer applies on A",
    eventually(lambda: call(A, "GET", "/api/v1/tables/products/rows?limit=1", session=user)[0] == 404, 3),
)

# The login rate limit is one budget across instances (5 failures per 5 minutes by default).
for i in range(5):
    status, _ = login(A if i % 2 == 0 else B, "scaleout-user", "wrong")
    check(f"failed sign-in {i + 1} ({'A' if i % 2 == 0 else 'B'})", status == 401, status)
check("the sixth, on B, is refused", login(B, "scaleout-user", "password-123")[0] == 429)
check("and on A", login(A, "scaleout-user", "password-123")[0] == 429)

print(f"scale-out: {passed} passed, 0 failed")
