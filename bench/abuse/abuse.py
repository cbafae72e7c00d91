#!/usr/bin/env python3
"""The attacks of issue 23, each against a fresh release server with the demo data on SQLite,
measured from outside: what the server answered, how long it took, its memory peak (VmRSS
sampled every 10 ms), what it stored. Run by bench/abuse/run.sh against a server binary, so
the same attacks measure a build before and after a change. Prints one line per attack.

usage: abuse.py SERVER_BINARY SITE_ROOT OUT_DIR [ATTACK ...]
"""
import concurrent.futures, http.client, json, os, re, socket, sqlite3, subprocess, sys, threading, time, urllib.parse, zipfile, zlib, io

SERVER, SITE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
ONLY = set(sys.argv[4:])
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class Server:
    """A fresh server on its own database and port, its memory sampled while it runs."""

    def __init__(self, name, env=None):
        self.dir = os.path.join(OUT, name)
        subprocess.run(["rm", "-rf", self.dir])
        os.makedirs(self.dir)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.host = f"127.0.0.1:{self.port}"
        key = os.path.join(self.dir, "archive.key")
        e = dict(os.environ, DATABASE_URL=f"sqlite://{self.dir}/bita.db", BITA_DEMO_DATA="1", BITA_LOG="warn", LEPTOS_SITE_ROOT=SITE,
                 LEPTOS_SITE_ADDR=self.host, BITA_ARCHIVE_KEY=key, BITA_ROW_HORIZON_DAYS="400", **(env or {}))
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen([SERVER], env=e, stdout=self.log, stderr=self.log)
        self.peak, self.running = 0, True
        for _ in range(200):
            try:
                if self.get("/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        self.base_rss = self.rss()
        threading.Thread(target=self.sample, daemon=True).start()

    def rss(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                return next(int(l.split()[1]) // 1024 for l in f if l.startswith("VmRSS"))
        except (OSError, StopIteration):
            return 0

    def cpu_ticks(self):
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])
        except OSError:
            return 0

    def sample(self):
        while self.running:
            self.peak = max(self.peak, self.rss())
            time.sleep(0.01)

    def alive(self):
        if self.proc.poll() is not None:
            return False
        try:
            return self.get("/healthz", timeout=5)[0] == 200
        except OSError:
            return False

    def stop(self):
        self.running = False
        self.proc.kill()
        self.proc.wait()
        self.log.close()

    def db(self, sql):
        c = sqlite3.connect(os.path.join(self.dir, "bita.db"), timeout=30)
        try:
            return c.execute(sql).fetchall()
        finally:
            c.close()

    def request(self, method, path, body=b"", headers=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.getheaders(), r.read()
        finally:
            c.close()

    def get(self, path, cookie=None, timeout=60):
        return self.request("GET", path, headers={"Cookie": cookie} if cookie else {}, timeout=timeout)

    def login(self, user, password="bita-demo"):
        """(status, cookie header for the session, the start page's csrf token, the message)"""
        s, h, page = self.get("/logga-in")
        login_cookie = next(v.split(";")[0] for k, v in h if k.lower() == "set-cookie" and v.startswith("bita_login="))
        csrf = CSRF.search(page.decode()).group(1)
        body = urllib.parse.urlencode({"username": user, "password": password, "csrf": csrf}).encode()
        s, h, _ = self.request("POST", "/logga-in", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": login_cookie, "Origin": f"http://{self.host}"})
        cookies = [v.split(";")[0] for k, v in h if k.lower() == "set-cookie"]
        session = next((c for c in cookies if c.startswith("bita_session=")), None)
        message = next((c for c in cookies if c.startswith("bita_login_msg=")), "")
        location = dict((k.lower(), v) for k, v in h).get("location", "")
        if session is None or location == "/logga-in":
            return s, None, None, message
        page = self.get(location, session)[2].decode()
        return s, session, CSRF.search(page).group(1), message


def multipart(fields, files):
    boundary = "bitaabuse" + os.urandom(8).hex()
    out = io.BytesIO()
    for k, v in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for k, (name, data) in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode())
        out.write(data)
        out.write(b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload(srv, path, cookie, csrf, fields, files, timeout=60, origin=None):
    """A multipart post as the page's form sends it; the token in the address (after issue 23)
    and in the form (before)."""
    body, ctype = multipart(dict(fields, csrf=csrf or ""), files)
    headers = {"Content-Type": ctype, "Origin": origin or f"http://{srv.host}"}
    if cookie:
        headers["Cookie"] = cookie
    t = time.time()
    try:
        s, h, b = srv.request("POST", f"{path}?csrf={csrf or ''}", body, headers, timeout)
    except (OSError, http.client.HTTPException) as e:
        return f"no answer ({type(e).__name__})", time.time() - t, b""
    return s, time.time() - t, b


def pdf(objects):
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(out))
        out += f"{i + 1} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for o in offsets:
        out += f"{o:010} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"
FIELD = b"<< /T (flt_txtAr1[0]) /FT /Tx /Type /Annot /Subtype /Widget /Rect [0 0 100 20] /P 3 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
OWN_KID = pdf([b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>", PAGES, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
               b"<< /T (loop) /Kids [4 0 R 4 0 R 5 0 R] >>", b"<< /T (inner) /Kids [4 0 R 5 0 R] >>"])
MAPPING_BOMB = b'{"form":"x","fields":{},"rows":{"blocks":["a"],"per_block":30000000,"fields":{"a":"b{i}","c":"d{i}"}}}'


def report(name, **facts):
    print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in facts.items()), flush=True)


