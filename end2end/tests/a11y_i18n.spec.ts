// Accessibility (axe, WCAG 2.1 AA rules) and the language switch.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { login } from "./helpers";

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
