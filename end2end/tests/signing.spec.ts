// Issue 9: the recipient signs. On a phone, with and without JavaScript: a recipient approves
// one month (password again) and returns another with a reason and a marked row; the assistant
// sees the reason and the mark, fixes and resubmits; the recipient sees what changed and
// approves; a representative acting for two people does the same for each; the administrator
// attests; the representative signs the räkning. axe on every page of the flow; 320 px and
// 200 % text without sideways scrolling. On the desktop, the recipient's flow with the keyboard
// alone.
import AxeBuilder from "@axe-core/playwright";
import { Locator, Page } from "@playwright/test";
import { expect, test, approveMonth, fitsNarrowScreen, login, logout, monthFromNow, PASSWORD, report } from "./helpers";

// Each project its own month (the projects share one database and its demo people).
const MONTH: Record<string, number> = { phone: 0, "phone-no-js": -1, desktop: 1 };

const noJs = () => test.info().project.name.endsWith("no-js");

async function axe(page: Page) {
  if (noJs()) return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}


async function submit(page: Page, recipient: string) {
  const section = page.locator("section.month", { has: page.getByRole("heading", { name: recipient }) });
  await section.getByLabel("Jag intygar på heder och samvete").check();
  await section.getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(section.locator(".badge")).toHaveText("Inskickad");
}