def attack_1():
    """An assistant uploads a mapping asking for 30 million rows, then a PDF whose field is its own kid."""
    srv = Server("a1")
    _, cookie, csrf, _ = srv.login("anna")
    s, t, _ = upload(srv, "/admin/export/blankett", cookie, csrf, {"typ": "3059", "manad": "2026-10"}, {"fil": ("f.pdf", pdf([CATALOG, PAGES, PAGE, FIELD])), "karta": ("k.json", MAPPING_BOMB)})
    report("1a assistant's 105-byte mapping bomb", answer=s, seconds=f"{t:.2f}", peak_mb=srv.peak, server_alive=srv.alive())
    srv.stop()
    srv = Server("a1b")
    _, cookie, csrf, _ = srv.login("anna")
    s, t, _ = upload(srv, "/admin/export/blankett", cookie, csrf, {"typ": "3059", "manad": "2026-10"}, {"fil": ("f.pdf", OWN_KID)}, timeout=40)
    before = srv.cpu_ticks()
    time.sleep(3)
    spinning = (srv.cpu_ticks() - before) / 3 / os.sysconf("SC_CLK_TCK")
    report("1b assistant's self-kid PDF", answer=s, seconds=f"{t:.2f}", cpu_after=f"{spinning:.0%}", server_alive=srv.alive())
    _, cookie, csrf, _ = srv.login("admin")
    s, t, _ = upload(srv, "/admin/export/blankett", cookie, csrf, {"typ": "3059", "manad": "2026-10"}, {"fil": ("f.pdf", OWN_KID)}, timeout=40)
    report("1c admin's self-kid PDF", answer=s, seconds=f"{t:.2f}", server_alive=srv.alive())
    srv.stop()


def manifest_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        path = "a" * (48 << 20)
        z.writestr("manifest.json", json.dumps({"format": "bita-month-archive/1", "municipality": {"id": 1, "name": "X"}, "month": "2026-10", "version": 1, "created_at": "x",
                                                "public_key": "", "files": [{"path": path, "sha256": "", "bytes": 1}], "corrections": []}))
        z.writestr("manifest.json.sig", "00")
    return out.getvalue()


def attack_2():
    """Six anonymous visitors check a 49 KB ZIP whose manifest names a 48 MiB file, at once."""
    srv = Server("a2")
    bomb = manifest_bomb()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: upload(srv, "/verifiera", None, None, {}, {"arkiv": ("a.zip", bomb)})[0], range(6)))
    time.sleep(0.5)
    rows = srv.db("SELECT COUNT(*), COALESCE(MAX(LENGTH(data)), 0) FROM sessions")[0]
    report("2 six parallel archive checks of a manifest bomb", zip_kb=len(bomb) // 1024, answers=answers, peak_mb=srv.peak, base_mb=srv.base_rss,
           sessions_stored=rows[0], largest_session_mb=f"{rows[1] / 1e6:.1f}")
    srv.stop()


