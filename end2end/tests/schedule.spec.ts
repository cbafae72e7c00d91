// Issue 27 on a 390×844 phone, with and without JavaScript: Lena, a work leader, makes last
// month's schedule for one of her recipients from a base schedule, sees a rule's warning (two
// assistants at once, V7) and fixes it, adds an extra shift and publishes; Jonas confirms three
// shifts with one tap each (with JavaScript the first while offline, tapped twice: one row),
// changes one, settles the rest as not worked and submits; the recipient approves. axe on every
// new page and nothing wider than 320 px.
import AxeBuilder from "@axe-core/playwright";
import { BrowserContext, Page } from "@playwright/test";
import { expect, test, approveMonth, fitsNarrowScreen, login, logout, monthFromNow } from "./helpers";

const noJs = () => test.info().project.name.endsWith("no-js");

// Per project its own recipient, weekday and extra day (the projects share one database, and
// Jonas works for both recipients: never at the same time).
// (Not Elis: the signing test sums her räkning for last month.)
// `other`: another of the recipient's assistants, planned at the same time as Jonas once.
const WHO: Record<string, { recipient: string; approver: string; day: string; dow: number; extra: string; other: string }> = {
  phone: { recipient: "Bo Berg", approver: "bo", day: "måndag", dow: 1, extra: "15", other: "David Dahl" },
  "phone-no-js": { recipient: "Filip Fors", approver: "filip", day: "tisdag", dow: 2, extra: "16", other: "Ida Isaksson" },
};

