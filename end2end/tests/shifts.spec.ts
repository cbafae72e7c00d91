// Issue 11 on a 390×844 phone, with and without JavaScript: Ida clocks in, switches to waiting
// time and clocks out; reports a night shift across midnight and FK's DST night; copies last
// week's shifts; types the add-row form before the page's script has arrived; and corrects a
// month the recipient returned after approving it. Nothing wider than 320 px.
import { Page } from "@playwright/test";
import { expect, test, approveMonth, fitsNarrowScreen, login, logout, monthFromNow } from "./helpers";

const noJs = () => test.info().project.name.endsWith("no-js");

/** Swedish wall-clock `HH:MM`, `minutes` before `at` (now unless given: a test that types a time
 *  and later expects it on the page takes one `at`, so a minute turning in between changes nothing). */
function ago(minutes: number, at = Date.now()): string {
  const t = new Date(at - minutes * 60_000);
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", hour: "2-digit", minute: "2-digit" }).format(t);
}

/** How the shift card shows a start `minutes` before now: the time, and the date before it
 *  when that was another day (just after midnight the test's start is yesterday evening). */
function since(minutes: number, at = Date.now()): string {
  const date = day(0, at - minutes * 60_000);
  return date === day(0, at) ? ago(minutes, at) : `${date} ${ago(minutes, at)}`;
}

/** Swedish date `YYYY-MM-DD`, `days` from `at` (now unless given). */
function day(days: number, at = Date.now()): string {
  const t = new Date(at + days * 86_400_000);
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit" }).format(t);
}

/** The night summer time ends (last Sunday of October) whose month is still open (its FK deadline, 5 December, not passed). */
function dstNight(): string {
  const today = day(0);
  let year = Number(today.slice(0, 4));
  if (today > `${year}-12-05`) year += 1;
  const oct31 = new Date(Date.UTC(year, 9, 31));
  const sunday = 31 - oct31.getUTCDay();
  return `${year}-10-${sunday}`;
}

const card = (page: Page) => page.locator("section.shift");
const filip = (page: Page) => page.locator("section.month", { has: page.getByRole("heading", { name: "Filip Fors" }) });

test("an assistant clocks in, switches to waiting time and clocks out", async ({ page }) => {
  // Each project its own hours (they share one database): the phone three hours back, without
  // JavaScript the last fifty minutes.
  const [back, changed] = noJs() ? [50, 30] : [180, 120];
  const at = Date.now();
  const [start, change, stop] = [ago(back, at), ago(changed, at), noJs() ? "" : ago(60, at)];
  await login(page, "ida");
  await page.goto("/assistent");
  await card(page).getByText("Började du tidigare").click();
  await card(page).getByLabel("Började kl. (tomt: nu)").fill(start);
  await card(page).getByRole("button", { name: "Starta pass – Filip Fors" }).click();
  await expect(page.getByRole("status")).toHaveText("Passet är startat.");
  await expect(card(page).getByRole("heading", { name: "Pågående pass" })).toBeVisible();
  await expect(card(page)).toContainText(`Filip Fors: Aktiv tid sedan ${since(back, at)}`);

  // It lives on the server: a reload shows it.
  await page.reload();
  await expect(card(page)).toContainText(`Filip Fors: Aktiv tid sedan ${since(back, at)}`);
  await fitsNarrowScreen(page);

  await card(page).getByLabel("Kl. (tomt: nu)", { exact: true }).fill(change);
  await card(page).getByRole("button", { name: "Byt till väntetid" }).click();
  await expect(page.getByRole("status")).toHaveText("Slaget av tid är bytt. Tiden hittills är sparad.");
  await expect(card(page)).toContainText(`Filip Fors: Väntetid sedan ${since(changed, at)}`);

  if (stop) await card(page).getByLabel("Slutade kl. (tomt: nu)").fill(stop);
  await card(page).getByRole("button", { name: "Avsluta pass" }).click();
  await expect(page.getByRole("status")).toContainText("Tiden är sparad");
  await expect(card(page).getByRole("button", { name: "Starta pass – Filip Fors" })).toBeVisible();
  const rows = filip(page).locator("ul.row-cards li");
  const [active, waiting] = noJs() ? ["Aktiv tid, 0 h 20 min", /Väntetid, 0 h 3[0-2] min/] : ["Aktiv tid, 1 h 00 min", "Väntetid, 1 h 00 min"];
  await expect(rows.filter({ hasText: `${start}–${change}` })).toContainText(active);
  await expect(rows.filter({ hasText: `${change}–` })).toContainText(waiting);
});

