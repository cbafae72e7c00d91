// Accessibility (axe, WCAG 2.1 AA rules) and the language switch.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, login } from "./helpers";

async function axe(page: import("@playwright/test").Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

test("login and each role's start page pass axe", async ({ page }) => {
  await page.goto("/logga-in");
  await axe(page);
  for (const user of ["anna", "bo", "admin"]) {
    await login(page, user);
    await axe(page);
    await page.getByRole("button", { name: "Logga ut" }).click();
  }
});

test("the administrator's register pages pass axe, also with an error shown", async ({ page }) => {
  await login(page, "admin");
  await page.getByRole("link", { name: "Register: assistenter" }).click();
  await expect(page.getByRole("heading", { name: "Assistenter", exact: true })).toBeVisible();
  await axe(page);
  await page.getByRole("link", { name: "Ny assistent" }).click();
  await axe(page);
  // A samordningsnummer without a birth date: the message is tied to its field.
  await page.getByLabel("Personnummer eller samordningsnummer").fill("197000602396");
  await page.getByLabel("Förnamn").fill("Ivan");
  await page.getByLabel("Efternamn").fill("Ivanov");
  await page.getByRole("button", { name: "Spara" }).click();
  await expect(page.locator("#err-birth_date")).toContainText("Samordningsnumret har inget känt födelsedatum");
  await expect(page.getByLabel("Födelsedatum")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Efternamn")).toHaveValue("Ivanov");
  await axe(page);
  await page.getByLabel("Födelsedatum").fill("1970-06-15");
  await page.getByRole("button", { name: "Spara" }).click();
  await expect(page.getByRole("status").first()).toContainText("Assistenten är sparad.");
  await expect(page.getByRole("link", { name: "Ivan Ivanov" })).toBeVisible();
  // No element wider than a 320 px phone.
  await page.setViewportSize({ width: 320, height: 800 });
  const wide = await page.evaluate(() => [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).length);
  expect(wide).toBe(0);

  // A login with a one-time invitation; the invited person chooses a password.
  await page.getByRole("link", { name: "Ivan Ivanov" }).click();
  await page.getByLabel("Användarnamn").fill("ivan");
  await page.getByRole("button", { name: "Skapa inloggning och inbjudan" }).click();
  await expect(page.getByText("Inloggningen är skapad")).toBeVisible();
  await axe(page);
  const link = (await page.locator("code.handover").textContent())!;
  await page.getByRole("button", { name: "Logga ut" }).click();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Välj ditt lösenord" })).toBeVisible();
  await axe(page);
  await page.getByLabel("Nytt lösenord").fill("kort");
  await page.getByLabel("Skriv lösenordet igen").fill("kort");
  await page.getByRole("button", { name: "Spara lösenordet" }).click();
  await expect(page.getByRole("alert")).toContainText("Lösenordet är för kort");
  await axe(page);
  await page.getByLabel("Nytt lösenord").fill("röd bil kör fort");
  await page.getByLabel("Skriv lösenordet igen").fill("röd bil kör fort");
  await page.getByRole("button", { name: "Spara lösenordet" }).click();
  await expect(page.getByRole("status")).toContainText("Ditt lösenord är sparat");
  await page.getByLabel("Användarnamn").fill("ivan");
  await page.getByLabel("Lösenord").fill("röd bil kör fort");
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByRole("heading", { name: "Min tid" })).toBeVisible();
});

test("the recipients' register and a recipient's decisions pass axe", async ({ page }) => {
  await login(page, "admin");
  await page.getByRole("link", { name: "Register: brukare" }).click();
  await expect(page.getByRole("heading", { name: "Brukare", exact: true })).toBeVisible();
  await axe(page);
  await page.getByRole("link", { name: "Bo Berg" }).click();
  await expect(page.getByRole("heading", { name: "Beslut om assistans" })).toBeVisible();
  await axe(page);
  // A decision overlapping Bo's: refused, the reason announced, what was typed kept.
  await page.getByLabel("Beviljade timmar").fill("120");
  await page.getByLabel("Gäller från").fill("2026-01-01");
  await page.getByLabel("Gäller till och med").fill("2026-06-30");
  await page.getByRole("button", { name: "Lägg till beslutet" }).click();
  await expect(page.getByRole("alert")).toContainText("Ett annat beslut för brukaren gäller redan");
  await expect(page.getByLabel("Beviljade timmar")).toHaveValue("120");
  await axe(page);
});

test("English is one click away and stays chosen", async ({ page }) => {
  await page.goto("/logga-in");
  await expect(page.locator("html")).toHaveAttribute("lang", "sv");
  await page.getByRole("button", { name: "In English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.getByLabel("Username").fill("anna");
  await page.getByLabel("Password").fill("bita-demo");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "My time" })).toBeVisible();
  await page.getByRole("button", { name: "På svenska" }).click();
  await expect(page.getByRole("heading", { name: "Min tid" })).toBeVisible();
});