def attack_3():
    """Forty anonymous cross-site 20 MB posts to the FK form upload, at once."""
    srv = Server("a3")
    body = b"x" * (20 << 20)

    def post(_):
        try:
            return srv.request("POST", "/admin/export/blankett", body, {"Content-Type": "multipart/form-data; boundary=x", "Origin": "https://evil.example"})[0]
        except (OSError, http.client.HTTPException) as e:
            return type(e).__name__
    t = time.time()
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(post, range(40)))
    report("3 forty cross-site 20 MB posts", answers=sorted(set(map(str, answers))), seconds=f"{time.time() - t:.1f}", peak_mb=srv.peak, base_mb=srv.base_rss)
    srv.stop()


def attack_4():
    """999 wrong passwords and the right one for one user, sent together from one address."""
    srv = Server("a4")
    barrier = threading.Barrier(100)

    def attempt(i):
        s, _, page = srv.get("/logga-in")
        h = [v for k, v in srv.get("/logga-in")[1] if k.lower() == "set-cookie" and v.startswith("bita_login=")]
        cookie = h[0].split(";")[0]
        csrf = CSRF.search(srv.get("/logga-in", cookie)[2].decode()).group(1)
        password = "bita-demo" if i == 999 else f"wrong-{i}"
        body = urllib.parse.urlencode({"username": "anna", "password": password, "csrf": csrf}).encode()
        if i < 100:
            barrier.wait()
        s, h, _ = srv.request("POST", "/logga-in", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Origin": f"http://{srv.host}"})
        loc = dict((k.lower(), v) for k, v in h).get("location")
        return loc
    t = time.time()
    with concurrent.futures.ThreadPoolExecutor(100) as pool:
        answers = list(pool.map(attempt, range(1000)))
    checked = srv.db("SELECT COUNT(*) FROM audit_log WHERE action IN ('login.failed', 'login.locked', 'login')")[0][0]
    report("4 login burst 999 wrong + right", seconds=f"{time.time() - t:.1f}", passwords_checked=checked, right_one_logged_in=answers[999] == "/assistent")
    srv.stop()


def personnummer(i):
    import datetime
    day = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 900)
    nine = day.strftime("%y%m%d") + f"{100 + i % 900:03}"
    s = sum((d // 10 + d % 10) for d in (int(c) * (2 if k % 2 == 0 else 1) for k, c in enumerate(nine)))
    return day.strftime("%Y")[:2] + nine + str((10 - s % 10) % 10)


def attack_7():
    """A 5 MiB CSV dry run (and the import of 10,000 lines) in one municipality while another's assistant saves rows."""
    srv = Server("a7")
    _, admin, acsrf, _ = srv.login("admin")
    _, frida, fcsrf, _ = srv.login("frida")
    page = srv.get("/assistent", frida)[2].decode()
    recipient = re.search(r'name="recipient"[^>]*>\s*(?:<option[^>]*value="")?.*?value="(\d+)"', page, re.S)
    recipient = recipient.group(1) if recipient else "7"
    times, stop = [], threading.Event()

    def saves():
        n = 0
        first = time.strftime("%Y-%m-01")
        import datetime
        d0 = datetime.date.fromisoformat(first)
        while not stop.is_set():
            day, hour = d0 + datetime.timedelta(days=n // 12), (n % 12) * 2
            body = urllib.parse.urlencode({"recipient": recipient, "date": day.isoformat(), "start": f"{hour:02}:00", "end": f"{hour:02}:30", "kind": "aktiv", "csrf": fcsrf, "idem": os.urandom(16).hex()}).encode()
            t = time.time()
            srv.request("POST", "/assistent/rad", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": frida, "Origin": f"http://{srv.host}"})
            times.append((t, time.time() - t))
            n += 1
            time.sleep(0.02)
    lines = ["personnummer;förnamn;efternamn;telefon;arbetstid;dygnspass"]
    i = 0
    size = len(lines[0]) + 1
    while size < 4_950_000:  # just under the 5 MB limit
        lines.append(f"{personnummer(i)};Förnamn{i};Efternamn{i};070-{i};ab_bilaga_j;nej")
        size += len(lines[-1].encode()) + 1
        i += 1
    big = ("\n".join(lines) + "\n").encode()
    small = ("\n".join(lines[:10_001]) + "\n").encode()
    th = threading.Thread(target=saves)
    th.start()
    time.sleep(1)
    t0 = time.time()
    s, t, _ = upload(srv, "/admin/import/provkor", admin, acsrf, {"typ": "assistenter"}, {"fil": ("a.csv", big)}, timeout=120)
    t1 = time.time()
    # The dry run of 10,000 lines, whose redirect names the draft to import.
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)
    b, ctype = multipart({"typ": "assistenter", "csrf": acsrf}, {"fil": ("a.csv", small)})
    c.request("POST", f"/admin/import/provkor?csrf={acsrf}", b, {"Content-Type": ctype, "Cookie": admin, "Origin": f"http://{srv.host}"})
    r = c.getresponse()
    r.read()
    draft = (r.getheader("location") or "").split("utkast=")[-1]
    c.close()
    t3 = time.time()
    body = urllib.parse.urlencode({"id": draft, "csrf": acsrf, "idem": os.urandom(16).hex()}).encode()
    si, _, _ = srv.request("POST", "/admin/import/kor", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": admin, "Origin": f"http://{srv.host}"}, timeout=120)
    t4 = time.time()
    time.sleep(0.5)
    stop.set()
    th.join()

    def worst(a, b):
        d = sorted(x for t, x in times if a <= t <= b)
        return f"{len(d)} saves, p50 {d[len(d) // 2] * 1000:.0f} ms, max {d[-1] * 1000:.0f} ms" if d else "no save"
    stored = srv.db("SELECT COUNT(*) FROM assistants")[0][0]
    report("7 CSV in one municipality, saves in another", lines_5mb=len(lines) - 1, dry_run_5mb=f"{t:.2f} s ({s})", saves_during=worst(t0, t1),
           import_10k=f"{t4 - t3:.2f} s ({si})", saves_during_import=worst(t3, t4), before=worst(t0 - 1, t0), assistants=stored)
    srv.stop()


def attack_9():
    """2,000 attempts for one user, most of them while the user is locked."""
    srv = Server("a9")
    before = srv.db("SELECT COUNT(*) FROM audit_log")[0][0]
    t = time.time()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: srv.login("anna", f"wrong-{i}"), range(2000)))
    after = srv.db("SELECT COUNT(*) FROM audit_log")[0][0]
    report("9 2,000 wrong logins for one user", seconds=f"{time.time() - t:.1f}", audit_entries_written=after - before)
    srv.stop()


def attack_misc():
    """The scheme of the origin, usernames, and cookies under https."""
    srv = Server("a10")
    _, admin, csrf, _ = srv.login("admin")
    body = urllib.parse.urlencode({"csrf": csrf, "lang": "en"}).encode()
    s, _, _ = srv.request("POST", "/sprak", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": admin, "Origin": f"https://{srv.host}"})
    report("10 https origin on the http site", answer=s)
    assistant = srv.db("SELECT id FROM assistants WHERE first_name = 'Hanna'")[0][0]
    c = sqlite3.connect(os.path.join(srv.dir, "bita.db"))
    c.execute("DELETE FROM users WHERE username = 'hanna'")
    c.commit()
    c.close()

    def create(name):
        body = urllib.parse.urlencode({"csrf": csrf, "idem": os.urandom(16).hex(), "owner": "assistant", "id": assistant, "action": "create", "username": name}).encode()
        srv.request("POST", "/admin/konto", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": admin, "Origin": f"http://{srv.host}"})
        return srv.db(f"SELECT COUNT(*) FROM users WHERE username = '{name}'")[0][0]
    body = urllib.parse.urlencode({"csrf": csrf, "idem": os.urandom(16).hex(), "owner": "assistant", "id": assistant, "action": "create", "username": "frida"}).encode()
    _, h, _ = srv.request("POST", "/admin/konto", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": admin, "Origin": f"http://{srv.host}"})
    page = srv.get(dict((k.lower(), v) for k, v in h)["location"], admin)[2].decode()
    says = "upptaget" if "upptaget" in page else "kan inte användas" if "kan inte användas" in page else "?"
    stored = create("h" * 65)
    report("11 usernames", stored_65_chars=bool(stored), taken_elsewhere_says=says)
    srv.stop()
    srv = Server("a13", {"BITA_SECURE_COOKIES": "1"})
    _, h, _ = srv.get("/logga-in")
    cookie = next(v for k, v in h if k.lower() == "set-cookie" and v.startswith("bita_login="))
    report("13 login cookie under https", secure="Secure" in cookie)
    srv.stop()


def attack_14():
    """Hostile PDFs as FK forms, by the administrator."""
    srv = Server("a14")
    _, admin, csrf, _ = srv.login("admin")
    js = pdf([b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>", PAGES, PAGE, FIELD])
    s, t, _ = upload(srv, "/admin/export/blankett", admin, csrf, {"typ": "3059", "manad": "2026-10"}, {"fil": ("f.pdf", js)})
    stored = srv.db("SELECT pdf FROM fk_forms")
    kept = False
    if stored:
        with open(os.path.join(srv.dir, "kept.pdf"), "wb") as f:
            f.write(stored[0][0])
        subprocess.run(["qpdf", "--qdf", "--object-streams=disable", os.path.join(srv.dir, "kept.pdf"), os.path.join(srv.dir, "plain.pdf")])
        kept = b"JavaScript" in open(os.path.join(srv.dir, "plain.pdf"), "rb").read()
    report("14a form with JavaScript", answer=s, stored=bool(stored), script_kept=kept)
    z = zlib.compressobj(9)
    chunks = [z.compress(b"\0" * (1 << 20)) for _ in range(2048)] + [z.flush()]
    bomb = b"".join(chunks)
    stream = f"<< /Length {len(bomb)} /Filter /FlateDecode >>\nstream\n".encode() + bomb + b"\nendstream"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Annots [4 0 R] >>"
    before = len(srv.db("SELECT id FROM fk_forms"))
    s, t, _ = upload(srv, "/admin/export/blankett", admin, csrf, {"typ": "3057", "manad": "2026-10"}, {"fil": ("f.pdf", pdf([CATALOG, PAGES, page, FIELD, stream]))}, timeout=120)
    report("14b 2 GiB compressed stream", file_kb=len(bomb) // 1024, answer=s, seconds=f"{t:.1f}", peak_mb=srv.peak, accepted=len(srv.db("SELECT id FROM fk_forms")) > before, server_alive=srv.alive())
    pages = f"<< /Type /Pages /Kids [{'3 0 R ' * 400_000}] /Count 400000 >>".encode()
    before = len(srv.db("SELECT id FROM fk_forms"))
    s, t, _ = upload(srv, "/admin/export/blankett", admin, csrf, {"typ": "3059", "manad": "2026-10"}, {"fil": ("f.pdf", pdf([CATALOG, pages, PAGE, FIELD]))}, timeout=120)
    report("14c 400,000 pages", answer=s, seconds=f"{t:.1f}", peak_mb=srv.peak, accepted=len(srv.db("SELECT id FROM fk_forms")) > before, server_alive=srv.alive())
    srv.stop()


ATTACKS = {"1": attack_1, "2": attack_2, "3": attack_3, "4": attack_4, "7": attack_7, "9": attack_9, "misc": attack_misc, "14": attack_14}
if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, f in ATTACKS.items():
        if not ONLY or name in ONLY:
            try:
                f()
            except Exception as e:  # one attack's surprise must not hide the others' figures
                print(f"{name}: the attack itself failed: {type(e).__name__}: {e}", flush=True)
