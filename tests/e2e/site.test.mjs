// Browser tests of the built example ISMS and of `policybook serve`, in Debian's chromium.
// Run from tests/e2e with `npm test` after `cargo build`; .ci/run does both.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
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
const AS_OF = "2026-11-22";
let work, site, browser;

function run(args, cwd = repo) {
  const r = spawnSync(bin, args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, `policybook ${args.join(" ")}: ${r.stderr}`);
  return r;
}

function url(page) {
  return pathToFileURL(path.join(site, page)).href;
}

function git(args, cwd, date) {
  const who = { NAME: "Ann Example", EMAIL: "ann@example.com", DATE: `${date}T09:00:00+00:00` };
  const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
  for (const role of ["AUTHOR", "COMMITTER"]) {
    for (const [k, v] of Object.entries(who)) { env[`GIT_${role}_${k}`] = v; }
  }
  const r = spawnSync("git", ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], { cwd, env, encoding: "utf8" });
  assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "policybook-e2e-"));
  site = path.join(work, "site");
  // The example in a repository of its own with two commits, so that pages show a revision
  // history however this repository was cloned.
  const book = path.join(work, "git-book");
  for (const d of ["content", "frameworks", "crosswalks", "registers"]) {
    fs.cpSync(path.join(repo, d), path.join(book, d), { recursive: true });
  }
  for (const f of ["book.toml", "soa.yaml"]) { fs.copyFileSync(path.join(repo, f), path.join(book, f)); }
  git(["init", "-q"], book, "2026-01-05");
  git(["add", "-A"], book, "2026-01-05");
  git(["commit", "-q", "-m", "Example ISMS"], book, "2026-01-05");
  fs.appendFileSync(path.join(book, "content/policies/access-control-policy.md"), "\nAccess reviews are recorded.\n");
  git(["commit", "-q", "-a", "-m", "Clarify access reviews\n\nApproved-by: Information Security Board"], book, "2026-03-01");
  run(["build", "--as-of", AS_OF, "-d", site], book);
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

