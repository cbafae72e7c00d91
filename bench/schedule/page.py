# Times a recipient's schedule page with about 200 planned shifts (issue 27): Lena, the demo's
# work leader, gives Bo a one-week base schedule of seven three-hour shifts a day (his four
# assistants in turn), makes next month from it and publishes it; then the page
# (/schema/brukare, with every planning check) is fetched N times after one warm-up.
#   DATABASE_URL=sqlite:///tmp/s.db LEPTOS_SITE_ADDR=127.0.0.1:3300 BITA_DEMO_DATA=1 target/release/server &
#   python3 bench/schedule/page.py http://127.0.0.1:3300 200
# Not part of the test command; Python's standard library only.
import os, re, time, sys, statistics, datetime

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from browser import browser, login, req  # noqa: E402

BITA = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 100

o = browser()
tok, page = login(o, BITA, 'lena')
bo = re.search(r'href="/schema/brukare\?id=(\d+)&amp;manad=[0-9-]+">Bo Berg<', page).group(1)

def post(path, fields):
    s, loc, _, _ = req(o, BITA + path, dict(fields, csrf=tok, idem=f'bench-{time.time_ns()}'))
    assert s == 303, (path, s)
    return loc

today = datetime.date.today()
nxt = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
month = nxt.strftime('%Y-%m')
monday = today - datetime.timedelta(days=today.weekday())
post('/schema/grund', {'recipient': bo, 'manad': month, 'weeks': '1', 'starts_on': monday.isoformat()})
_, _, page, _ = req(o, f'{BITA}/schema/brukare?id={bo}')
team = re.findall(r'<option value="(\d+)">([^<]+)</option>', page.split('id="bs-assistant"')[1].split('</select>')[0])
n = 0
for day in range(7):
    for slot in range(7):
        a = team[(day + slot) % len(team)][0]
        start = f'{slot * 3:02d}:00'; end = f'{slot * 3 + 3:02d}:00'
        post('/schema/grund/pass', {'recipient': bo, 'manad': month, 'week': '1', 'weekday': str(day),
             'start': start, 'end': end, 'kind': 'aktiv', 'assistant': a})
        n += 1
post('/schema/skapa', {'recipient': bo, 'manad': month})
post('/schema/publicera', {'recipient': bo, 'manad': month})
url = f'{BITA}/schema/brukare?id={bo}&manad={month}'
s, _, page, _ = req(o, url)
shifts = page.count('class="card shift')
times = []
for _ in range(N):
    s, _, body, t = req(o, url)
    assert s == 200
    times.append(t * 1000)
times.sort()
print(f'{n} base shifts, {shifts} planned shifts on the page ({len(page) // 1024} KB); '
      f'{N} views: p50 {statistics.median(times):.1f} ms, p95 {times[int(N * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms')
