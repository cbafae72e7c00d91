// Issue 11, offline, on a 390×844 phone: Ida saves three rows with no connection. They are kept
// on the phone (the service worker and IndexedDB), shown as waiting, still there after a reload
// and after the tab is closed, and arrive exactly once each when the connection returns. A row
// the server refuses when it arrives (another device saved an overlapping row meanwhile) comes
// back with the reason and the typed values.
import { BrowserContext, Page } from "@playwright/test";
import { expect, test, fitsNarrowScreen, login, monthFromNow } from "./helpers";

test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "offline needs the page's script and its service worker");

// Months of their own: the export test exports month +3 with every recipient in it.
const month = monthFromNow(4);
const queue = (page: Page) => page.locator("#koade");
const filip = (page: Page) => page.locator("section.month", { has: page.getByRole("heading", { name: "Filip Fors" }) });

/** Opens the month with the service worker in control, so the page and its assets are kept on the phone. */
async function openControlled(page: Page) {
  await page.goto(`/assistent?manad=${month}`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  // The island has run (it says how long a typed shift is), so its script is kept too.
  await page.waitForLoadState("networkidle");
  const form = page.locator("form.row-form");
  await form.getByLabel("Från").fill("08:00");
  await form.getByLabel("Till").fill("09:00");
  await expect(form.locator(".duration")).toContainText("Längd: 1 h 00 min");
}

async function type(page: Page, date: string, start: string, end: string) {
  const form = page.locator("form.row-form");
  await form.getByLabel("Datum").fill(date);
  await form.getByLabel("Från").fill(start);
  await form.getByLabel("Till").fill(end);
  await form.getByLabel("Aktiv tid").check();
  await expect(form.locator(".duration")).toContainText("Längd:");
  await form.getByRole("button", { name: "Spara" }).click();
}

async function offline(context: BrowserContext, page: Page, on: boolean) {
  await context.setOffline(on);
  // (Back online the page may reload to show what it sent: ask again on the new page.)
  await expect.poll(() => page.evaluate(() => navigator.onLine).catch(() => null)).toBe(!on);
}

test("rows saved with no connection wait on the phone and arrive exactly once", async ({ context, page }) => {
  test.setTimeout(90_000);
  await login(page, "ida");
  await openControlled(page);
  // A row saved online: its page's "Tiden är sparad." is said once, never again from the phone's copy.
  await type(page, `${month}-03`, "06:00", "07:00");
  await expect(page.getByRole("status").first()).toHaveText("Tiden är sparad.");
  // The notice came in the address (no session write); the page removes it, so a reload is silent.
  await expect(page).not.toHaveURL(/klart=/);
  await page.waitForLoadState("networkidle");
  await offline(context, page, true);

  const rows: [string, string, string][] = [[`${month}-04`, "08:00", "12:00"], [`${month}-05`, "13:00", "16:30"], [`${month}-06`, "22:00", "23:45"]];
  for (const [i, [date, start, end]] of rows.entries()) {
    await type(page, date, start, end);
    await expect(queue(page)).toBeVisible();
    await expect(queue(page).locator("li")).toHaveCount(i + 1);
    await expect(queue(page).locator("li").nth(i)).toContainText(`${date} ${start}–${end} · Aktiv tid · Filip Fors`);
    await expect(queue(page).locator("li").nth(i)).toContainText("Sparad i telefonen — skickas när du har nät.");
    await expect(page.getByText("Tiden är sparad.")).toHaveCount(0);
  }
  await expect(queue(page).getByRole("status")).toHaveText("Ingen anslutning just nu. Raderna finns kvar i telefonen.");
  await fitsNarrowScreen(page);

  // A reload with no connection: the page comes from the phone, the rows still wait.
  await page.reload();
  await expect(queue(page).locator("li")).toHaveCount(3);
  await expect(filip(page).locator("ul.row-cards li", { hasText: `${month}-04 08:00` })).toHaveCount(0);

  // The tab closed and opened again, still offline: the queue is on the phone, not in the tab.
  await page.close();
  const again = await context.newPage();
  await again.goto(`/assistent?manad=${month}`);
  await expect(queue(again).locator("li")).toHaveCount(3);

  // Back online: sent, each once, and shown as the server's rows.
  await offline(context, again, false);
  for (const [date, start, end] of rows) {
    await expect(filip(again).locator("ul.row-cards li", { hasText: `${date} ${start}–${end}` })).toHaveCount(1, { timeout: 15_000 });
  }
  await expect(queue(again).getByRole("status")).toHaveText("Skickat och sparat: 3");
  await expect(queue(again).locator("li")).toHaveCount(0);
  // Another view sends nothing again: still one of each.
  await again.reload();
  for (const [date, start, end] of rows) {
    await expect(filip(again).locator("ul.row-cards li", { hasText: `${date} ${start}–${end}` })).toHaveCount(1);
  }
  await expect(queue(again)).toBeHidden();
});

test("a queued row the server refuses comes back with the reason and what was typed", async ({ browser, context, page }) => {
  test.setTimeout(90_000);
  await login(page, "ida");
  await openControlled(page);
  await offline(context, page, true);
  await type(page, `${month}-10`, "10:00", "12:00");
  await expect(queue(page).locator("li")).toHaveCount(1);

  // Meanwhile Ida saves an overlapping row from another device, which has a connection.
  const other = await browser.newContext();
  const desk = await other.newPage();
  await login(desk, "ida");
  await desk.goto(`/assistent?manad=${month}`);
  await type(desk, `${month}-10`, "09:00", "11:00");
  await expect(desk.getByRole("status")).toContainText("Tiden är sparad");
  await other.close();

  // The phone's row arrives and is refused: the reason and the typed values are shown.
  await offline(context, page, false);
  const refused = queue(page).locator("li");
  await expect(refused).toContainText("Kunde inte sparas:", { timeout: 15_000 });
  await expect(refused).toContainText("krockar");
  await expect(refused).toContainText(`${month}-10 10:00–12:00 · Aktiv tid · Filip Fors`);
  await expect(filip(page).locator("ul.row-cards li", { hasText: `${month}-10 10:00` })).toHaveCount(0);

  // Back into the form, to be corrected and saved.
  await refused.getByRole("button", { name: "Lägg tillbaka i formuläret" }).click();
  const form = page.locator("form.row-form");
  await expect(form.getByLabel("Datum")).toHaveValue(`${month}-10`);
  await expect(form.getByLabel("Från")).toHaveValue("10:00");
  await expect(form.getByLabel("Till")).toHaveValue("12:00");
  await expect(queue(page).getByRole("status")).toHaveText("Raden ligger i formuläret igen. Rätta den och spara.");
  await form.getByLabel("Från").fill("11:00");
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status").first()).toContainText("Tiden är sparad");
  await expect(filip(page).locator("ul.row-cards li", { hasText: `${month}-10 11:00–12:00` })).toHaveCount(1);
});
