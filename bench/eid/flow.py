# Times BITA's sign-in with e-legitimation against the test provider (issue 26): BITA's start,
# its return (code exchange, ID token checks, link, session) and the whole flow, N times after
# one warm-up. Start a server with demo data and the provider first, e.g.
#   node end2end/oidc/provider.mjs 3398 &
#   DATABASE_URL=sqlite:///tmp/b.db LEPTOS_SITE_ADDR=127.0.0.1:3300 BITA_DEMO_DATA=1 target/release/server &
#   python3 bench/eid/flow.py http://127.0.0.1:3300 http://127.0.0.1:3398 50
# Not part of the test command; Python's standard library only.
import os, urllib.parse, re, time, sys, statistics

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from browser import browser, login, req  # noqa: E402

BITA, OP = sys.argv[1], sys.argv[2]
N = int(sys.argv[3]) if len(sys.argv) > 3 else 30

def absolute(base, loc): return loc if loc.startswith('http') else urllib.parse.urljoin(base, loc)

def post(o, tok, path, fields):
    fields = dict(fields, csrf=tok, idem=str(time.time_ns()))
    return req(o, BITA + path, fields)

def through_provider(o, url, who, acr='http://id.elegnamnden.se/loa/1.0/loa3'):
    """From the provider's authorize URL to the address it sends back to BITA (not followed)."""
    s, loc, _, _ = req(o, url)
    at = absolute(url, loc)
    req(o, at)
    s, loc, _, _ = req(o, at, {'login': who, 'acr': acr})
    url = absolute(at, loc)
    while True:
        s, loc, body, _ = req(o, url)
        if '/oidc/tillbaka' in loc: return loc
        url = absolute(url, loc)

admin = browser(); tok, _ = login(admin, BITA, 'admin')
post(admin, tok, '/admin/inloggning/leverantor', {'name': 'Test-BankID', 'issuer': OP, 'client_id': 'bita',
     'client_secret': 'bita-test-secret', 'scopes': 'profile pnr', 'pnr_claim': 'https://id.oidc.se/claim/personalIdentityNumber',
     'strong_acr': 'http://id.elegnamnden.se/loa/1.0/loa3'})
_, _, page, _ = req(admin, BITA + '/admin/inloggning')
pid = re.search(r'name="id" value="(\d+)"', page).group(1)

starts, backs, totals = [], [], []
for i in range(N + 1):
    o = browser()
    t0 = time.perf_counter()
    s, loc, _, t_start = req(o, f'{BITA}/oidc/start?leverantor={pid}')
    back = through_provider(o, loc, 'anna')
    s, loc, _, t_back = req(o, back)
    assert loc == '/assistent', loc
    if i: starts.append(t_start); backs.append(t_back); totals.append(time.perf_counter() - t0)

def ms(xs): return f"p50 {statistics.median(xs)*1000:.1f} ms, max {max(xs)*1000:.1f} ms"
print(f"sign-in, {N} times (first, uncached, left out):")
print(f"  BITA start (flow into the session, authorize URL):  {ms(starts)}")
print(f"  BITA return (code exchange, ID token checks, link, session): {ms(backs)}")
print(f"  whole flow incl. the test provider's pages:         {ms(totals)}")
