// Issue 29 on a desktop and a phone: the administrator makes an API token for the case system
// (shown once), and a plain client that knows nothing but the OpenAPI document syncs the
// municipality's register with it, page by page; the document passes an independent OpenAPI
// 3.1 validator (@apidevtools/swagger-parser). The administrator revokes the token and the
// next call is refused with a problem. axe on the token page, nothing wider than 320 px.
import AxeBuilder from "@axe-core/playwright";
import SwaggerParser from "@apidevtools/swagger-parser";
import { APIRequestContext, Page } from "@playwright/test";
import { expect, test, fitsNarrowScreen, login } from "./helpers";

const noJs = () => test.info().project.name.endsWith("no-js");

async function axe(page: Page) {
  if (noJs()) return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

/** Every recipient, as a client that reads only the document finds them: the operation by its id, its pages by `next`. */
async function sync(request: APIRequestContext, token: string): Promise<{ ids: number[]; pages: number }> {
  const doc = await (await request.get("/api/v1/openapi.json")).json();
  const [path] = Object.entries(doc.paths).find(([, item]: [string, any]) => item.get?.operationId === "listRecipients")!;
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
  const { ids, pages } = await sync(request, token);
  expect(ids.length).toBeGreaterThan(2);
  expect(pages).toBeGreaterThanOrEqual(Math.ceil(ids.length / 2));
  expect(new Set(ids).size).toBe(ids.length);

  await page.getByRole("button", { name: `Återkalla ${name}` }).click();
  await expect(page.getByRole("status")).toHaveText("Nyckeln är återkallad. Anrop med den nekas från och med nu.");
  const res = await request.get("/api/v1/recipients", { headers: { Authorization: `Bearer ${token}`, "Accept-Language": "sv" } });
  expect(res.status()).toBe(401);
  expect(res.headers()["content-type"]).toBe("application/problem+json");
  expect((await res.json()).title).toBe("Nyckeln är återkallad");
});
