// Issue 8's journey: the administrator sets up and runs a month in the browser — registers a
// recipient with a decision and an assistant with an assignment, creates both logins; the
// assistant follows the invitation, chooses a password and reports; the recipient approves;
// the dashboard shows the month; a CSV import (a dry run with a bad line, then a clean file);
// the approved reports are attested in bulk. Phone and desktop, with and without JavaScript.
import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { expect, test, approveMonth, login, logout, monthFromNow } from "./helpers";

// Per project its own people (the projects share one database).
const PEOPLE: Record<string, { r: string; a: string; imp: string; tag: string }> = {
  phone: { r: "196001010138", a: "199104010138", imp: "197708080879", tag: "Ett" },
  "phone-no-js": { r: "196002020243", a: "199105020243", imp: "197709090984", tag: "Två" },
  desktop: { r: "196003030357", a: "199106030357", imp: "198505055551", tag: "Tre" },
  "desktop-no-js": { r: "196004040462", a: "199107040462", imp: "197710101093", tag: "Fyra" },
};

async function axe(page: Page) {
  // axe runs as a script in the page: not in the project without JavaScript.
  if (test.info().project.name.endsWith("no-js")) return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

async function choosePassword(page: Page, link: string, password: string) {
  await page.goto(link);
  await page.getByLabel("Nytt lösenord").fill(password);
  await page.getByLabel("Skriv lösenordet igen").fill(password);
  await page.getByRole("button", { name: "Spara lösenordet" }).click();
  await expect(page.getByText("Ditt lösenord är sparat")).toBeVisible();
}

async function loginAs(page: Page, username: string, password: string) {
  await page.goto("/logga-in");
  await page.getByLabel("Användarnamn").fill(username);
  await page.getByLabel("Lösenord").fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByText("Inloggad som")).toBeVisible();
}

