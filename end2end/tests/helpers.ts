import { expect, Page, test as base } from "@playwright/test";

/**
 * Playwright's `test`, with what the browser said along the way: uncaught errors (a panicking
 * island) and console errors of every page of the test's context are printed when a test fails,
 * so a failure seen only in CI explains itself.
 */
export const test = base.extend<{ browserLog: void }>({
  browserLog: [
    async ({ context }, use, testInfo) => {
      const log: string[] = [];
      const watch = (page: Page) => {
        page.on("pageerror", (e) => log.push(`[pageerror] ${page.url()}: ${e.message}`));
        page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") log.push(`[console.${m.type()}] ${page.url()}: ${m.text()}`); });
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      context.on("serviceworker", (w) => log.push(`[serviceworker] ${w.url()}`));
      await use();
      if (testInfo.status !== testInfo.expectedStatus && log.length) console.log(`browser log of "${testInfo.title}":\n${log.join("\n")}`);
    },
    { auto: true },
  ],
});
export { expect };

export const PASSWORD = "bita-demo";

export async function login(page: Page, username: string) {
  await page.goto("/logga-in");
  await page.getByLabel("Användarnamn").fill(username);
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByText("Inloggad som")).toBeVisible();
}

export async function logout(page: Page) {
  await page.getByRole("button", { name: "Logga ut" }).click();
  await expect(page).toHaveURL(/\/logga-in$/);
}

/** YYYY-MM of the month `offset` months from now (Swedish time is close enough for months). */
export function monthFromNow(offset: number): string {
  const d = new Date();
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
  return `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, "0")}`;
}

/**
 * On the recipient's start page: opens the review of `assistant`'s month `month` and approves
 * it with the password typed again. Ends on the review page.
 */
export async function approveMonth(page: Page, assistant: string, month: string, password = PASSWORD) {
  await page.getByRole("link", { name: `Granska ${assistant} ${month}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `${assistant} – ${month}` })).toBeVisible();
  await page.getByLabel("Ditt lösenord").fill(password);
  await page.getByRole("button", { name: "Godkänn och skriv under" }).click();
  await expect(page.getByRole("status")).toHaveText("Månaden är godkänd.");
}

/** On the assistant's page: reports a shift of active time for `recipient`. */
export async function report(page: Page, recipient: string, date: string, start: string, end: string) {
  const form = page.locator("form.row-form");
  await form.getByLabel("Brukare").selectOption({ label: recipient });
  await form.getByLabel("Datum").fill(date);
  await form.getByLabel("Från").fill(start);
  await form.getByLabel("Till").fill(end);
  await form.getByLabel("Aktiv tid").check();
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status")).toHaveText("Tiden är sparad.");
}

/** Nothing wider than the screen at 320 px, also with the text at 200 %. */
export async function fitsNarrowScreen(page: Page) {
  if (test.info().project.name.endsWith("no-js")) return;
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 320, height: 800 });
  for (const text of ["100%", "200%"]) {
    await page.evaluate((t) => (document.documentElement.style.fontSize = t), text);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    const culprits = await page.evaluate(() =>
      Array.from(document.querySelectorAll("body *"))
        .filter((e) => e.getBoundingClientRect().right > 320.5 || e.scrollWidth > e.clientWidth + 1)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent ?? "").trim().slice(0, 40)} (${e.scrollWidth}>${e.clientWidth})`)
        .slice(0, 8),
    );
    expect(wide, `page width at 320 px with text ${text}: ${culprits.join(" | ")}`).toBeLessThanOrEqual(320);
  }
  await page.evaluate(() => (document.documentElement.style.fontSize = ""));
  await page.setViewportSize(size);
}

/**
 * On the export page: exports the month and waits for its job to end. With JavaScript the page
 * follows the job by itself; without, the administrator refreshes it by its link, as here.
 */
export async function exportMonth(page: Page) {
  await page.getByRole("button", { name: "Exportera och lås månaden" }).click();
  const refresh = page.getByRole("link", { name: "Uppdatera förloppet" });
  for (let i = 0; i < 120 && (await refresh.isVisible()); i++) {
    await page.waitForTimeout(500);
    if (await refresh.isVisible()) await refresh.click();
  }
}
