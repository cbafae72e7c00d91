// Issue 28: the month's export runs as a background job with progress. The test puts the state a
// server leaves when it stops mid-export into the database (a job of a month, running, its last
// heartbeat a few seconds old, 1 of 2 steps done): the page shows the bar with the numbers beside
// it; BITA takes the job over once the heartbeat is stale and runs it to its end, and the page
// then says how it ended: by itself with JavaScript, by its refresh link without. The month has
// nothing attested, so the end is the refusal "nothing to export" (the archive of a ready month
// is export.spec's and the integration tests').
import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect, test, fitsNarrowScreen, login, monthFromNow } from "./helpers";

const DB = path.resolve(__dirname, "../../target/e2e/bita.db");

async function axe(page: Page) {
  if (test.info().project.name.endsWith("no-js")) return; // axe runs as a script in the page
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

/** What a server that stopped mid-export leaves: the job running, its heartbeat `age` s old. */
function stoppedJob(month: string, age: number): string {
  const sql = `
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10)
t, u = db.execute("SELECT tenant_id, id FROM users WHERE username = 'admin'").fetchone()
now = int(time.time())
cur = db.execute("INSERT INTO export_jobs (tenant_id, month, started_by, state, done, total, started_at, beat_at, runner) VALUES (?, ?, ?, 'running', 1, 2, ?, ?, 'a-server-that-stopped')", (t, sys.argv[2], u, now - 60, now - int(sys.argv[3])))
db.commit()
print(cur.lastrowid)`;
  return execFileSync("python3", ["-c", sql, DB, month, String(age)]).toString().trim();
}

test("the export's progress is shown and its end follows", async ({ page }) => {
  test.setTimeout(60_000);
  const noJs = test.info().project.name.endsWith("no-js");
  const month = monthFromNow(noJs ? 6 : 5);
  await login(page, "admin");
  const id = stoppedJob(month, 5);

  await page.goto(`/admin/export?manad=${month}`);
  await expect(page.getByRole("heading", { name: "Exporten pågår" })).toBeVisible();
  const bar = page.getByRole("progressbar", { name: "Exportens förlopp" });
  await expect(bar).toHaveAttribute("max", "2");
  await expect(bar).toHaveAttribute("value", "1");
  await expect(page.getByText("1 av 2 tidsredovisningar och räkningar klara")).toBeVisible();
  await expect(page.getByRole("button", { name: "Exportera och lås månaden" })).toHaveCount(0);
  await axe(page);
  await fitsNarrowScreen(page);

  const ended = "Det finns ingen attesterad tidsredovisning för månaden att exportera.";
  if (noJs) {
    const refresh = page.getByRole("link", { name: "Uppdatera förloppet" });
    await expect(refresh).toHaveAttribute("href", `/admin/export?manad=${month}&jobb=${id}`);
    for (let i = 0; i < 60 && (await refresh.isVisible()); i++) {
      await page.waitForTimeout(500);
      if (await refresh.isVisible()) await refresh.click();
    }
  }
  // With JavaScript nothing is clicked: the page follows the job and shows its end.
  await expect(page.getByRole("alert")).toHaveText(ended, { timeout: 30_000 });
  await expect(page).toHaveURL(new RegExp(`jobb=${id}$`));
  await expect(page.getByRole("heading", { name: "Exporten pågår" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Exportera och lås månaden" })).toBeVisible();
  await axe(page);
});
