// Sign-in with e-legitimation through the test OpenID Provider (end2end/oidc/provider.mjs,
// npm oidc-provider), on a phone with and without JavaScript: the flow is plain links,
// redirects and forms. Provstad kommun gets the provider (the other specs use Exempelby) and
// asks for e-legitimation for the administrator's pages, signing and the attestation; then it
// runs a whole month without a BITA password.
import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import * as path from "node:path";
import { expect, test, login, logout, monthFromNow, PASSWORD, report, exportMonth } from "./helpers";

const ISSUER = `http://127.0.0.1:${process.env.BITA_E2E_OIDC_PORT ?? "3199"}`;

async function axe(page: import("@playwright/test").Page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

async function narrow(page: import("@playwright/test").Page, shot: string) {
  await page.setViewportSize({ width: 320, height: 800 });
  const wide = await page.evaluate(() => [...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.tagName + "." + e.className));
  expect(wide).toEqual([]);
  await page.screenshot({ path: `../target/e2e/${shot}.png`, fullPage: true });
}


/** At the test provider's page: who, at the strong level (BankID). */
async function identify(page: Page, who: string) {
  await expect(page.getByRole("heading", { name: "Test-e-legitimation" })).toBeVisible();
  await page.getByLabel("Vem är du?").fill(who);
  await page.getByRole("button", { name: "Legitimera" }).click();
}

/** Signs in at Provstad's own sign-in page with the test e-legitimation. */
async function signIn(page: Page, who: string) {
  await page.goto("/logga-in/provstad");
  await page.getByRole("link", { name: /Test-BankID/ }).click();
  await identify(page, who);
  await expect(page.getByText("Inloggad som")).toBeVisible();
}

/** Each person on their own phone: nothing of the previous one's sessions (BITA's and the
 * provider's) is left. */
async function nextPerson(page: Page) {
  await page.context().clearCookies();
}

/** Where a password session is asked to step up: Per identifies himself and is back. */
async function stepUpIfAsked(page: Page) {
  if (!/\/logga-in\?till=/.test(page.url())) return;
  await expect(page.getByRole("heading", { name: "Legitimera dig med e-legitimation" })).toBeVisible();
  await page.getByRole("link", { name: /Test-BankID/ }).click();
  await identify(page, "per");
  await expect(page).not.toHaveURL(/\/logga-in/);
}

test("the municipality adds its provider and an assistant signs in with e-legitimation", async ({ page }, info) => {
  const js = info.project.use.javaScriptEnabled !== false;
  // Per signs in with his BITA password (this is how the provider gets there).
  await page.goto("/logga-in");
  await page.getByLabel("Användarnamn").fill("admin.provstad");
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.goto("/admin/inloggning");
  // Once Provstad asks for e-legitimation for its administrator's pages, the password session
  // steps up first, and returns here.
  await stepUpIfAsked(page);
  await expect(page.getByRole("heading", { name: "Inloggning och e-legitimation" })).toBeVisible();
  if (!(await page.getByText("Test-BankID").count())) {
    // A refused form keeps what was typed, never the secret.
    await page.getByLabel("Namn som visas på inloggningssidan").fill("Test-BankID");
    await page.getByLabel("Utfärdare (issuer)").fill("http://eid.example.se");
    await page.getByLabel("Klient-id").fill("bita");
    await page.getByLabel("Klienthemlighet").fill("bita-test-secret");
    await page.getByRole("button", { name: "Lägg till leverantör" }).click();
    await expect(page.locator("#err-idp_issuer")).toContainText("https://");
    await expect(page.getByLabel("Klient-id")).toHaveValue("bita");
    await expect(page.getByLabel("Klienthemlighet")).toHaveValue("");
    if (js) await axe(page);
    await page.getByLabel("Utfärdare (issuer)").fill(ISSUER);
    await page.getByLabel("Klienthemlighet").fill("bita-test-secret");
    await page.getByLabel("Scopes (utöver openid)").fill("profile email pnr");
    await page.getByLabel("Claim med personnummer").fill("https://id.oidc.se/claim/personalIdentityNumber");
    await page.getByLabel("Claim som kopplar personal (e-post)").fill("email");
    await page.getByLabel("Starka acr-värden (mellanslag emellan)").fill("http://id.elegnamnden.se/loa/1.0/loa3");
    await page.getByRole("button", { name: "Lägg till leverantör" }).click();
    await expect(page.getByRole("status").first()).toContainText("Leverantören är tillagd");
  }
  await expect(page.locator("main")).not.toContainText("bita-test-secret");
  if (js) await axe(page);
  await narrow(page, `eid-admin-${info.project.name}`);
  // What needs e-legitimation in Provstad.
  for (const what of ["administratörens sidor", "signering (godkännande och räkning)", "assistentens intygande på heder och samvete"]) {
    await page.getByLabel(what).check();
  }
  await page.getByRole("button", { name: "Spara inställningarna" }).click();
  await stepUpIfAsked(page);
  await expect(page.getByLabel("assistentens intygande på heder och samvete")).toBeChecked();
  await nextPerson(page);

  // The picker leads to the municipality's own sign-in page.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/logga-in");
  await page.getByRole("link", { name: "Provstad kommun" }).click();
  await expect(page).toHaveURL(/\/logga-in\/provstad$/);
  if (js) await axe(page);
  await narrow(page, `eid-login-${info.project.name}`);
  await page.getByRole("link", { name: /Test-BankID/ }).click();

  // At the provider: Frida identifies herself; she lands on her own page, signed in.
  await page.getByLabel("Vem är du?").fill("frida");
  await page.getByRole("button", { name: "Legitimera" }).click();
  await expect(page).toHaveURL(/\/assistent/);
  await expect(page.getByText("Inloggad som")).toBeVisible();
  await expect(page.locator("body")).toContainText("Frida Falk");
  // Signing out ends BITA's session and goes by the provider's sign-out (its confirmation).
  await page.getByRole("button", { name: "Logga ut" }).click();
  await expect(page).toHaveURL(new RegExp(`^${ISSUER}/session/end`));
  await page.goto("/assistent");
  await expect(page).toHaveURL(/\/logga-in/);
});

test("Provstad runs a whole month without a BITA password", async ({ page }, info) => {
  test.setTimeout(150_000);
  // Each project its own month (they share the database); no other spec reports in Provstad.
  const month = monthFromNow(info.project.name === "phone" ? 2 : 4);

  // Frida reports two shifts and attests the month, signing with e-legitimation.
  await signIn(page, "frida");
  await page.goto(`/assistent?manad=${month}`);
  await report(page, "Gustav Gran", `${month}-10`, "08:00", "12:00");
  await report(page, "Gustav Gran", `${month}-11`, "13:00", "16:30");
  const section = page.locator("section.month", { has: page.getByRole("heading", { name: "Gustav Gran" }) });
  // Provstad asks for e-legitimation: the checkbox alone is not offered.
  await expect(section.getByRole("button", { name: "Skicka in månaden" })).toHaveCount(0);
  await section.getByLabel("Jag intygar på heder och samvete").check();
  await section.getByRole("button", { name: "Skicka in och signera med e-legitimation" }).click();
  await identify(page, "frida");
  await expect(page.getByRole("status")).toHaveText("Månaden är inskickad till brukaren för godkännande.");
  await expect(section.locator(".badge")).toHaveText("Inskickad");
  await nextPerson(page);

  // Gustav approves with e-legitimation bound to the document he saw.
  await signIn(page, "gustav");
  await page.getByRole("link", { name: `Granska Frida Falk ${month}` }).click();
  await expect(page.getByLabel("Ditt lösenord")).toHaveCount(0);
  await page.getByRole("button", { name: "Signera med e-legitimation" }).click();
  await identify(page, "gustav");
  await expect(page.getByRole("status")).toHaveText("Månaden är godkänd.");
  await expect(page.locator("main")).toContainText("19570704-****");
  await nextPerson(page);

  // Per, the administrator, signed in strongly, attests.
  await signIn(page, "per");
  await page.goto(`/admin?manad=${month}`);
  await page.getByRole("button", { name: "Attestera alla godkända utan fel" }).click();
  await expect(page.getByRole("status")).toContainText("Attesterade tidsredovisningar: 1");
  await nextPerson(page);

  // Gustav signs the räkning with e-legitimation.
  await signIn(page, "gustav");
  await page.locator("section.month", { has: page.getByRole("heading", { name: month }) }).getByRole("link", { name: "Räkningen är klar att skriva under" }).click();
  await page.getByRole("button", { name: "Spara svaren" }).click();
  await expect(page.getByRole("status")).toHaveText("Svaren är sparade.");
  await page.getByRole("button", { name: "Signera med e-legitimation" }).click();
  await identify(page, "gustav");
  await expect(page.getByRole("status")).toHaveText("Räkningen är underskriven. Kommunen skickar den till Försäkringskassan.");
  await nextPerson(page);

  // Per exports; the archive's check lists each signature, its kind and its evidence.
  await signIn(page, "per");
  await page.goto(`/admin/export?manad=${month}`);
  await expect(page.getByText("Inga fel hindrar export.")).toBeVisible();
  await exportMonth(page);
  await expect(page.getByRole("status")).toHaveText("Månaden är exporterad och låst. Arkivet finns nedan.");
  const publicKey = (await page.locator("#public-key").textContent())!.trim();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Ladda ner version 1" }).click()]);
  const zip = path.resolve(__dirname, `../../target/e2e/provstad-${info.project.name}.zip`);
  await download.saveAs(zip);
  await nextPerson(page);
  await page.goto("/verifiera");
  await page.getByLabel("Arkiv (ZIP)").setInputFiles(zip);
  await page.getByRole("button", { name: "Kontrollera" }).click();
  await expect(page.getByRole("heading", { name: "Arkivet är oförändrat: signaturen och alla filer stämmer." })).toBeVisible();
  const result = page.locator("#verify-result-card");
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  for (const [what, who, pnr] of [["Intygande på heder och samvete", "Frida Falk", "19920228-****"], ["Godkännande", "Gustav Gran", "19570704-****"], ["Räkning", "Gustav Gran", "19570704-****"]]) {
    const line = new RegExp(`^${escape(`${what}: ${who}, `)}.*${escape(`: med e-legitimation (${pnr}) genom ${ISSUER}, beviset håller`)}$`);
    await expect(result.getByText(line)).toBeVisible();
  }
  await expect(result).not.toContainText("med lösenord");
  if (info.project.use.javaScriptEnabled !== false) await axe(page);
  // `server verify` says the same, with the key the export page showed.
  const server = path.resolve(__dirname, "../..", process.env.BITA_SERVER_BIN ?? "target/debug/server");
  const verify = spawnSync(server, ["verify", zip], { env: { ...process.env, BITA_VERIFY_PUBLIC_KEY: publicKey } });
  const out = verify.stdout.toString();
  expect(out).toContain("OK: the signature and every file match");
  expect(out.match(/with e-legitimation by .* the evidence holds/g)?.length).toBe(3);
});

/** The code an authenticator app shows for a base32 key at `unix` seconds (RFC 6238: SHA-1,
 * 6 digits, 30-second steps), computed here independently of BITA. */
function appCode(key: string, unix: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...key.replace(/\s/g, "")].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  const secret = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unix / 30)));
  const h = createHmac("sha1", secret).update(counter).digest();
  const at = h[h.length - 1] & 15;
  return String((h.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

test("Gustav adds a second factor with a QR code and signs in with his password and a code", async ({ page }, info) => {
  const js = info.project.use.javaScriptEnabled !== false;
  await login(page, "gustav");
  await page.getByRole("link", { name: "Tvåstegsverifiering" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tvåstegsverifiering" })).toBeVisible();
  await page.getByRole("button", { name: "Slå på tvåstegsverifiering" }).click();
  await expect(page.getByRole("img", { name: "QR-kod för autentiseringsappen" })).toBeVisible();
  if (js) await axe(page);
  await narrow(page, `otp-enrol-${info.project.name}`);
  const key = (await page.locator("code.secret").textContent())!;
  await page.getByLabel("Koden från appen (6 siffror)").fill(appCode(key, Date.now() / 1000));
  await page.getByRole("button", { name: "Bekräfta och slå på" }).click();
  await expect(page.getByRole("status")).toHaveText("Tvåstegsverifiering är påslagen.");
  const codes = page.locator(".codes code");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent())!;
  if (js) await axe(page);
  await logout(page);

  // The password, then the code the app shows next.
  await page.goto("/logga-in");
  await page.getByLabel("Användarnamn").fill("gustav");
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await expect(page.getByRole("heading", { name: "Engångskod" })).toBeVisible();
  await page.getByLabel("Koden från appen (6 siffror)").fill("000000");
  await page.getByRole("button", { name: "Fortsätt" }).click();
  await expect(page.getByRole("alert")).toContainText("Koden stämmer inte");
  if (js) await axe(page);
  await page.getByLabel("Koden från appen (6 siffror)").fill(appCode(key, Date.now() / 1000 + 30));
  await page.getByRole("button", { name: "Fortsätt" }).click();
  await expect(page.getByText("Inloggad som")).toBeVisible();

  // Turned off again with a recovery code (the other projects' runs start from scratch).
  await page.getByRole("link", { name: "Tvåstegsverifiering" }).click();
  await page.getByLabel("Kod från appen eller en reservkod").fill(recovery);
  await page.getByRole("button", { name: "Stäng av tvåstegsverifiering" }).click();
  await expect(page.getByRole("status")).toHaveText("Tvåstegsverifiering är avstängd.");
  await logout(page);
});