test("an administrator sets up and runs a month in the browser", async ({ page }, info) => {
  test.setTimeout(90_000);
  const p = PEOPLE[info.project.name];
  const recipientName = `Rut ${p.tag}`;
  const assistantName = `Hedda ${p.tag}`;
  const prev = monthFromNow(-1);
  const day = `${prev}-10`;
  const password = "grön tall vid sjön";

  // A recipient with a decision.
  await login(page, "admin");
  await page.getByRole("link", { name: "Register: brukare" }).click();
  await page.getByRole("link", { name: "Ny brukare" }).click();
  await page.getByLabel("Personnummer", { exact: true }).fill(p.r);
  await page.getByLabel("Förnamn").fill("Rut");
  await page.getByLabel("Efternamn").fill(p.tag);
  await page.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByText("Brukaren är sparad.")).toBeVisible();
  await page.getByLabel(/^SFB/).check();
  await page.getByLabel("månad", { exact: true }).check();
  await page.getByLabel("Beviljade timmar").fill("160");
  await page.getByLabel("Gäller från").fill("2024-01-01");
  await page.getByLabel("Gäller till och med").fill("2030-12-31");
  await page.getByLabel("Väntetid beviljad").check();
  await page.getByRole("button", { name: "Lägg till beslutet" }).click();
  await expect(page.getByText("Beslutet är sparat.")).toBeVisible();
  // The recipient's own login.
  const account = page.locator("section", { has: page.getByRole("heading", { name: "Inloggning" }) });
  await account.getByLabel("Användarnamn").fill(`rut.${p.tag.toLowerCase()}`);
  await account.getByRole("button", { name: "Skapa inloggning och inbjudan" }).click();
  await expect(page.getByText("Inloggningen är skapad")).toBeVisible();
  const recipientLink = (await page.locator("code.handover").textContent())!;
  await axe(page);

  // An assistant with an assignment and a login.
  await page.goto("/admin/assistent");
  await page.getByLabel("Personnummer eller samordningsnummer").fill(p.a);
  await page.getByLabel("Förnamn").fill("Hedda");
  await page.getByLabel("Efternamn").fill(p.tag);
  await page.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByText("Assistenten är sparad.")).toBeVisible();
  await page.getByRole("link", { name: assistantName }).click();
  await page.getByLabel("Brukare", { exact: true }).selectOption({ label: recipientName });
  await page.getByLabel("Från och med", { exact: true }).fill("2024-01-01");
  await page.getByLabel(/Anmäld till Försäkringskassan/).fill("2024-01-01");
  await page.getByRole("button", { name: "Lägg till uppdraget" }).click();
  await expect(page.getByText("Uppdraget är sparat.")).toBeVisible();
  await page.getByLabel("Användarnamn").fill(`hedda.${p.tag.toLowerCase()}`);
  await page.getByRole("button", { name: "Skapa inloggning och inbjudan" }).click();
  await expect(page.getByText("Inloggningen är skapad")).toBeVisible();
  const assistantLink = (await page.locator("code.handover").textContent())!;
  await axe(page);
  await logout(page);

  // The assistant follows the invitation, reports a row in last month and submits it.
  await choosePassword(page, assistantLink, password);
  await loginAs(page, `hedda.${p.tag.toLowerCase()}`, password);
  await page.goto(`/assistent?manad=${prev}`);
  const form = page.locator("form.row-form");
  await form.getByLabel("Brukare").selectOption({ label: recipientName });
  await form.getByLabel("Datum").fill(day);
  await form.getByLabel("Från").fill("08:00");
  await form.getByLabel("Till").fill("16:00");
  await form.getByLabel("Aktiv tid").check();
  await form.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status")).toHaveText("Tiden är sparad.");
  const month = page.locator("section.month", { has: page.getByRole("heading", { name: recipientName }) });
  await month.getByLabel("Jag intygar på heder och samvete").check();
  await month.getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(month.locator(".badge")).toHaveText("Inskickad");
  await logout(page);

  // The recipient follows their invitation and approves.
  await choosePassword(page, recipientLink, password);
  await loginAs(page, `rut.${p.tag.toLowerCase()}`, password);
  await approveMonth(page, assistantName, prev, password);
  await logout(page);

  // The dashboard shows the month: status, payable hours against the decision.
  await login(page, "admin");
  await page.goto(`/admin?manad=${prev}`);
  const row = page.locator("tr", { has: page.getByRole("rowheader", { name: recipientName }) });
  await expect(row.locator(".badge").first()).toHaveText("Godkänd");
  await expect(page.locator("ul.grants")).toContainText(`${recipientName}: 8,00 h av beviljade 160,00 h`);
  await axe(page);

  // A CSV import: a dry run with one bad line, then a clean file, imported.
  await page.getByRole("link", { name: "Importera från fil" }).click();
  const upload = async (text: string) => {
    await page.getByLabel("Brukare", { exact: true }).check();
    await page.getByLabel("Fil", { exact: true }).setInputFiles({ name: "brukare.csv", mimeType: "text/csv", buffer: Buffer.from(text, "utf-8") });
    await page.getByRole("button", { name: "Provkör (sparar inget)" }).click();
  };
  await upload(`personnummer;förnamn;efternamn\n${p.imp};Ida;${p.tag}\n19000101-0000;Fel;Nummer\n`);
  await expect(page.getByRole("status").first()).toContainText("1 nya, 0 ändras, 0 oförändrade, 1 med fel");
  await expect(page.locator("li.refused")).toContainText("Rad 3");
  await expect(page.locator("li.refused")).toContainText("kolumn personnummer: Personnumret stämmer inte");
  await expect(page.getByRole("button", { name: "Importera allt" })).toHaveCount(0);
  await axe(page);
  await upload(`personnummer;förnamn;efternamn\n${p.imp};Ida;${p.tag}\n`);
  await expect(page.getByRole("status").first()).toContainText("1 nya, 0 ändras, 0 oförändrade, 0 med fel");
  await page.getByRole("button", { name: "Importera allt" }).click();
  await expect(page.getByRole("status").first()).toContainText("Importen är klar");
  await page.goto(`/admin/brukarregister?q=Ida+${p.tag}`);
  await expect(page.getByRole("link", { name: `Ida ${p.tag}` })).toBeVisible();

  // The approved reports, attested in bulk.
  await page.goto(`/admin?manad=${prev}`);
  await page.getByRole("button", { name: "Attestera alla godkända utan fel" }).click();
  await expect(row.locator(".badge").first()).toHaveText("Attesterad");
  await expect(row.getByRole("button", { name: "Hämta 3059 (XML)" })).toBeVisible();
  // The provider page, with the seeded amounts.
  await page.goto("/admin/anordnare");
  await expect(page.getByText("332,60 kr")).toBeVisible();
  await axe(page);
});
