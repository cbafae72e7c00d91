"""What the bench scripts (bench/eid/flow.py, bench/schedule/page.py) share: a browser that
does not follow redirects (each script follows what it means to), a timed request, a page's
form token, and logging in as a demo user. Python's standard library only."""
import http.cookiejar, re, time, urllib.error, urllib.parse, urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None


def browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)


def req(o, url, data=None):
    """(status, location, body, seconds) of one request; `data` a form to post."""
    if data is not None: data = urllib.parse.urlencode(data).encode()
    t = time.perf_counter()
    try:
        r = o.open(url, data); body = r.read().decode(); status = r.status; loc = r.headers.get('location')
    except urllib.error.HTTPError as e:
        body = e.read().decode(); status = e.code; loc = e.headers.get('location')
    return status, loc, body, time.perf_counter() - t


def csrf(body): return re.search(r'name="csrf" value="([^"]+)"', body).group(1)


def login(o, base, user):
    """Logs `o` in at `base` as the demo user `user`: (the form token, the start page)."""
    _, _, page, _ = req(o, base + '/logga-in')
    _, loc, _, _ = req(o, base + '/logga-in', {'username': user, 'password': 'bita-demo', 'csrf': csrf(page)})
    _, _, page, _ = req(o, base + loc)
    return csrf(page), page
