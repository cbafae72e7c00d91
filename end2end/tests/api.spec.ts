// Issue 29 on a desktop and a phone: the administrator makes an API token for the case system
// (shown once). A plain client that knows nothing but the OpenAPI document (operations found
// by their ids) syncs the municipality: the change feed's cursor, every recipient page by
// page, last month's time reports; then it puts a recipient, an assistant, a decision and an
// assignment by its own ids and the next incremental sync sees those changes. The document passes an independent OpenAPI 3.1 validator
// (@apidevtools/swagger-parser). The administrator revokes the token and the next call is
// refused with a problem. axe on the token page, nothing wider than 320 px.
import AxeBuilder from "@axe-core/playwright";
import SwaggerParser from "@apidevtools/swagger-parser";
import { APIRequestContext, Page } from "@playwright/test";
import { expect, test, fitsNarrowScreen, login, monthFromNow } from "./helpers";

const noJs = () => test.info().project.name.endsWith("no-js");

async function axe(page: Page) {
  if (noJs()) return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

/** A personnummer with its check digit (Luhn over the last ten digits). */
function personnummer(born: string, serial: number): string {
  const base = `${born}${String(serial).padStart(3, "0")}`;
  const digits = base.slice(2).split("").map(Number);
  const sum = digits.reduce((s, d, i) => { const x = i % 2 === 0 ? d * 2 : d; return s + (x > 9 ? x - 9 : x); }, 0);
  return `${base}${(10 - (sum % 10)) % 10}`;
}

/** The operation's path and method in the document, by its id. */
function operation(doc: any, id: string): [string, string] {
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ["get", "put", "post", "delete"]) if (item[method]?.operationId === id) return [path, method];
  }
  throw new Error(`no operation ${id}`);
}

