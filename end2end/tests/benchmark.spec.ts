// Issue 29 on a phone (with and without JavaScript) and a desktop: the administrator opens the
// comparison of municipalities from the dashboard, takes part,
// and once the server has computed the figures (every 2 s here, BITA_BENCHMARK_EVERY) sees each
// measure as a chart with its latest month in words; the demo installation has one municipality
// taking part, so the spread over the others is withheld and says so. The CSV downloads. axe
// on the page, nothing wider than 320 px. On the desktop the municipality leaves at the end.
import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import * as fs from "node:fs";
import { expect, test, fitsNarrowScreen, login } from "./helpers";

const noJs = () => test.info().project.name.endsWith("no-js");

async function axe(page: Page) {
  if (noJs()) return;
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

test("an administrator takes part in the comparison and sees the charts", async ({ page }, info) => {
  test.setTimeout(90_000);
  await login(page, "admin");
  await page.getByRole("link", { name: "Jämför kommuner" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Jämför kommuner" })).toBeVisible();
  await axe(page);
  const join = page.getByRole("button", { name: "Delta i jämförelsen" });
  if (await join.isVisible()) {
    await expect(page.getByText("Er kommun deltar inte.")).toBeVisible();
    await join.click();
    await expect(page.getByRole("status")).toHaveText("Er kommun deltar nu. Era siffror räknas fram inom en timme.");
  }
  // The server computes the figures in the background: the page says when they were.
  const computed = page.getByText("Era siffror räknades senast fram:");
  for (let i = 0; i < 60 && !(await computed.isVisible()); i++) {
    await page.waitForTimeout(500);
    await page.goto("/admin/jamforelse");
  }
  await expect(computed).toBeVisible();
  await expect(page.getByText("Kommuner som deltar: 1")).toBeVisible();
  const chart = page.getByRole("img", { name: /^Rader inskrivna för hand/ });
  await expect(chart).toBeVisible();
  const card = page.locator("section.bm-measure", { has: chart });
  // The latest month in words, the spread withheld (one municipality takes part).
  await expect(card.locator("p", { hasText: /; Visas inte: färre än fem kommuner/ })).toBeVisible();
  await expect(card.getByRole("table")).toHaveCount(1);
  await expect(page.getByRole("img", { name: /^Fynd per 1 000 rader: V3 Rader och överlapp/ })).toBeVisible();
  await axe(page);
  await fitsNarrowScreen(page);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Ladda ner siffrorna (CSV)" }).click()]);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe("matt;manad;egen;antal_kommuner;nedre_kvartil;median;ovre_kvartil");
  expect(csv).toMatch(/\r\nrows_typed;\d{4}-\d{2};[\d,]*;1;;;\r\n/);

  if (info.project.name === "desktop") {
    await page.getByRole("button", { name: "Sluta delta" }).click();
    await expect(page.getByRole("status")).toHaveText("Er kommun deltar inte längre, och era siffror är borttagna.");
    await expect(page.getByRole("img", { name: /^Rader inskrivna för hand/ })).toHaveCount(0);
  }
});
