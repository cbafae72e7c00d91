// Every page of every role, on a phone: axe (WCAG 2.1 AA) and nothing wider than a 320 px screen,
// at 100 % and 200 % text (issue 24). The pages are reached as their users reach them, by links.
import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { expect, test, fitsNarrowScreen, login, logout, monthFromNow } from "./helpers";

async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${page.url()} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** axe and the 320 px check on the page now shown; without JavaScript (no axe, no script in
 * the page) the width is read from each element's box, which Playwright measures itself. */
async function check(page: Page) {
  if (test.info().project.name.endsWith("no-js")) {
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 320, height: 800 });
    const wide: string[] = [];
    // What scrolls inside its own region (the dashboard's table) may be wider, and what is
    // there for screen readers only (clipped to a pixel) is not on the screen at all.
    for (const el of await page.locator("main *:not(.table-wrap *):not(.sr-only *)").all()) {
      const box = await el.boundingBox();
      if (box && box.x + box.width > 320.5) wide.push(`${await el.evaluate((e) => e.tagName).catch(() => "?")} ${box.x + box.width}`);
    }
    expect(wide, `${page.url()} at 320 px`).toEqual([]);
    await page.setViewportSize(size);
    return;
  }
  await axe(page);
  await fitsNarrowScreen(page);
}

async function visit(page: Page, path: string) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBeLessThan(400);
  await check(page);
}

test("every page of every role passes axe and fits a 320 px screen", async ({ page }) => {
  // On a phone with JavaScript: axe and the width at 100 % and 200 % text; without: the width.
  test.setTimeout(240_000);
  const prev = monthFromNow(-1);
  const far = monthFromNow(6);

  // Anyone.
  for (const path of ["/logga-in", "/verifiera", "/inbjudan?kod=0123456789abcdef0123456789abcdef"]) await visit(page, path);

  // The assistant.
  await login(page, "david");
  for (const path of ["/assistent", `/assistent?manad=${prev}`]) await visit(page, path);
  await logout(page);

  // The recipient, and the review of a submitted month (the demo's: Anna's for Bo).
  await login(page, "bo");
  await visit(page, "/brukare");
  await page.getByRole("link", { name: /^Granska / }).first().click();
  await check(page);
  await logout(page);

  // A representative, for each person they act for.
  await login(page, "eva");
  await visit(page, "/brukare");
  await page.getByRole("navigation", { name: "Personer du företräder" }).getByRole("link", { name: "Elis Ek" }).click();
  await check(page);
  await logout(page);

  // The administrator: the dashboard (also a month with no row that has a button: its table
  // scrolls on a phone and must be reachable by keyboard), registers, cards, settings, import,
  // log, export, the API's documentation (linked from the API page) and a räkning.
  await login(page, "admin");
  for (const path of ["/admin", `/admin?manad=${prev}`, `/admin?manad=${far}`, "/admin/assistenter", "/admin/assistent", "/admin/brukarregister", "/admin/anordnare", "/admin/import", "/admin/logg", "/admin/jamforelse", "/admin/api", "/api/v1", `/admin/export?manad=${prev}`]) {
    await visit(page, path);
  }
  await page.goto("/admin/assistenter");
  await page.getByRole("link", { name: "Anna Andersson" }).click();
  await check(page);
  await page.goto("/admin/brukarregister");
  await page.getByRole("link", { name: "Bo Berg" }).click();
  await check(page);
  const bo = new URL(page.url()).searchParams.get("id");
  await visit(page, `/admin/rakning?person=${bo}&manad=${prev}`);
  await logout(page);
});

test("each refusal says what was not saved and who to ask, with its rule", async ({ page }, info) => {
  // Issue 24 item 14, on a phone with and without JavaScript (each in a month of its own).
  const month = monthFromNow(info.project.name === "phone" ? 7 : 8);
  await login(page, "hanna");
  const form = page.locator("form.row-form");
  const add = async (date: string, start: string, end: string) => {
    await form.getByLabel("Brukare").selectOption({ label: "Bo Berg" });
    await form.getByLabel("Datum").fill(date);
    await form.getByLabel("Från").fill(start);
    await form.getByLabel("Till").fill(end);
    await form.getByLabel("Aktiv tid").check();
    await form.getByRole("button", { name: "Spara" }).click();
  };
  await add(`${month}-09`, "08:00", "12:00");
  await expect(page.getByRole("status")).toHaveText("Tiden är sparad.");
  // An overlap is refused naming its rule, like every finding.
  await add(`${month}-09`, "11:00", "13:00");
  await expect(page.getByText("V3 Fel: Tiden krockar med en annan rad").first()).toBeVisible();
  // A month whose FK deadline has passed: the time was not saved, and the municipality is
  // the one to ask.
  await add(`${monthFromNow(-3)}-09`, "08:00", "12:00");
  await expect(page.getByText("Be kommunen (administratören) om en rättelse")).toBeVisible();
  await expect(page.getByText("Be din arbetsledare")).toHaveCount(0);
  await logout(page);

  // A register form that is refused says the data, not "the time", was not saved.
  await login(page, "admin");
  await page.goto("/admin/assistent");
  await page.getByLabel("Personnummer eller samordningsnummer").fill("197000602396");
  await page.getByLabel("Förnamn").fill("Ivar");
  await page.getByLabel("Efternamn").fill("Ivarsson");
  await page.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("alert").first()).toHaveText("Uppgifterna sparades inte. Rätta det som är markerat och spara igen.");
  await expect(page.getByText("Tiden sparades inte")).toHaveCount(0);
});