// A page that records every request that leaves file://.
async function offlinePage() {
  const page = await browser.newPage();
  const network = [];
  page.on("request", (r) => { if (!r.url().startsWith("file:")) { network.push(r.url()); } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") { errors.push(m.text()); } });
  return { page, network, errors };
}

test("navigating index -> document -> control -> clause and back, from file://", async () => {
  const { page, network, errors } = await offlinePage();
  await page.goto(url("index.html"));
  await page.click("nav[aria-label=Main] >> text=Documents");
  assert.match(page.url(), /documents\.html$/);
  await page.click("table.list a[href*='access-control-policy']");
  assert.match(page.url(), /docs\/policies\/access-control-policy\.html$/);
  assert.equal(await page.textContent("h1"), "Access Control Policy");
  await page.click("#traceability a[href$='controls/A.5.15.html']");
  assert.match(page.url(), /controls\/A\.5\.15\.html$/);
  assert.match(await page.textContent("h1"), /A\.5\.15\s+Access control/);
  // The control page links back to the document, and on to the clauses it is traced through.
  assert.ok(await page.$("a[href$='docs/policies/access-control-policy.html']"));
  const clause = page.locator("section:has(h2:text('Through clauses')) a").first();
  const clauseId = (await clause.locator(".id").textContent()).trim();
  await clause.click();
  assert.match(page.url(), new RegExp(`clauses/${clauseId.replace(/\./g, "\\.")}\\.html$`));
  await page.goBack();
  assert.match(page.url(), /controls\/A\.5\.15\.html$/);
  await page.goBack();
  assert.match(page.url(), /access-control-policy\.html$/);
  assert.deepEqual(network, [], "no network request from file://");
  assert.deepEqual(errors, []);
  await page.close();
});

// A word that only one document's body uses, found by reading the example's Markdown.
function distinctiveWord() {
  const files = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) { walk(p); } else if (p.endsWith(".md")) { files.push(p); }
  });
  walk(path.join(repo, "content"));
  const words = new Map();
  for (const f of files) {
    const text = fs.readFileSync(f, "utf8");
    const id = /^id:\s*(\S+)/m.exec(text)[1];
    const body = text.split(/^---$/m).slice(2).join("---").toLowerCase().replace(/\[\[[^\]]*\]\]|\([^)]*\)|`[^`]*`/g, " ");
    for (const w of new Set(body.match(/\b[a-z]{10,}\b/g) || [])) {
      words.set(w, words.has(w) ? null : id);
    }
  }
  for (const [w, id] of words) { if (id) { return { word: w, id }; } }
  throw new Error("no distinctive word");
}

test("search finds a document by a word of its body, and controls by id, from file://", async () => {
  const { page, network, errors } = await offlinePage();
  await page.goto(url("docs/policies/access-control-policy.html"));
  const { word, id } = distinctiveWord();
  await page.keyboard.press("/");
  await page.keyboard.type(word);
  const first = page.locator("#search-results li").first();
  await first.waitFor({ timeout: 3000 });
  assert.match(await first.textContent(), new RegExp(id));
  assert.ok((await first.locator("mark").count()) > 0, "matching words are highlighted");
  await page.screenshot({ path: path.join(artifacts, "search.png") });
  await first.locator("a").click();
  assert.equal(await page.textContent(".kicker .id"), id);

  for (const [query, expected] of [["A.8.24", "A.8.24"], ["5.15", "A.5.15"], ["6.1.2", "6.1.2"]]) {
    await page.fill("#search-input", query);
    const top = page.locator("#search-results li").first();
    await top.waitFor({ timeout: 3000 });
    assert.match(await top.locator(".search-title").textContent(), new RegExp(`^${expected.replace(/\./g, "\\.")}\\s`), query);
  }
  await page.fill("#search-input", "zzqqxxnothing");
  await page.locator("#search-results .search-empty").waitFor({ timeout: 3000 });
  assert.deepEqual(network, []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("matrices, SoA and print view work from file://", async () => {
  const { page, network, errors } = await offlinePage();
  await page.goto(url("traceability/controls.html"));
  const marks = await page.locator("table.matrix td.hit a").count();
  assert.ok(marks > 90, `the document x control matrix has ${marks} marks`);
  await page.locator("table.matrix td.hit a").first().click();
  assert.match(page.url(), /controls\/A\.\d+\.\d+\.html$/);
  await page.goto(url("traceability/clauses.html"));
  assert.ok((await page.locator("table.matrix td.hit").count()) > 30);
  await page.goto(url("soa.html"));
  assert.equal(await page.locator("table.soa tbody tr").count(), 93);
  await page.goto(url("print.html"));
  const docs = await page.locator("article.print-doc").count();
  assert.ok(docs >= 25, `${docs} documents on the print page`);
  assert.deepEqual(network, []);
  assert.deepEqual(errors, []);
  await page.close();
});

const pages = {
  index: "index.html",
  documents: "documents.html",
  document: "docs/policies/access-control-policy.html",
  clauses: "clauses.html",
  clause: "clauses/6.1.2.html",
  controls: "controls.html",
  control: "controls/A.8.24.html",
  traceability: "traceability.html",
  "matrix-clauses": "traceability/clauses.html",
  "matrix-controls": "traceability/controls.html",
  chain: "traceability/chain.html",
  soa: "soa.html",
  gaps: "gaps.html",
  reviews: "reviews.html",
  audiences: "audiences.html",
  "reading-list": "audiences/engineering.html",
  print: "print.html",
};

test("a document page shows its revision history and approved versions; reviews link the calendar", async () => {
  const { page, network } = await offlinePage();
  await page.goto(url("docs/policies/access-control-policy.html"));
  const rows = await page.$$eval("table.history tbody tr", (trs) => trs.map((tr) => tr.innerText));
  assert.equal(rows.length, 2, rows.join("\n"));
  assert.match(rows[0], /2026-03-01.*Ann Example.*Clarify access reviews.*Information Security Board/s);
  assert.match(rows[1], /2026-01-05.*Example ISMS/s);
  assert.ok(await page.$("table.versions tbody tr"), "the approved versions table");
  await page.click("a[href='#history']");
  await page.goto(url("reviews.html"));
  const ics = await page.getAttribute("a[href$='reviews.ics']", "href");
  assert.ok(fs.existsSync(fileURLToPath(new URL(ics, page.url()))), "reviews.ics is beside the page");
  assert.deepEqual(network, []);
  await page.close();
});

test("every kind of page passes axe (WCAG 2.1 A and AA), light and dark", async () => {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const [name, file] of Object.entries(pages)) {
      await page.goto(url(file));
      const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
      assert.deepEqual(found, [], `${name} (${scheme})`);
      await page.screenshot({ path: path.join(artifacts, `${name}-${scheme}.png`), fullPage: name !== "print" });
    }
    await context.close();
  }
});

// The pages of a book that maps its documents to frameworks besides ISO/IEC 27001:2022 (the
// example does not, yet): every kind passes axe and the Nu HTML checker.
const frameworkPages = {
  frameworks: "frameworks.html",
  framework: "frameworks/soc2/index.html",
  "framework-builtin": "frameworks/nist-csf-2.0/index.html",
  requirement: "frameworks/soc2/CC6.1.html",
  "requirement-related": "frameworks/soc2/CC7.1.html",
  "requirement-excluded": "frameworks/soc2/CC7.2.html",
  "matrix-framework": "frameworks/soc2/matrix.html",
  "matrix-framework-builtin": "frameworks/nist-csf-2.0/matrix.html",
  "index-frameworks": "index.html",
  "gaps-frameworks": "gaps.html",
  "document-frameworks": "docs/policies/user-accounts.html",
};

test("framework pages pass axe (WCAG 2.1 A and AA), light and dark, and the Nu HTML checker", async () => {
  const book = path.join(work, "frameworks");
  fs.cpSync(path.join(repo, "tests/fixtures/frameworks"), book, { recursive: true });
  const out = path.join(work, "frameworks-site");
  run(["build", "--as-of", AS_OF, "-d", out], book);
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const [name, file] of Object.entries(frameworkPages)) {
      await page.goto(pathToFileURL(path.join(out, file)).href);
      const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
      assert.deepEqual(found, [], `${name} (${scheme})`);
      await page.screenshot({ path: path.join(artifacts, `${name}-${scheme}.png`), fullPage: true });
    }
    await context.close();
  }
  const jar = path.join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  const files = Object.values(frameworkPages).map((f) => path.join(out, f));
  const r = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined, "java runs the checker");
  const messages = JSON.parse(r.stderr).messages;
  const shown = messages.slice(0, 10).map((m) => `${path.relative(out, fileURLToPath(m.url))}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(shown, [], `${messages.length} validator errors`);
});

