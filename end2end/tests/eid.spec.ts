// Sign-in with e-legitimation through the test OpenID Provider (end2end/oidc/provider.mjs,
// npm oidc-provider), on a phone with and without JavaScript: the flow is plain links,
// redirects and forms. Provstad kommun gets the provider (the other specs use Exempelby).
import AxeBuilder from "@axe-core/playwright";
import { expect, test, login, logout } from "./helpers";

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

test("the municipality adds its provider and an assistant signs in with e-legitimation", async ({ page }, info) => {
  const js = info.project.use.javaScriptEnabled !== false;
  await login(page, "admin.provstad");
  await page.goto("/admin/inloggning");
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
    await page.getByLabel("Scopes (utöver openid)").fill("profile pnr");
    await page.getByLabel("Claim med personnummer").fill("https://id.oidc.se/claim/personalIdentityNumber");
    await page.getByLabel("Starka acr-värden (mellanslag emellan)").fill("http://id.elegnamnden.se/loa/1.0/loa3");
    await page.getByRole("button", { name: "Lägg till leverantör" }).click();
    await expect(page.getByRole("status").first()).toContainText("Leverantören är tillagd");
  }
  await expect(page.locator("main")).not.toContainText("bita-test-secret");
  if (js) await axe(page);
  await narrow(page, `eid-admin-${info.project.name}`);
  await logout(page);

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