/** Asks the change feed from `since` until nothing is new: what it saw, and where to ask next. */
async function changes(request: APIRequestContext, doc: any, token: string, since: string): Promise<{ seen: any[]; next: string }> {
  const [path] = operation(doc, "listChanges");
  const seen: any[] = [];
  for (;;) {
    const page = await (await request.get(`${path}?since=${since}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    seen.push(...page.items);
    if (page.items.length === 0 && page.next === since) return { seen, next: since };
    since = page.next;
  }
}

/** Every recipient, as a client that reads only the document finds them: the operation by its id, its pages by `next`. */
async function sync(request: APIRequestContext, token: string): Promise<{ ids: number[]; pages: number }> {
  const doc = await (await request.get("/api/v1/openapi.json")).json();
  const [path] = operation(doc, "listRecipients");
  const ids: number[] = [];
  let after = "";
  let pages = 0;
  for (;;) {
    const res = await request.get(`${path}?limit=2&after=${after}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status()).toBe(200);
    const page = await res.json();
    ids.push(...page.items.map((r: { id: number }) => r.id));
    pages++;
    if (!page.next) return { ids, pages };
    after = page.next;
  }
}

test("an administrator makes an API token, a client syncs the register with it, the token is revoked", async ({ page, request }, info) => {
  test.skip(!["desktop", "phone"].includes(info.project.name), "on a desktop and a phone");
  const name = `Ärendesystemet (${info.project.name})`;
  await login(page, "admin");
  await page.getByRole("link", { name: "API för verksamhetssystem" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "API för verksamhetssystem" })).toBeVisible();
  await axe(page);
  await page.getByLabel("Namn (vilket system den är till)").fill(name);
  await page.getByLabel(/^Läsa registret/).check();
  await page.getByLabel(/^Ändra registret/).check();
  await page.getByLabel(/^Läsa månader och tidrapporter/).check();
  await page.getByRole("button", { name: "Skapa nyckeln" }).click();
  await expect(page.getByRole("status")).toHaveText("Nyckeln är skapad.");
  const token = await page.getByLabel(/^Kopiera nyckeln/).inputValue();
  expect(token).toMatch(/^bita_[0-9a-f]{64}$/);
  await axe(page);
  await fitsNarrowScreen(page);
  // Shown once.
  await page.reload();
  await expect(page.getByLabel(/^Kopiera nyckeln/)).toHaveCount(0);
  await expect(page.getByText(name, { exact: true })).toBeVisible();

  const doc = await (await request.get("/api/v1/openapi.json")).json();
  await SwaggerParser.validate(structuredClone(doc));
  expect(doc.openapi).toMatch(/^3\.1\./);
  // A full sync: the feed's cursor now, then every recipient page by page.
  const start = await changes(request, doc, token, "");
  const { ids, pages } = await sync(request, token);
  expect(ids.length).toBeGreaterThan(2);
  expect(pages).toBeGreaterThanOrEqual(Math.ceil(ids.length / 2));
  expect(new Set(ids).size).toBe(ids.length);
  // The months, and last month's time reports (by the list's link), each for a recipient the
  // register sync found.
  const [monthsPath] = operation(doc, "listMonths");
  const months = await (await request.get(monthsPath, { headers: { Authorization: `Bearer ${token}` } })).json();
  const last = months.items.find((m: any) => m.month === monthFromNow(-1));
  expect(last.reports.submitted + last.reports.approved + last.reports.attested + last.reports.exported).toBeGreaterThan(0);
  const month = await (await request.get(last.href, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(month.reports.length).toBeGreaterThan(0);
  for (const r of month.reports) expect(ids).toContain(r.recipient.id);
  // And its findings: every error, each about a report the month listed.
  const [findingsPath] = operation(doc, "getFindings");
  const findings = await (await request.get(findingsPath.replace("{month}", monthFromNow(-1)), { headers: { Authorization: `Bearer ${token}` } })).json();
  for (const f of findings.errors) if (f.recipient) expect(month.reports.map((r: any) => r.recipient.id)).toContain(f.recipient);
  expect(findings.warnings + findings.notes).toBeGreaterThanOrEqual(findings.others.length);
  // The case system adds a recipient by its own id; the next incremental sync sees just that.
  const [putPath] = operation(doc, "putRecipient");
  const external = `e2e-${info.project.name}`;
  const res0 = await request.put(putPath.replace("{external_id}", external), {
    headers: { Authorization: `Bearer ${token}`, "Idempotency-Key": `e2e-key-${info.project.name}-0001` },
    data: { personnummer: personnummer(info.project.name === "phone" ? "19480304" : "19480305", 321), first_name: "Sync", last_name: "Test" },
  });
  expect([200, 201]).toContain(res0.status());
  const made = await res0.json();
  // Then an assistant, the recipient's decision and the assignment, each by the caller's id.
  const put = async (id: string, external: string, data: object) => {
    const [path] = operation(doc, id);
    const res = await request.put(path.replace("{external_id}", external), { headers: { Authorization: `Bearer ${token}` }, data });
    expect([200, 201], `${id}: ${await res.text()}`).toContain(res.status());
    return res.json();
  };
  const year = new Date().getFullYear();
  const assistant = await put("putAssistant", `${external}-a`, {
    personnummer: personnummer(info.project.name === "phone" ? "19850304" : "19850305", 322),
    first_name: "Sync",
    last_name: "Assistent",
    regime: "ab_bilaga_j",
    period_start: `${year}-01-01`,
    period_months: 4,
  });
  const decision = await put("putDecision", `${external}-d`, { recipient: external, funder: "sfb", granted_per: "week", granted_hours: 20, valid_from: `${year}-01-01`, valid_to: `${year}-12-31` });
  const assignment = await put("putAssignment", `${external}-s`, { assistant: `${external}-a`, recipient: external, valid_from: `${year}-01-01` });
  const later = await changes(request, doc, token, start.next);
  const seen = later.seen.map((c) => `${c.action} ${c.subject}`);
  expect(seen).toContain(`${res0.status() === 201 ? "recipient.create" : "recipient.update"} recipient ${made.id}`);
  expect(seen.some((c) => c.endsWith(` assistant ${assistant.id}`))).toBe(true);
  if (decision.result === "created") expect(seen).toContain(`decision.create decision ${decision.id}`);
  if (assignment.result === "created") expect(seen).toContain(`assignment.create assignment ${assignment.id}`);

  await page.getByRole("button", { name: `Återkalla ${name}` }).click();
  await expect(page.getByRole("status")).toHaveText("Nyckeln är återkallad. Anrop med den nekas från och med nu.");
  const res = await request.get("/api/v1/recipients", { headers: { Authorization: `Bearer ${token}`, "Accept-Language": "sv" } });
  expect(res.status()).toBe(401);
  expect(res.headers()["content-type"]).toBe("application/problem+json");
  expect((await res.json()).title).toBe("Nyckeln är återkallad");
});