test("a night shift across midnight, the DST night, and typing before the script has loaded", async ({ page }) => {
  test.skip(noJs(), "the DST night once (the projects share Ida's rows); the held-back script needs a script");
  await login(page, "ida");

  // FK's example: 00:00–04:00 the night summer time ends is five real hours. The form says so
  // as it is typed, and the saved row keeps it.
  const dst = dstNight();
  await page.goto(`/assistent?manad=${dst.slice(0, 7)}`);
  const form = page.locator("form.row-form");
  await form.getByLabel("Datum").fill(dst);
  await form.getByLabel("Från").fill("00:00");
  await form.getByLabel("Till").fill("04:00");
  await expect(form.locator(".duration")).toContainText("Längd: 5 h 00 min");
  await expect(form.locator(".duration")).toContainText("Sommartid/vintertid ändras under passet");
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status")).toContainText("Tiden är sparad");
  await expect(filip(page).locator("ul.row-cards li", { hasText: `${dst} 00:00–04:00` })).toContainText("5 h 00 min *");

  // A night shift: 22:00 to 07:00 the next day is nine hours, on the day it began.
  const month = monthFromNow(1);
  await page.goto(`/assistent?manad=${month}`);
  await form.getByLabel("Datum").fill(`${month}-12`);
  await form.getByLabel("Från").fill("22:00");
  await form.getByLabel("Till").fill("07:00");
  await form.getByLabel("Passet slutar nästa dag").check();
  await form.getByLabel("Väntetid").check();
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status")).toContainText("Tiden är sparad");
  await expect(filip(page).locator("ul.row-cards li", { hasText: `${month}-12 22:00–07:00 (+1)` })).toContainText("Väntetid, 9 h 00 min");

  // The script held back for 3 s while a person types: the island starts from what is in the
  // fields when it arrives, so its live check and the server judge the typed values.
  // (The context's route: the service worker fetches the page's assets once it is installed.)
  await page.context().route(/\.wasm(\?|$)/, async (route) => {
    await new Promise((r) => setTimeout(r, 3000));
    await route.continue();
  });
  await page.goto(`/assistent?manad=${month}`, { waitUntil: "domcontentloaded" });
  await form.getByLabel("Datum").fill(`${month}-20`);
  await form.getByLabel("Från").fill("10:00");
  await form.getByLabel("Till").fill("12:30");
  await form.getByLabel("Aktiv tid").check();
  await expect(form.locator(".duration")).toHaveText("", { timeout: 100 }); // no script yet
  await expect(form.locator(".duration")).toContainText("Längd: 2 h 30 min", { timeout: 15_000 }); // it read the fields
  await expect(form.getByLabel("Från")).toHaveValue("10:00");
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status")).toHaveText("Tiden är sparad.");
  await expect(filip(page).locator("ul.row-cards li", { hasText: `${month}-20 10:00–12:30` })).toBeVisible();
  await page.context().unroute(/\.wasm(\?|$)/);
  await fitsNarrowScreen(page);
});