async function axe(page: Page) {
  if (noJs()) return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

/** `YYYY-MM-DD` of a date in UTC (the dates here are calendar days, no times). */
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The Monday on or before the month's first day, and the month's first weekday `dow` (Sunday 0). */
function days(month: string, dow: number): [string, string] {
  const first = new Date(`${month}-01T00:00:00Z`);
  const back = (first.getUTCDay() + 6) % 7;
  const forward = (dow - first.getUTCDay() + 7) % 7;
  return [iso(new Date(first.getTime() - back * 86_400_000)), iso(new Date(first.getTime() + forward * 86_400_000))];
}

async function offline(context: BrowserContext, page: Page, on: boolean) {
  await context.setOffline(on);
  await expect.poll(() => page.evaluate(() => navigator.onLine).catch(() => null)).toBe(!on);
}

test("a work leader plans a month, the assistant confirms it shift by shift, the recipient approves", async ({ context, page }, info) => {
  test.setTimeout(180_000);
  const who = WHO[info.project.name];
  test.skip(!who, "on the phone projects");
  const month = monthFromNow(-1);
  const [start, firstDay] = days(month, who.dow);
  const status = page.locator("main p.notice[role=status]");

  // The work leader lands on her schedules: her recipients only.
  await login(page, "lena");
  await expect(page).toHaveURL(/\/schema$/);
  await expect(page.getByRole("heading", { level: 1, name: "Schema" })).toBeVisible();
  await expect(page.getByText("Cecilia Carlsson")).toHaveCount(0);
  await axe(page);
  await page.goto(`/schema?manad=${month}`);
  await page.getByRole("link", { name: who.recipient }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Schema: ${who.recipient}` })).toBeVisible();

  // A base schedule of one week: an evening a week, 18:00–22:00, for Jonas (the demo's days
  // are others' daytime rows).
  await page.getByLabel("Antal veckor (1–8)").fill("1");
  await page.getByLabel("Första måndagen (ÅÅÅÅ-MM-DD)").fill(start);
  await page.getByRole("button", { name: "Spara grundschemat" }).click();
  await expect(status).toHaveText("Grundschemat är sparat.");
  const base = page.locator("form", { has: page.getByRole("button", { name: "Lägg till passet" }) });
  await base.getByLabel("Veckodag").selectOption({ label: who.day });
  await base.getByLabel("Från").fill("18:00");
  await base.getByLabel("Till").fill("22:00");
  await base.getByLabel("Typ av tid").selectOption({ label: "Aktiv tid" });
  await base.getByLabel("Assistent").selectOption({ label: "Jonas Jansson" });
  await base.getByRole("button", { name: "Lägg till passet" }).click();
  await expect(status).toHaveText("Passet är tillagt.");
  await page.getByRole("button", { name: "Gör månadens schema från grundschemat" }).click();
  await expect(status).toContainText("Månadens schema är gjort. Planerade pass:");
  const planned = await page.locator("ol.planned > li").count();
  expect(planned).toBeGreaterThanOrEqual(4);

  // Another assistant at the same time as Jonas on the first evening: the rules say so at the shift.
  const extra = page.locator("#extra form");
  const addExtra = async (date: string, from: string, to: string, assistant: string) => {
    await extra.getByLabel("Datum").fill(date);
    await extra.getByLabel("Från").fill(from);
    await extra.getByLabel("Till").fill(to);
    await extra.getByLabel("Assistent").selectOption({ label: assistant });
    await extra.getByRole("button", { name: "Lägg till det extra passet" }).click();
    await expect(status).toHaveText("Passet är tillagt.");
  };
  await addExtra(firstDay, "19:00", "20:00", who.other);
  const other = page.locator("ol.planned > li", { has: page.locator("p", { hasText: who.other }) });
  await expect(other.locator(".findings")).toContainText("V7");
  await axe(page);
  await fitsNarrowScreen(page);
  // Fixed: that shift cancelled; no V7 is left.
  await other.locator("summary").click();
  await other.getByRole("button", { name: "Stryk passet" }).click();
  await expect(status).toHaveText("Passet är ändrat.");
  await expect(page.locator(".findings", { hasText: "V7" })).toHaveCount(0);
  await expect(other).toContainText("Struket");
  // An extra early morning for Jonas, then published.
  await addExtra(`${month}-${who.extra}`, "06:00", "07:00", "Jonas Jansson");
  await page.getByRole("button", { name: "Publicera för assistenterna" }).click();
  await expect(status).toHaveText("Schemat är publicerat. Assistenterna ser sina pass.");
  await expect(page.getByText(/^Publicerat \d{4}-/)).toBeVisible();
  await page.goto(`/schema?manad=${month}`);
  await expect(page.locator("ul.schedules > li", { hasText: who.recipient })).toContainText("Publicerat");
  await expect(page.locator("ul.schedules > li", { hasText: who.recipient }).locator("svg.hours-bar")).toHaveCount(1);
  await axe(page);
  await logout(page);

  // Jonas: every shift of the month has ended; one tap each.
  await login(page, "jonas");
  await page.goto(`/assistent?manad=${month}`);
  const card = page.locator("#planerat");
  const mine = card.locator("li.shift", { hasText: who.recipient });
  const shifts = await mine.count();
  expect(shifts).toBe(planned + 1); // the base's evenings and the extra morning
  await axe(page);
  await fitsNarrowScreen(page);
  const asPlanned = () => mine.first().getByRole("button", { name: /^Jobbade som planerat: / });
  const section = page.locator("section.month", { has: page.getByRole("heading", { name: who.recipient }) });

  if (!noJs()) {
    // Offline, the first shift confirmed twice (an impatient thumb, a page from the phone):
    // kept on the phone, and one row when the connection returns.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await page.waitForLoadState("networkidle");
    await offline(context, page, true);
    await asPlanned().click();
    await expect(page.locator("#koade li")).toHaveCount(1);
    const firstShift = (await mine.first().locator("p").first().textContent())!;
    expect(firstShift).toContain(firstDay);
    await expect(page.locator("#koade li").first()).toContainText(`Jobbade som planerat: ${firstShift}`);
    await asPlanned().click();
    await expect(page.locator("#koade li")).toHaveCount(2);
    await offline(context, page, false);
    await expect(section.locator("ul.row-cards li", { hasText: `${firstDay} 18:00–22:00` })).toHaveCount(1, { timeout: 15_000 });
    await expect(page.locator("#koade li.refused")).toContainText("Passet är redan bekräftat");
    await page.locator("#koade li.refused").getByRole("button", { name: "Ta bort från telefonen" }).click();
  } else {
    await asPlanned().click();
    await expect(status).toHaveText("Tiden är sparad.");
  }
  for (let i = 0; i < 2; i++) {
    await asPlanned().click();
    await expect(status).toHaveText("Tiden är sparad.");
  }
  await expect(section.locator("ul.row-cards li")).toHaveCount(3);

  // One went differently: the form comes filled from the plan, and ends later.
  await mine.first().getByRole("link", { name: /^Jobbade annorlunda: / }).click();
  const form = page.locator("form.row-form");
  const from = await form.getByLabel("Från").inputValue();
  expect(["06:00", "18:00"]).toContain(from);
  await form.getByLabel("Till").fill(from === "06:00" ? "07:30" : "22:30");
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(status).toHaveText("Tiden är sparad.");
  await expect(section.locator("ul.row-cards li")).toHaveCount(4);

  // Submitting now is refused while a shift is unsettled; each then settled as not worked.
  await page.goto(`/assistent?manad=${month}`);
  await section.getByLabel("Jag intygar på heder och samvete").check();
  await section.getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(page.getByRole("alert").first()).toContainText("planerade pass den här månaden som inte är bekräftade");
  while ((await mine.count()) > 0) {
    await mine.first().getByRole("button", { name: /^Jobbade inte: / }).click();
    await expect(status).toHaveText("Passet är markerat som inte arbetat.");
  }
  await section.getByLabel("Jag intygar på heder och samvete").check();
  await section.getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(section.locator(".badge")).toHaveText("Inskickad");
  await logout(page);

  // The recipient approves.
  await login(page, who.approver);
  await approveMonth(page, "Jonas Jansson", month);
});

test("the administrator gives a work leader a recipient on a page that passes axe", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "once");
  await login(page, "admin");
  await page.getByRole("link", { name: "Arbetsledare" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Arbetsledare" })).toBeVisible();
  const lena = page.locator("section", { has: page.getByRole("heading", { name: "Lena Lund" }) });
  await expect(lena).toContainText("Bo Berg");
  await axe(page);
  await fitsNarrowScreen(page);
  // A new work leader, with the link to hand over.
  const add = page.locator("form", { has: page.getByRole("button", { name: "Lägg till arbetsledaren" }) });
  await add.getByLabel("Namn", { exact: true }).fill("Maja Mos");
  await add.getByLabel("Användarnamn").fill("maja.mos");
  await add.getByRole("button", { name: "Lägg till arbetsledaren" }).click();
  await expect(page.locator("code.handover")).toContainText("/inbjudan?kod=");
  const maja = page.locator("section", { has: page.getByRole("heading", { name: "Maja Mos" }) });
  await maja.getByLabel("Brukare").selectOption({ label: "Filip Fors" });
  await maja.getByRole("button", { name: "Ge brukaren" }).click();
  await expect(page.getByRole("status").first()).toHaveText("Arbetsledarens brukare är ändrade.");
  await expect(page.locator("section", { has: page.getByRole("heading", { name: "Maja Mos" }) })).toContainText("Filip Fors");
});
