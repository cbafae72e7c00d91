// The thin slice through all three roles, on a phone, with and without JavaScript:
// the assistant reports and submits, the recipient approves, the administrator follows up.
import * as fs from "fs";
import { expect, test, fitsNarrowScreen, login, logout, monthFromNow, PASSWORD } from "./helpers";

test("assistant reports, recipient approves, admin sees it and downloads CSV", async ({ page }, info) => {
  // Each project works in a month of its own so the runs do not meet.
  const month = monthFromNow(info.project.name === "phone" ? 1 : 2);
  const day = `${month}-14`;

  // Assistant: lands on their start page and adds a day shift for Bo.
  await login(page, "anna");
  await expect(page).toHaveURL(/\/assistent$/);
  await expect(page.getByRole("heading", { name: "Min tid" })).toBeVisible();
  const form = page.locator("form.row-form");
  await form.getByLabel("Brukare").selectOption({ label: "Bo Berg" });
  await form.getByLabel("Datum").fill(day);
  await form.getByLabel("Från").fill("08:00");
  await form.getByLabel("Till").fill("16:30");
  await form.getByLabel("Aktiv tid").check();
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status")).toHaveText("Tiden är sparad.");
  await expect(page).toHaveURL(new RegExp(`manad=${month}`));
  const bo = page.locator("section.month", { has: page.getByRole("heading", { name: "Bo Berg" }) });
  await expect(bo.locator(".row-cards .when", { hasText: `${day} 08:00–16:30` })).toBeVisible();
  await expect(bo.locator('dd[data-kind="aktiv"]')).toHaveText("8 h 30 min");
  // The month as cards: nothing wider than a 320 px screen, the row's buttons on screen.
  await fitsNarrowScreen(page);

  // Bad input: the end before the start. A clear message next to the field; nothing typed lost.
  await form.getByLabel("Brukare").selectOption({ label: "Bo Berg" });
  await form.getByLabel("Datum").fill(day);
  await form.getByLabel("Från").fill("18:00");
  await form.getByLabel("Till").fill("17:00");
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.locator("#err-end")).toContainText("Sluttiden måste vara efter starttiden");
  await expect(form.getByLabel("Till")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Från")).toHaveValue("18:00");
  await expect(form.getByLabel("Till")).toHaveValue("17:00");
  await expect(form.getByLabel("Datum")).toHaveValue(day);
  await expect(bo.locator(".row-cards li")).toHaveCount(1);

  // Submit the month on honour.
  await bo.getByLabel("Jag intygar på heder och samvete").check();
  await bo.getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(page.getByRole("status")).toHaveText("Månaden är inskickad till brukaren för godkännande.");
  await expect(bo.locator(".badge")).toHaveText("Inskickad");
  await logout(page);

  // Recipient: sees Anna's month and approves it.
  await login(page, "bo");
  await expect(page).toHaveURL(/\/brukare$/);
  await page.getByRole("link", { name: `Granska Anna Andersson ${month}` }).click();
  await expect(page.locator(".row-cards").getByText(`${day} 08:00–16:30`)).toBeVisible();
  await expect(page.locator('dd[data-kind="aktiv"]')).toHaveText("8 h 30 min");
  await page.getByLabel("Ditt lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Godkänn och skriv under" }).click();
  await expect(page.getByRole("status")).toHaveText("Månaden är godkänd.");
  await expect(page.locator(".status .badge")).toHaveText("Godkänd");
  await logout(page);

  // Administrator: the month's status per recipient and assistant, and the CSV.
  await login(page, "admin");
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto(`/admin?manad=${month}`);
  const row = page.locator("tr", { has: page.getByRole("rowheader", { name: "Bo Berg" }) }).filter({ hasText: "Anna Andersson" });
  await expect(row.locator(".badge")).toHaveText("Godkänd");
  // A download the audit log records is a form post with the page's token, not a link.
  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Ladda ner månadens rader (CSV)" }).click()]);
  const text = fs.readFileSync((await csv.path())!, "utf8");
  expect(text).toContain(`Exempelby kommun;Bo Berg;Anna Andersson;${day};08:00;16:30;0;aktiv;510;approved;nej`);
  expect(text).not.toContain("Provstad");

  // The administrator attests the approved month: its 3059 is frozen and can be downloaded.
  await row.getByRole("button", { name: "Attestera Anna Andersson – Bo Berg" }).click();
  await expect(page.getByRole("status")).toHaveText("Tidsredovisningen är attesterad och låst.");
  await expect(row.locator(".badge")).toHaveText("Attesterad");
  const [xml] = await Promise.all([page.waitForEvent("download"), row.getByRole("button", { name: "Hämta 3059 (XML)" }).click()]);
  const body = fs.readFileSync((await xml.path())!, "utf8");
  expect(body).toContain(`<dag>14</dag><fromTid>8.00</fromTid><tomTid>16.30</tomTid><aktivTid>TRUE</aktivTid>`);
  expect(body).toContain("<personnummer>194503150049</personnummer>");
});

test("another role's page answers 403 and a logged-out visit goes to login", async ({ page }) => {
  const res = await page.goto("/admin");
  await expect(page).toHaveURL(/\/logga-in$/);
  expect(res?.ok()).toBeTruthy();
  await login(page, "anna");
  const forbidden = await page.goto("/admin");
  expect(forbidden?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("annan roll");
});

test("a wrong password gets one generic message and keeps the username", async ({ page }) => {
  await page.goto("/logga-in");
  await page.getByLabel("Användarnamn").fill("anna");
  await page.getByLabel("Lösenord").fill("wrong");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Fel användarnamn eller lösenord. Kontrollera och försök igen.");
  await expect(page.getByLabel("Användarnamn")).toHaveValue("anna");
});
