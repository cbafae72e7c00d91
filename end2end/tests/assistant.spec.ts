// Issue 11 (first steps): on a phone, with and without JavaScript, the assistant changes a
// row of a draft month, submits it, takes it back to correct it and submits again.
import { expect, test, fitsNarrowScreen, login, monthFromNow, report } from "./helpers";

test("an assistant changes a row and takes a submitted month back", async ({ page }, info) => {
  // A month and a recipient no other test reports Anna's time for.
  const month = monthFromNow(info.project.name === "phone" ? 1 : 2);
  await login(page, "anna");
  await page.goto(`/assistent?manad=${month}`);
  await report(page, "Cecilia Carlsson", `${month}-24`, "08:00", "12:00");
  const cecilia = page.locator("section.month", { has: page.getByRole("heading", { name: "Cecilia Carlsson" }) });

  // Change the row: the form opens with what is stored.
  await cecilia.getByRole("link", { name: `Ändra ${month}-24 08:00–12:00` }).click();
  await expect(page.getByRole("heading", { name: "Ändra raden" })).toBeVisible();
  const form = page.locator("form.row-form");
  await expect(form.getByLabel("Till")).toHaveValue("12:00");
  await form.getByLabel("Till").fill("13:30");
  await form.getByRole("button", { name: "Spara ändringen" }).click();
  await expect(page.getByRole("status")).toHaveText("Raden är ändrad.");
  await expect(cecilia.locator(".row-cards li")).toHaveCount(1);
  await expect(cecilia.locator(".row-cards .when")).toHaveText(`${month}-24 08:00–13:30`);
  await fitsNarrowScreen(page);

  // Submit, then take it back: a draft again, the row can be changed again.
  await cecilia.getByLabel("Jag intygar på heder och samvete").check();
  await cecilia.getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(cecilia.locator(".badge")).toHaveText("Inskickad");
  await expect(cecilia.getByRole("link", { name: /^Ändra/ })).toHaveCount(0);
  await cecilia.getByRole("button", { name: "Ta tillbaka för att rätta" }).click();
  await expect(page.getByRole("status")).toHaveText("Månaden är tillbakatagen och är ett utkast igen. Rätta och skicka in den på nytt.");
  await expect(cecilia.locator(".badge")).toHaveText("Utkast");
  await expect(cecilia.getByRole("link", { name: `Ändra ${month}-24 08:00–13:30` })).toBeVisible();
  await cecilia.getByLabel("Jag intygar på heder och samvete").check();
  await cecilia.getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(cecilia.locator(".badge")).toHaveText("Inskickad");
});
