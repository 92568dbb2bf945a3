// Browser tests of a book in Japanese (tests/fixtures/japanese): the theme's words are
// Japanese, a search for a Japanese word (no spaces between words) finds its document, and every
// kind of page passes axe. Run from tests/e2e with `npm test` after `cargo build`.
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
  "ja-index": "index.html",
  "ja-document": "docs/policies/access-control-policy.html",
  "ja-documents": "documents.html",
  "ja-control": "controls/A.5.15.html",
  "ja-clause": "clauses/5.2.html",
  "ja-soa": "soa.html",
  "ja-gaps": "gaps.html",
  "ja-reviews": "reviews.html",
  "ja-traceability": "traceability/chain.html",
};

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "policybook-e2e-ja-"));
  const book = path.join(work, "book");
  fs.cpSync(path.join(repo, "tests/fixtures/japanese"), book, { recursive: true });
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

function url(page) {
  return pathToFileURL(path.join(site, page)).href;
}

test("a search for a Japanese word finds the document that holds it, from file://", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url("index.html"));
  assert.equal(await page.getAttribute("#search-input", "placeholder"), "検索 ( / )");
  // The last is in the body only, beyond the summary shown under a result: nothing to mark.
  for (const [word, id, marked] of [["アクセス制御", "POL-AC-001", true], ["情報セキュリティ基本方針", "POL-IS-001", true],
    ["インシデント", "PRC-INC-001", true], ["多要素認証", "POL-AC-001", false]]) {
    await page.fill("#search-input", word);
    const first = page.locator("#search-results li").first();
    await first.waitFor({ timeout: 3000 });
    assert.match(await first.textContent(), new RegExp(id), word);
    assert.equal((await first.locator("mark").count()) > 0, marked, `${word}: the match is highlighted`);
  }
  // A word inside a run: 退職 is in the middle of 異動者および退職者のアクセス権.
  await page.fill("#search-input", "退職者");
  await page.locator("#search-results li").first().waitFor({ timeout: 3000 });
  const found = await page.locator("#search-results li").allTextContents();
  assert.ok(found.some((t) => t.includes("POL-AC-001")), found.join(" | "));
  await page.screenshot({ path: path.join(artifacts, "ja-search.png") });
  await page.fill("#search-input", "存在しない言葉");
  const empty = page.locator("#search-results .search-empty");
  await empty.waitFor({ timeout: 3000 });
  assert.equal(await empty.textContent(), "「存在しない言葉」に一致するものはありません。");
  assert.deepEqual(errors, []);
  await page.close();
});

test("every kind of page of the Japanese book passes axe (WCAG 2.1 A and AA)", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  for (const [name, file] of Object.entries(pages)) {
    await page.goto(url(file));
    assert.equal(await page.getAttribute("html", "lang"), "ja");
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const found = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
    assert.deepEqual(found, [], name);
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  }
  await context.close();
});