test("callouts of a handbook from MkDocs and GitHub are visible and pass axe, light and dark", async () => {
  const handbook = path.join(work, "handbook");
  fs.cpSync(path.join(repo, "tests/fixtures/handbook"), handbook, { recursive: true });
  const out = path.join(work, "handbook-site");
  run(["build", "--as-of", AS_OF, "-d", out], handbook);
  const page_ = pathToFileURL(path.join(out, "docs/policies/acceptable-use.html")).href;
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(page_);
    const callouts = page.locator(".body .callout");
    assert.equal(await callouts.count(), 3);
    for (const [selector, title] of [
      ["aside.callout-warning", "Warning"],
      ["aside.callout-tip", "Good habit"],
      ["details.callout-question", "Can I use my own phone?"],
    ]) {
      const callout = page.locator(`.body ${selector}`);
      assert.ok(await callout.isVisible(), `${selector} (${scheme})`);
      assert.equal((await callout.locator(".callout-title").textContent()).trim(), title);
      assert.ok(await callout.locator("p:not(.callout-title)").first().isVisible(), `${selector} body (${scheme})`);
    }
    // The callout is set apart from the text: a coloured border and a tinted background.
    const style = await page.locator(".body aside.callout-warning").evaluate((e) => {
      const s = getComputedStyle(e);
      return { border: s.borderLeftWidth, background: s.backgroundColor, page: getComputedStyle(document.body).backgroundColor };
    });
    assert.equal(style.border, "4px");
    assert.notEqual(style.background, style.page, `tinted (${scheme})`);
    // The `???+` one is open; its summary closes it.
    const details = page.locator(".body details.callout-question");
    assert.equal(await details.getAttribute("open"), "");
    await details.locator("summary").click();
    assert.equal(await details.getAttribute("open"), null);
    await details.locator("summary").click();
    const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const found = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
    assert.deepEqual(found, [], `callouts (${scheme})`);
    await page.screenshot({ path: path.join(artifacts, `callouts-${scheme}.png`), fullPage: true });
    await context.close();
  }
});

test("a phone-sized screen gets a readable layout", async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  await page.goto(url("docs/policies/access-control-policy.html"));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: path.join(artifacts, "document-phone.png") });
  await context.close();
});

