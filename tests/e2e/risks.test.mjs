// Browser tests of the registers' pages, on tests/fixtures/risks (six risks, two exceptions, a
// plan): the register sorts and filters from file://, and every page passes axe and the Nu
// HTML checker. Run from tests/e2e with `npm test` after `cargo build`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const bin = process.env.POLICYBOOK_BIN || path.join(repo, "target/debug/policybook");
const artifacts = path.join(here, "artifacts");
let work, site, browser;

const pages = {
  register: "risks.html",
  risk: "risks/R-002.html",
  "risk-plan": "risks/treatment-plan.html",
  "risk-exceptions": "risks/exceptions.html",
  "control-risks": "controls/A.5.15.html",
  "document-risks": "docs/policy.html",
  "soa-risks": "soa.html",
  "traceability-risks": "traceability/risks.html",
};

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "policybook-e2e-risks-"));
  const book = path.join(work, "book");
  fs.cpSync(path.join(repo, "tests/fixtures/risks"), book, { recursive: true });
  site = path.join(work, "site");
  const r = spawnSync(bin, ["build", "--as-of", "2026-11-22", "-d", site], { cwd: book, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  fs.mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  if (browser) { await browser.close(); }
  fs.rmSync(work, { recursive: true, force: true });
});

const url = (file) => pathToFileURL(path.join(site, file)).href;
const ids = (page) => page.$$eval("#risk-register tbody tr:not([hidden]) td.id", (cells) => cells.map((c) => c.textContent.trim()));

test("the register sorts by a clicked header and filters by owner, treatment and level, from file://", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") { errors.push(m.text()); } });
  await page.goto(url("risks.html"));
  assert.deepEqual(await ids(page), ["R-001", "R-002", "R-003", "R-004", "R-005", "R-006"]);
  // Inherent score: 12, 20, 9, 16, 12, 2.
  const inherent = page.getByRole("button", { name: "Inherent" });
  await inherent.click();
  assert.deepEqual(await ids(page), ["R-006", "R-003", "R-001", "R-005", "R-004", "R-002"]);
  assert.equal(await page.getAttribute("#risk-register th:nth-child(5)", "aria-sort"), "ascending");
  await inherent.click();
  assert.deepEqual(await ids(page), ["R-002", "R-004", "R-001", "R-005", "R-003", "R-006"]);
  await page.getByRole("button", { name: "Owner" }).click();
  assert.deepEqual((await ids(page)).slice(0, 2), ["R-001", "R-004"]);
  // Filters: the form is shown by the script.
  assert.equal(await page.isVisible("#risk-filters"), true);
  await page.selectOption("select[name=owner]", "IT Manager");
  assert.deepEqual((await ids(page)).sort(), ["R-002", "R-003"]);
  await page.selectOption("select[name=level]", "high");
  assert.deepEqual(await ids(page), []);
  // R-002 stands at 12 (residual), R-003 at 9 (inherent, no residual): both medium.
  await page.selectOption("select[name=level]", "medium");
  assert.deepEqual((await ids(page)).sort(), ["R-002", "R-003"]);
  assert.equal((await page.textContent("#risk-count")).trim(), "2 of 6 risks shown");
  await page.selectOption("select[name=owner]", "");
  await page.selectOption("select[name=level]", "");
  await page.selectOption("select[name=treatment]", "accept");
  assert.deepEqual((await ids(page)).sort(), ["R-004", "R-006"]);
  // A heat map cell leads to the list of its risks.
  await page.click("a[href='#heat-inherent-4-4']");
  assert.ok(page.url().endsWith("#heat-inherent-4-4"));
  assert.match(await page.textContent("#heat-inherent-4-4"), /R-004/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("without script the register is complete and the filters stay hidden", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url("risks.html"));
  assert.equal((await ids(page)).length, 6);
  assert.equal(await page.isVisible("#risk-filters"), false);
  await context.close();
});

test("the registers' pages pass axe (WCAG 2.1 A and AA), light and dark, and the Nu HTML checker", async () => {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const [name, file] of Object.entries(pages)) {
      await page.goto(url(file));
      const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
      assert.deepEqual(found, [], `${name} (${scheme})`);
      await page.screenshot({ path: path.join(artifacts, `${name}-${scheme}.png`), fullPage: true });
    }
    await context.close();
  }
  const jar = path.join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  const files = Object.values(pages).map((f) => path.join(site, f));
  const r = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined, "java runs the checker");
  const messages = JSON.parse(r.stderr).messages;
  const shown = messages.slice(0, 10).map((m) => `${path.relative(site, fileURLToPath(m.url))}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(shown, [], `${messages.length} validator errors`);
});