test("recipients and a representative review, return, approve and sign on a phone", async ({ page }, info) => {
  test.skip(info.project.name === "desktop", "the keyboard test covers the desktop");
  test.setTimeout(120_000);
  const month = monthFromNow(MONTH[info.project.name]);

  // Hanna and David report and submit.
  await login(page, "hanna");
  await page.goto(`/assistent?manad=${month}`);
  await report(page, "Bo Berg", `${month}-20`, "08:00", "12:00");
  await submit(page, "Bo Berg");
  await logout(page);
  await login(page, "david");
  await page.goto(`/assistent?manad=${month}`);
  await report(page, "Bo Berg", `${month}-21`, "13:00", "17:00");
  await report(page, "Cecilia Carlsson", `${month}-22`, "08:00", "12:00");
  await report(page, "Elis Ek", `${month}-23`, "08:00", "11:00");
  for (const r of ["Bo Berg", "Cecilia Carlsson", "Elis Ek"]) await submit(page, r);
  await logout(page);

  // Bo: both months wait for him; he approves Hanna's and returns David's with a reason.
  await login(page, "bo");
  const bosMonth = page.locator("section.month", { has: page.getByRole("heading", { name: month }) });
  await expect(bosMonth.getByText("Väntar på dig")).toBeVisible();
  await axe(page);
  await fitsNarrowScreen(page);
  await approveMonth(page, "Hanna Lind", month);
  await expect(page.getByText("Bo Berg (Själv (den som har assistans))")).toBeVisible();
  await axe(page);
  await fitsNarrowScreen(page);
  await page.getByRole("link", { name: "Tillbaka till månaderna" }).click();
  await page.getByRole("link", { name: `Granska David Dahl ${month}` }).click();
  // A wrong password: said at the field, nothing signed.
  await page.getByLabel("Ditt lösenord").fill("fel lösenord");
  await page.getByRole("button", { name: "Godkänn och skriv under" }).click();
  await expect(page.getByLabel("Ditt lösenord")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Lösenordet stämmer inte. Inget är underskrivet.")).toBeVisible();
  await axe(page);
  // Returning needs a reason; the mark and the reason are kept on a refusal.
  await page.getByRole("button", { name: "Returnera till assistenten" }).click();
  await expect(page.getByText("Skriv varför du returnerar tiden")).toBeVisible();
  await page.getByLabel("Skäl till att tiden returneras").fill("Du slutade 16, inte 17.");
  await page.getByLabel(`${month}-21 13:00–17:00 Aktiv tid`).check();
  await page.getByRole("button", { name: "Returnera till assistenten" }).click();
  await expect(page.getByRole("status")).toHaveText("Månaden är returnerad till assistenten.");
  await logout(page);

  // David sees the reason and the marked row, fixes it and submits again.
  await login(page, "david");
  await page.goto(`/assistent?manad=${month}`);
  const bo = page.locator("section.month", { has: page.getByRole("heading", { name: "Bo Berg" }) });
  await expect(bo.getByText("Du slutade 16, inte 17.")).toBeVisible();
  await expect(bo.getByText("Markerad av brukaren")).toBeVisible();
  await bo.getByRole("button", { name: `Ta bort ${month}-21 13:00–17:00` }).click();
  await expect(page.getByRole("status")).toHaveText("Raden är borttagen.");
  await report(page, "Bo Berg", `${month}-21`, "13:00", "16:00");
  await submit(page, "Bo Berg");
  await logout(page);

  // Bo sees what changed and approves.
  await login(page, "bo");
  await page.getByRole("link", { name: `Granska David Dahl ${month}` }).click();
  const changes = page.locator("section.changes");
  await expect(changes.getByText("Ändrad rad")).toBeVisible();
  await expect(changes).toContainText(`${month}-21 13:00–16:00`);
  await axe(page);
  await page.getByRole("link", { name: "Tillbaka till månaderna" }).click();
  await approveMonth(page, "David Dahl", month);
  await logout(page);

  // Eva acts for Cecilia and Elis: whose month is on screen is always said; she approves each.
  await login(page, "eva");
  const people = page.getByRole("navigation", { name: "Personer du företräder" });
  await expect(people.getByRole("link")).toHaveCount(2);
  await people.getByRole("link", { name: "Cecilia Carlsson" }).click();
  await expect(page.getByText("Visar tid för: Cecilia Carlsson")).toBeVisible();
  await axe(page);
  await approveMonth(page, "David Dahl", month);
  await expect(page.getByText("Eva Ek (God man)")).toBeVisible();
  await page.getByRole("link", { name: "Tillbaka till månaderna" }).click();
  await people.getByRole("link", { name: "Elis Ek" }).click();
  await expect(page.getByText("Visar tid för: Elis Ek")).toBeVisible();
  await approveMonth(page, "David Dahl", month);
  await expect(page.getByText("Eva Ek (Vårdnadshavare)")).toBeVisible();
  await logout(page);

  // The municipality attests the approved months.
  await login(page, "admin");
  await page.goto(`/admin?manad=${month}`);
  await page.getByRole("button", { name: "Attestera alla godkända utan fel" }).click();
  await expect(page.getByRole("status")).toContainText("Attesterade tidsredovisningar:");
  await page.getByRole("link", { name: "Granskningslogg" }).click();
  await expect(page.getByText(/Kedjan är hel/)).toBeVisible();
  await axe(page);
  await logout(page);

  // Eva signs Elis's räkning: the answers, then the signature.
  await login(page, "eva");
  await page.getByRole("navigation", { name: "Personer du företräder" }).getByRole("link", { name: "Elis Ek" }).click();
  await page.locator("section.month", { has: page.getByRole("heading", { name: month }) }).getByRole("link", { name: "Räkningen är klar att skriva under" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Räkning till Försäkringskassan ${month}`);
  await expect(page.locator('dd[data-kind="aktiv"]')).toHaveText("3 h 00 min");
  // Elis's personnummer is masked until Eva asks to see it (an audited post), then shown once.
  await expect(page.getByText("20150621-****")).toBeVisible();
  await page.getByRole("button", { name: "Visa hela personnumret" }).click();
  await expect(page.getByText("20150621-2388")).toBeVisible();
  await axe(page);
  await fitsNarrowScreen(page);
  const school = page.getByRole("group", { name: "Gavs assistans under skoltid?" });
  await school.getByLabel("Ja").check();
  await page.getByRole("button", { name: "Spara svaren" }).click();
  await expect(page.getByRole("status")).toHaveText("Svaren är sparade.");
  await page.getByLabel("Ditt lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Skriv under räkningen" }).click();
  await expect(page.getByRole("status")).toHaveText("Räkningen är underskriven. Kommunen skickar den till Försäkringskassan.");
  await expect(page.locator(".signatures").getByText("Eva Ek (Vårdnadshavare)")).toBeVisible();
  await axe(page);
  await logout(page);
});

/** Presses Tab until `target` has the focus (at most 60 times); fails if it never gets it. */
async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`never reached by Tab: ${target}`);
}

test("the recipient's whole flow with the keyboard alone", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "one keyboard run is enough");
  test.setTimeout(90_000);
  const month = monthFromNow(MONTH[info.project.name]);
  // Setup by mouse: Hanna and David submit a month for Bo.
  await login(page, "hanna");
  await page.goto(`/assistent?manad=${month}`);
  await report(page, "Bo Berg", `${month}-14`, "08:00", "12:00");
  await submit(page, "Bo Berg");
  await logout(page);
  await login(page, "david");
  await page.goto(`/assistent?manad=${month}`);
  await report(page, "Bo Berg", `${month}-15`, "08:00", "12:00");
  await submit(page, "Bo Berg");
  await logout(page);

  // Bo, by keyboard only: log in, open Hanna's month, approve with the password.
  await page.goto("/logga-in");
  await tabTo(page, page.getByLabel("Användarnamn"));
  await page.keyboard.type("bo");
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByText("Inloggad som")).toBeVisible();
  await tabTo(page, page.getByRole("link", { name: `Granska Hanna Lind ${month}` }));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByLabel("Ditt lösenord"));
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("Månaden är godkänd.");
  // Back, David's month: return it with a reason and a marked row, by keyboard.
  await tabTo(page, page.getByRole("link", { name: "Tillbaka till månaderna" }));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByRole("link", { name: `Granska David Dahl ${month}` }));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByLabel("Skäl till att tiden returneras"));
  await page.keyboard.type("Fel dag.");
  await tabTo(page, page.getByLabel(`${month}-15 08:00–12:00 Aktiv tid`));
  await page.keyboard.press("Space");
  await tabTo(page, page.getByRole("button", { name: "Returnera till assistenten" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("Månaden är returnerad till assistenten.");
  // The focus is visible where it lands.
  await tabTo(page, page.getByRole("link", { name: "Tillbaka till månaderna" }));
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
  expect(outline).not.toBe("none");
  await axe(page);
});