test("the built site passes the Nu HTML checker", () => {
  const jar = path.join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  const files = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) { walk(p); } else if (p.endsWith(".html")) { files.push(p); }
  });
  walk(site);
  assert.ok(files.length > 150, `${files.length} pages`);
  const r = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined, "java runs the checker");
  const messages = JSON.parse(r.stderr).messages;
  const shown = messages.slice(0, 10).map((m) => `${path.relative(site, fileURLToPath(m.url))}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(shown, [], `${messages.length} validator errors`);
});

test("serve reloads an open page within 2 seconds of an edit, and previews a broken edit with its reference marked", async () => {
  const book = path.join(work, "book");
  for (const d of ["content", "frameworks", "crosswalks", "registers"]) {
    fs.cpSync(path.join(repo, d), path.join(book, d), { recursive: true });
  }
  fs.copyFileSync(path.join(repo, "book.toml"), path.join(book, "book.toml"));
  fs.copyFileSync(path.join(repo, "soa.yaml"), path.join(book, "soa.yaml"));
  const port = 3900 + Math.floor(Math.random() * 90);
  const server = spawn(bin, ["serve", "--as-of", AS_OF, "-p", String(port)], { cwd: book, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  server.stderr.on("data", (d) => { log += d; });
  try {
    const start = Date.now();
    while (!log.includes("serving")) {
      if (Date.now() - start > 20000) { throw new Error(`serve did not start: ${log}`); }
      await new Promise((r) => setTimeout(r, 100));
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/docs/policies/access-control-policy.html`);
    await page.waitForLoadState("networkidle").catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    const file = path.join(book, "content/policies/access-control-policy.md");
    const edited = Date.now();
    fs.appendFileSync(file, "\nA sentence added while the page was open.\n");
    await page.waitForSelector("text=A sentence added while the page was open.", { timeout: 2000 });
    const took = Date.now() - edited;
    // A broken edit shows at once, the broken reference marked in place, the errors over it.
    fs.appendFileSync(file, "\nSee [[A.5.99]] for what is new.\n");
    await page.waitForSelector("a.broken-ref", { timeout: 3000 });
    await page.waitForSelector("#policybook-problem", { timeout: 3000 });
    const broken = page.locator(".body a.broken-ref");
    assert.ok(await broken.isVisible(), "the broken reference is visible");
    assert.equal((await broken.textContent()).trim(), "A.5.99");
    assert.match(await broken.getAttribute("title"), /A\.5\.99/);
    assert.ok(await page.$("text=for what is new."), "the page shows the newest text");
    const overlay = await page.textContent("#policybook-problem");
    assert.match(overlay, /^The book has errors, listed below\./);
    assert.match(overlay, /error\[unknown-reference\]/);
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
      assert.deepEqual(found, [], `preview with a broken reference (${scheme})`);
      await page.screenshot({ path: path.join(artifacts, `serve-preview-${scheme}.png`) });
    }
    console.log(`live reload after ${took} ms`);
    await context.close();
  } finally {
    server.kill();
  }
});

test("the public profile: a trust page readable without script, redaction notes visible, axe and Nu clean", async () => {
  const book = path.join(work, "git-book");
  const out = path.join(work, "public-site");
  run(["build", "--as-of", AS_OF, "--profile", "public", "-d", out], book);
  const publicPages = {
    trust: "index.html",
    "redacted-section": "docs/policies/access-control-policy.html",
    "redacted-internal": "docs/policies/cryptography-policy.html",
    "redacted-links": "docs/isms/information-security-policy.html",
  };
  // Plain static HTML: everything a customer needs is there with JavaScript off.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const trust = await plain.newPage();
  await trust.goto(pathToFileURL(path.join(out, "index.html")).href);
  assert.match(await trust.locator("h1").textContent(), /Brightwater Logistics Ltd: security and trust/);
  const certificate = trust.locator("#certifications + table tbody tr").first();
  assert.ok(await certificate.isVisible());
  assert.match(await certificate.textContent(), /ISO\/IEC 27001:2022.*IS 812345.*2028-03-14/s);
  assert.equal(await trust.locator("#policies + table tbody tr").count(), 7, "the approved ones of the 8 public documents");
  assert.equal(await trust.locator("a[href^='mailto:security@']").count(), 1);
  await trust.getByRole("link", { name: "Access Control Policy" }).click();
  const note = trust.locator(".body aside.callout-redacted");
  assert.ok(await note.isVisible(), "the note where the confidential block was");
  assert.equal((await note.textContent()).trim(), "A confidential section is not published here.");
  assert.equal(await trust.getByText("FIDO2 keys stored in the Manchester safe").count(), 0);
  await plain.close();
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const [name, file] of Object.entries(publicPages)) {
      await page.goto(pathToFileURL(path.join(out, file)).href);
      const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
      const found = result.violations.map((v) => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`);
      assert.deepEqual(found, [], `${name} (${scheme})`);
      await page.screenshot({ path: path.join(artifacts, `public-${name}-${scheme}.png`), fullPage: true });
    }
    await context.close();
  }
  const jar = path.join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  const files = Object.values(publicPages).map((f) => path.join(out, f));
  const r = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", ...files], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(r.error, undefined, "java runs the checker");
  const messages = JSON.parse(r.stderr).messages;
  const shown = messages.slice(0, 10).map((m) => `${path.relative(out, fileURLToPath(m.url))}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(shown, [], `${messages.length} validator errors`);
});