test("an assistant copies last week's shifts to this week", async ({ page }) => {
  test.skip(noJs(), "once: a second copy would find the first in the way (tested on the server)");
  await login(page, "ida");
  // Two days of this week that are neither today nor yesterday (where the clock test's rows
  // are), nor the Sunday a week after yesterday.
  const weekday = (new Date(`${day(0)}T12:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  const week = [0, 1, 2, 3, 4, 5, 6].map((i) => day(i - weekday));
  const targets = week.filter((d) => d !== day(0) && d !== day(-1) && d !== day(6)).slice(0, 2);
  for (const target of targets) {
    const source = day(week.indexOf(target) - weekday - 7);
    await page.goto(`/assistent?manad=${source.slice(0, 7)}`);
    const form = page.locator("form.row-form");
    await form.getByLabel("Datum").fill(source);
    await form.getByLabel("Från").fill("13:00");
    await form.getByLabel("Till").fill("14:15");
    await form.getByLabel("Aktiv tid").check();
    await form.getByRole("button", { name: "Spara" }).click();
    await expect(page.getByRole("status")).toContainText("Tiden är sparad");
  }
  await card(page).getByRole("button", { name: "Kopiera förra veckans pass till den här veckan" }).click();
  await expect(page.getByRole("status")).toHaveText(/^Kopierade pass: \d+$/);
  for (const target of targets) {
    await page.goto(`/assistent?manad=${target.slice(0, 7)}`);
    await expect(filip(page).locator("ul.row-cards li", { hasText: `${target} 13:00–14:15` })).toContainText("Aktiv tid, 1 h 15 min");
  }
});

test("the recipient returns an approved month and the assistant corrects it", async ({ page }) => {
  test.setTimeout(90_000);
  const month = monthFromNow(noJs() ? 2 : 1);
  await login(page, "ida");
  await page.goto(`/assistent?manad=${month}`);
  const form = page.locator("form.row-form");
  await form.getByLabel("Datum").fill(`${month}-03`);
  await form.getByLabel("Från").fill("08:00");
  await form.getByLabel("Till").fill("12:00");
  await form.getByLabel("Aktiv tid").check();
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status")).toContainText("Tiden är sparad");
  await expect(filip(page).locator(".todo")).toContainText("Kvar att göra: skicka in månaden. Sista dag till Försäkringskassan:");
  await filip(page).getByLabel("Jag intygar på heder och samvete").check();
  await filip(page).getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(filip(page).locator(".badge")).toHaveText("Inskickad");
  await expect(filip(page).locator(".todo")).toContainText("inget för dig; brukaren ska godkänna.");
  await logout(page);

  // Filip approves; then sees it was wrong and returns it with a reason.
  await login(page, "filip");
  await approveMonth(page, "Ida Isaksson", month);
  await page.getByLabel("Varför skickas månaden tillbaka?").fill("Du slutade 11, inte 12.");
  await page.getByRole("button", { name: "Skicka tillbaka månaden" }).click();
  await expect(page.getByRole("status")).toHaveText("Månaden är skickad tillbaka till assistenten. Godkännandet gäller inte längre.");
  await logout(page);

  // Ida sees why, corrects the row and submits again.
  await login(page, "ida");
  await page.goto(`/assistent?manad=${month}`);
  await expect(filip(page).locator(".badge")).toHaveText("Returnerad");
  await expect(filip(page)).toContainText("Du slutade 11, inte 12.");
  await expect(filip(page).locator(".todo")).toContainText("rätta det som brukaren påpekat och skicka in igen.");
  await filip(page).getByRole("link", { name: `Ändra ${month}-03 08:00–12:00` }).click();
  await expect(form.getByLabel("Till")).toHaveValue("12:00");
  await form.getByLabel("Till").fill("11:00");
  await form.getByRole("button", { name: "Spara ändringen" }).click();
  await expect(page.getByRole("status")).toHaveText("Raden är ändrad.");
  await expect(filip(page).locator("ul.row-cards li", { hasText: `${month}-03 08:00–11:00` })).toContainText("3 h 00 min");
  await filip(page).getByLabel("Jag intygar på heder och samvete").check();
  await filip(page).getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(filip(page).locator(".badge")).toHaveText("Inskickad");
  await fitsNarrowScreen(page);
});
