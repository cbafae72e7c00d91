import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium, never a downloaded browser. The flags keep it off this closed network.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
  ],
};
const port = Number(process.env.BITA_E2E_PORT ?? 3100);
const oidcPort = Number(process.env.BITA_E2E_OIDC_PORT ?? 3199);

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  // A cold CI machine (2 cores) compiles the wasm more slowly than a warm workstation.
  expect: { timeout: process.env.CI ? 10_000 : 5_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? "line" : "list",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "sv-SE",
    timezoneId: "Europe/Stockholm",
    trace: "off",
  },
  projects: [
    { name: "phone", testIgnore: /a11y_i18n|export/, use: { ...devices["Pixel 5"], viewport: { width: 390, height: 844 }, launchOptions: chromium } },
    { name: "phone-no-js", testIgnore: /a11y_i18n|live|export/, use: { ...devices["Pixel 5"], viewport: { width: 390, height: 844 }, javaScriptEnabled: false, launchOptions: chromium } },
    { name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions: chromium }, testMatch: /a11y_i18n|journey|signing|export|benchmark|api/ },
    { name: "desktop-no-js", use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions: chromium }, testMatch: /journey/ },
  ],
  webServer: [{
    // The server binary the test build made (scripts/test.sh), on a fresh database with demo data.
    command: process.env.BITA_SERVER_BIN ?? "target/debug/server",
    cwd: "..",
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    env: {
      DATABASE_URL: "sqlite://target/e2e/bita.db",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: "target/site",
      BITA_LOG: "warn",
      BITA_DEMO_DATA: "1",
      BITA_ARCHIVE_KEY: "target/e2e/archive-signing.key",
      // The tests report up to three months ahead, and on the next night summer time ends
      // (up to eleven months away): allow planned shifts that far ahead.
      BITA_ROW_HORIZON_DAYS: "400",
      // The municipalities' comparison computed every 2 s, not every 10 minutes (benchmark.spec).
      BITA_BENCHMARK_EVERY: "2",
    },
  }, {
    // The test OpenID Provider (npm oidc-provider) for sign-in with e-legitimation (eid.spec).
    command: `node oidc/provider.mjs ${oidcPort}`,
    url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  }],
});
