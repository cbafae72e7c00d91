// With JavaScript, the add-row form checks as you type with the same domain rules as the server.
import { expect, test, login } from "./helpers";

test("the form explains a bad end time before it is sent, and shows the duration", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "needs JavaScript");
  await login(page, "anna");
  await page.waitForLoadState("networkidle");
  const form = page.locator("form.row-form");
  await form.getByLabel("Brukare").selectOption({ label: "Cecilia Carlsson" });
  await form.getByLabel("Från").fill("22:00");
  await form.getByLabel("Till").fill("07:00");
  await expect(page.locator("#err-end")).toContainText("Slutar passet efter midnatt?");
  await form.getByLabel("Passet slutar nästa dag").check();
  await expect(page.locator("#err-end")).toBeEmpty();
  await expect(form.locator(".duration")).toContainText("9 h 00 min");
});

test("the rules engine runs in the browser and names the rule", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "needs JavaScript");
  await login(page, "anna");
  await page.waitForLoadState("networkidle");
  const form = page.locator("form.row-form");
  await form.getByLabel("Brukare").selectOption({ label: "Bo Berg" });
  await form.getByLabel("Från").fill("18:00");
  await form.getByLabel("Till").fill("22:00");
  await form.getByLabel("Beredskap").check();
  // Bo's decision grants waiting time but not standby: V4, before anything is sent.
  await expect(form.locator(".live-findings")).toContainText("V4 Fel: Beslutet ger inte beredskap");
  await form.getByLabel("Väntetid").check();
  await expect(form.locator(".live-findings")).toBeEmpty();
});

test("a time in the repeated autumn hour asks which one, and the answer sets the duration", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "needs JavaScript");
  await login(page, "anna");
  await page.waitForLoadState("networkidle");
  const form = page.locator("form.row-form");
  await form.getByLabel("Brukare").selectOption({ label: "Cecilia Carlsson" });
  await form.getByLabel("Datum").fill("2026-10-25");
  await form.getByLabel("Från").fill("00:00");
  await form.getByLabel("Till").fill("02:30");
  const which = form.getByLabel("Klockan 02–03 gick två gånger den natten. Vilken gång?");
  await expect(which).toBeVisible();
  await which.selectOption("winter");
  // 00:00 summer time to the second 02:30 (winter time) is 3 h 30 of real time.
  await expect(form.locator(".duration")).toContainText("3 h 30 min");
  await which.selectOption("summer");
  await expect(form.locator(".duration")).toContainText("2 h 30 min");
});
