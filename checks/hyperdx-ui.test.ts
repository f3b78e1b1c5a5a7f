// What the user sees: open HyperDX, land on the Logs search without configuring
// anything, search `random_string:gamma` and get live rows from ClickHouse.
// Headless Chromium driven by playwright-core. Needs a running UI:
//   HYPERDX_URL   the UI's origin as the browser reaches it, e.g. http://localhost:28080
//   CHROMIUM      the browser binary (default: chromium on PATH, then /usr/bin/chromium)
//   HYPERDX_SCREENSHOT  optional: where to save a screenshot of the result
// The page's ClickHouse (its default connection) must be reachable from the browser and
// hold loggen rows: with `nix run .#vm` up, HYPERDX_URL=http://localhost:28080 is the
// pipeline itself. (The NixOS VM test checks the served page with curl; it does not run
// this browser test, which would need Chromium and the host-port mapping inside the test VM.)
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { hyperdxDefaults } from "../gen/hyperdx/defaults.ts";
import { loadModel } from "../gen/model/model.ts";
import { findBinary } from "./binaries.ts";

const ROOT = join(import.meta.dirname, "..");
const hyperdxUrl = process.env["HYPERDX_URL"]?.replace(/\/+$/, "");

/** CHROMIUM (a path or name), else chromium or chromium-browser on PATH, else Debian's. */
const findChromium = (): string | undefined =>
  findBinary(process.env["CHROMIUM"]) ?? findBinary("chromium") ?? findBinary("chromium-browser") ?? findBinary("/usr/bin/chromium");

const chromiumPath = findChromium();
const skip =
  hyperdxUrl === undefined
    ? "HYPERDX_URL is not set (e.g. http://localhost:28080 with the VM running; see docs/hyperdx.md)"
    : chromiumPath === undefined
      ? "no chromium (set CHROMIUM)"
      : false;
if (skip !== false) console.log(`SKIP: HyperDX UI check: ${skip}`);

// The names the generated defaults give the source and connection.
const defaults = hyperdxDefaults(loadModel(ROOT));
const logs = defaults.sources[0];
const connection = defaults.connections[0];

describe("HyperDX UI in headless Chromium", { skip, timeout: 240_000 }, () => {
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];

  before(async () => {
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "hyperdx-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath ?? "",
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("requestfailed", (r) => pageErrors.push(`${r.url()}: ${r.failure()?.errorText ?? "failed"}`));
  });
  after(async () => {
    await context?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it("lands on the Logs search with nothing to configure", async () => {
    assert.ok(logs && connection);
    await page.goto(`${hyperdxUrl}/`);
    await page.waitForURL(/\/search/, { timeout: 60_000 });
    await page.getByTestId("search-input").waitFor({ timeout: 60_000 });
    // The source picker shows the generated Logs source, already chosen.
    const picker = page.getByTestId("source-selector");
    await picker.waitFor();
    await page.waitForFunction(
      (name) => (document.querySelector('[data-testid="source-selector"]') as HTMLInputElement | null)?.value === name,
      logs.name,
      { timeout: 30_000 },
    );
    // The page knows the generated connection (its ClickHouse URL comes from /__ENV.js).
    const env = await page.evaluate(() => (window as unknown as { __ENV?: Record<string, string> }).__ENV);
    assert.deepEqual(JSON.parse(env?.["NEXT_PUBLIC_HDX_LOCAL_DEFAULT_CONNECTIONS"] ?? "[]"), defaults.connections);
  });

  it("searches random_string:gamma and shows rows from ClickHouse", async () => {
    const rows = page.locator('[data-testid^="table-row-"]');
    // Logs arrive continuously; retry the search until rows show (first start can be slow).
    const deadline = Date.now() + 180_000;
    let found = 0;
    while (Date.now() < deadline) {
      await page.getByTestId("search-input").fill("random_string:gamma");
      await page.keyboard.press("Escape");
      await page.getByTestId("search-submit-button").click();
      try {
        await rows.first().waitFor({ timeout: 15_000 });
        found = await rows.count();
        if (found > 0) break;
      } catch {
        // no rows yet
      }
    }
    const save = process.env["HYPERDX_SCREENSHOT"];
    if (save !== undefined && save !== "") await page.screenshot({ path: save });
    assert.ok(found > 0, `no rows for random_string:gamma; failed requests: ${pageErrors.slice(-5).join("; ")}`);
    // Every row shown is a gamma row, and the demo columns are in the table.
    const texts = await rows.allInnerTexts();
    for (const t of texts.slice(0, 20)) assert.match(t, /gamma/, `row without gamma: ${t}`);
    const panel = await page.getByTestId("search-results-panel").innerText();
    for (const column of ["RandomString", "RandomNumber", "Count"]) assert.ok(panel.includes(column), `column ${column} not shown`);
  });
});
