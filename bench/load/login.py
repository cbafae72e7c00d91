#!/usr/bin/env python3
"""Logs in the generated assistants (one session each) and writes "cookie csrf recipient" per
line, for the wrk scripts. usage: login.py BASE_URL COUNT OUT_FILE"""
import concurrent.futures, http.cookiejar, re, sys, urllib.parse, urllib.request

BASE, COUNT, OUT = sys.argv[1], int(sys.argv[2]), sys.argv[3]
FIRST_RECIPIENT, RECIPIENTS = 100_000, 1_000  # as bench/src/bin/load_data.rs
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(i):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{BASE}/logga-in").read().decode()
    form = urllib.parse.urlencode({"username": f"last{i:05}", "password": "bita-demo", "csrf": CSRF.search(page).group(1)}).encode()
    req = urllib.request.Request(f"{BASE}/logga-in", data=form, headers={"Origin": BASE})
    try:
        opener.open(req)
    except urllib.error.HTTPError as e:
        if e.code != 303 or e.headers["location"] != "/assistent":
            raise SystemExit(f"last{i:05} could not log in: {e.code} {e.headers['location']}")
    page = opener.open(f"{BASE}/assistent").read().decode()
    cookie = next(c.value for c in jar if c.name == "bita_session")
    return f"{cookie} {CSRF.search(page).group(1)} {FIRST_RECIPIENT + i % RECIPIENTS}"


with concurrent.futures.ThreadPoolExecutor(4) as pool:
    lines = list(pool.map(login, range(COUNT)))
with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"{len(lines)} sessions in {OUT}")
