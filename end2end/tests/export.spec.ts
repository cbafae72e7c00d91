// Issue 10: month-end out of BITA. An administrator uploads FK's forms (samples with FK's field
// names; BITA does not ship FK's own), exports a month that passed every signature and
// downloads the archive. The test unzips it, checks the manifest and its signature with
// `server verify`, validates the PAXml against the PAXml 2.0 schema, reads the text of the
// 3059 and 3057 PDFs and of the filled FK forms, and renders a PDF page to PNG. A month that
// fails preflight is refused first, with links to the fixes.
import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, test, approveMonth, login, logout, monthFromNow, PASSWORD, report, exportMonth } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");
const SERVER = path.resolve(ROOT, process.env.BITA_SERVER_BIN ?? "target/debug/server");
const OUT = path.join(ROOT, "target/e2e/export");

async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

const text = (file: string) => execFileSync("pdftotext", ["-layout", file, "-"]).toString();

test("an administrator exports a month and the archive checks out", async ({ page }) => {
  test.setTimeout(180_000);
  // Three months ahead: no other test reports there (the whole month must pass preflight).
  const month = monthFromNow(3);
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });

  // David reports for Elis and submits.
  await login(page, "david");
  await page.goto(`/assistent?manad=${month}`);
  await report(page, "Elis Ek", `${month}-02`, "08:00", "12:00");
  await report(page, "Elis Ek", `${month}-03`, "14:00", "17:30");
  const section = page.locator("section.month", { has: page.getByRole("heading", { name: "Elis Ek" }) });
  await section.getByLabel("Jag intygar på heder och samvete").check();
  await section.getByRole("button", { name: "Skicka in månaden" }).click();
  await expect(section.locator(".badge")).toHaveText("Inskickad");
  await logout(page);

  // Not approved yet: the export is refused, each reason linking to where it is fixed.
  await login(page, "admin");
  await page.goto(`/admin/export?manad=${month}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Export till Försäkringskassan och lön ${month}`);
  await axe(page);
  await page.getByRole("button", { name: "Exportera och lås månaden" }).click();
  await expect(page.getByRole("alert")).toContainText("Exporten stoppades");
  const reasons = page.locator("section.card", { has: page.getByRole("heading", { name: "Det här hindrar export" }) });
  await expect(reasons.getByText(/David Dahl – Elis Ek: inskickad/)).toBeVisible();
  await expect(reasons.getByRole("link", { name: "Räkning" })).toHaveAttribute("href", new RegExp(`/admin/rakning\\?person=\\d+&manad=${month}`));
  await logout(page);

  // Eva approves for Elis; the municipality attests; Eva signs the räkning.
  await login(page, "eva");
  await page.getByRole("navigation", { name: "Personer du företräder" }).getByRole("link", { name: "Elis Ek" }).click();
  await approveMonth(page, "David Dahl", month);
  await logout(page);
  await login(page, "admin");
  await page.goto(`/admin?manad=${month}`);
  await page.getByRole("button", { name: "Attestera alla godkända utan fel" }).click();
  await expect(page.getByRole("status")).toContainText("Attesterade tidsredovisningar:");
  await logout(page);
  await login(page, "eva");
  await page.goto(`/brukare/rakning?person=${await elisId(page)}&manad=${month}`);
  await page.getByRole("group", { name: "Gavs assistans under skoltid?" }).getByLabel("Ja").check();
  await page.getByRole("button", { name: "Spara svaren" }).click();
  await expect(page.getByRole("status")).toHaveText("Svaren är sparade.");
  await page.getByLabel("Ditt lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Skriv under räkningen" }).click();
  await expect(page.getByRole("status")).toHaveText("Räkningen är underskriven. Kommunen skickar den till Försäkringskassan.");
  await logout(page);

  // The administrator uploads FK's forms and exports.
  await login(page, "admin");
  await page.goto(`/admin/export?manad=${month}`);
  await expect(page.getByText("Inga fel hindrar export.")).toBeVisible();
  for (const kind of ["3059", "3057"]) {
    const sample = path.join(OUT, `fk${kind}-blank.pdf`);
    execFileSync(SERVER, ["form", "sample", kind, sample]);
    await page.getByLabel(`FK ${kind}`).check();
    await page.getByLabel("Tom blankett (PDF)").setInputFiles(sample);
    await page.getByRole("button", { name: "Ladda upp blanketten" }).click();
    await expect(page.getByRole("status")).toHaveText("Blanketten är sparad och har alla fält som behövs.");
  }
  await exportMonth(page);
  await expect(page.getByRole("status")).toHaveText("Månaden är exporterad och låst. Arkivet finns nedan.");
  await axe(page);
  const publicKey = (await page.locator("#public-key").textContent())!.trim();
  expect(publicKey).toMatch(/^[0-9a-f]{64}$/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Ladda ner version 1" }).click()]);
  const zip = path.join(OUT, "arkiv.zip");
  await download.saveAs(zip);

  // `server verify` checks the manifest's signature with the key the admin page shows.
  const verify = spawnSync(SERVER, ["verify", zip], { env: { ...process.env, BITA_VERIFY_PUBLIC_KEY: publicKey } });
  expect(verify.stdout.toString()).toContain("OK: the signature and every file match");
  expect(verify.status).toBe(0);

  // Unzipped: the manifest lists every file.
  const dir = path.join(OUT, "arkiv");
  execFileSync("python3", ["-m", "zipfile", "-e", zip, dir]);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  expect(manifest.month).toBe(month);
  expect(manifest.municipality.name).toBe("Exempelby kommun");
  const files: string[] = manifest.files.map((f: { path: string }) => f.path);
  const one = (re: RegExp) => path.join(dir, files.find((f) => re.test(f))!);

  // The payroll file is valid PAXml 2.0.
  const schema = path.join(ROOT, "export/tests/data/paxml-2.0.xsd");
  const lint = spawnSync("xmllint", ["--noout", "--schema", schema, path.join(dir, "lon/paxml.xml")]);
  expect(lint.stderr.toString()).toContain("validates");
  expect(lint.status).toBe(0);

  // The 3059 in FK's ELT shape, the PDF records with the right names and totals.
  const xml = fs.readFileSync(one(/^fk3059\/.*\.xml$/), "utf8");
  expect(xml).toContain("<Tidredovisning xmlns=\"http://schema.forsakringskassan.se/integration/isassistansersattning/tidredovisning/1\">");
  expect(xml).toContain("<fornamn>David</fornamn><efternamn>Dahl</efternamn>");
  const pdf3059 = text(one(/^fk3059\/.*-\d+\.pdf$/));
  expect(pdf3059).toContain("Elis Ek");
  expect(pdf3059).toContain("David Dahl");
  expect(pdf3059).toMatch(/Aktiv tid\s+7\s+30/);
  const pdf3057 = text(one(/^fk3057\/.*-\d+\.pdf$/));
  expect(pdf3057).toContain("Räkning – assistansersättning");
  expect(pdf3057).toMatch(/Aktiv tid\s+7\s+30/);
  expect(pdf3057).toContain("Eva Ek");
  // FK's forms, filled in and flattened: the values are on the page.
  const form3059 = text(one(/^fk3059\/.*\.fk-blankett\.pdf$/));
  expect(form3059).toContain("201506212388");
  expect(form3059).toContain("08.00");
  const form3057 = text(one(/^fk3057\/.*\.fk-blankett\.pdf$/));
  expect(form3057).toContain("Elis Ek");

  // A page of the 3059 record as an image, to look at.
  execFileSync("pdftoppm", ["-r", "70", "-png", "-f", "1", "-l", "2", one(/^fk3059\/.*-\d+\.pdf$/), path.join(OUT, "fk3059")]);
  expect(fs.existsSync(path.join(OUT, "fk3059-1.png"))).toBe(true);

  // Anyone can check an archive on the public page; a changed file is named.
  const changed = path.join(OUT, "andrad.zip");
  fs.writeFileSync(path.join(dir, "lon/tidrader.csv"), fs.readFileSync(path.join(dir, "lon/tidrader.csv"), "utf8").replace("aktiv", "AKTIV"));
  execFileSync("python3", ["-c", "import os,sys,zipfile\nd,z=sys.argv[1],zipfile.ZipFile(sys.argv[2],'w')\nfor r,_,fs in os.walk(d):\n  for f in fs:\n    p=os.path.join(r,f); z.write(p,os.path.relpath(p,d))\nz.close()", dir, changed]);
  await logout(page);
  await page.goto("/verifiera");
  await page.getByLabel("Arkiv (ZIP)").setInputFiles(changed);
  await page.getByRole("button", { name: "Kontrollera" }).click();
  await expect(page.getByRole("heading", { name: "Arkivet stämmer inte:" })).toBeVisible();
  await expect(page.getByText("Ändrad (kontrollsumman stämmer inte): lon/tidrader.csv")).toBeVisible();
  await axe(page);
  await page.getByLabel("Arkiv (ZIP)").setInputFiles(zip);
  await page.getByRole("button", { name: "Kontrollera" }).click();
  await expect(page.getByRole("heading", { name: "Arkivet är oförändrat: signaturen och alla filer stämmer." })).toBeVisible();
});

/** Elis's id, from the representative's switch of people. */
async function elisId(page: Page): Promise<string> {
  const href = await page.getByRole("navigation", { name: "Personer du företräder" }).getByRole("link", { name: "Elis Ek" }).getAttribute("href");
  return new URL(href!, "http://x").searchParams.get("person")!;
}
