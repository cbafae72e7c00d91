#!/usr/bin/env python3
"""Logs in the generated assistants (one session each) and writes "cookie csrf recipient" per
line, for the wrk scripts. usage: login.py BASE_URL COUNT OUT_FILE
(fault.py uses its login() too.)"""
import concurrent.futures, http.cookiejar, re, sys, urllib.error, urllib.parse, urllib.request

FIRST_RECIPIENT, RECIPIENTS = 100_000, 1_000  # as bench/src/bin/load_data.rs
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login_as(base, username, start):
    """`username` logged in at `base`, landing on `start`: (opener with the session's cookie, cookie, CSRF token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/logga-in").read().decode()
    form = urllib.parse.urlencode({"username": username, "password": "bita-demo", "csrf": CSRF.search(page).group(1)}).encode()
    req = urllib.request.Request(f"{base}/logga-in", data=form, headers={"Origin": base})
    try:
        opener.open(req)
    except urllib.error.HTTPError as e:
        if e.code != 303 or e.headers["location"] != start:
            raise SystemExit(f"{username} could not log in: {e.code} {e.headers['location']}")
    page = opener.open(f"{base}{start}").read().decode()
    cookie = next(c.value for c in jar if c.name == "bita_session")
    return opener, cookie, CSRF.search(page).group(1)


def login(base, i):
    """Assistant `last{i:05}` logged in at `base`."""
    return login_as(base, f"last{i:05}", "/assistent")


if __name__ == "__main__":
    base, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    def line(i):
        _, cookie, csrf = login(base, i)
        return f"{cookie} {csrf} {FIRST_RECIPIENT + i % RECIPIENTS}"

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        lines = list(pool.map(line, range(count)))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} sessions in {out}")
