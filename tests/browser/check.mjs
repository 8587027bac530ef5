// Open a briefing in headless Chromium and report, as one JSON object on stdout, everything the browser
// tests assert on: console errors, network requests, injected elements, script side effects, axe-core
// violations (WCAG 2.0/2.1/2.2 A and AA), reflow at 390 px, visible focus, and two screenshots.
//
//   node tests/browser/check.mjs BRIEFING.html OUT_DIR
//
// Uses the system Chromium (LP_CHROMIUM or /usr/bin/chromium) through playwright-core, which never
// downloads a browser; axe-core is read from node_modules and injected into the page. The page gets a
// fresh, throw-away profile and every request other than the page itself is aborted and reported.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [htmlArg, outArg] = process.argv.slice(2);
if (!htmlArg || !outArg) {
  console.error("usage: node check.mjs BRIEFING.html OUT_DIR");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const pageUrl = pathToFileURL(resolve(htmlArg)).href;
const outDir = resolve(outArg);
const executablePath = process.env.LP_CHROMIUM || "/usr/bin/chromium";
const axeSource = readFileSync(join(root, "node_modules", "axe-core", "axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const result = {
  url: pageUrl,
  consoleErrors: [],
  requests: [],
  externalRequests: [],
  sideEffects: [],
  injected: [],
  violations: [],
  axeVersion: null,
  axePasses: 0,
  title: null,
  lang: null,
  h1Count: null,
  headingLevels: [],
  scrollWidth390: null,
  focus: null,
  text: "",
  screenshots: {},
};

const profile = mkdtempSync(join(tmpdir(), "lp-chromium-profile-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    bypassCSP: true, // so that axe-core can be injected; the page's own CSP is checked statically
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions",
    ],
    viewport: { width: 1280, height: 900 },
    offline: true,
    acceptDownloads: false,
  });
  // Before any of the page's own script could run: record (and neutralise) the usual side effects.
  await context.addInitScript(() => {
    const calls = [];
    Object.defineProperty(window, "__lpSideEffects", { value: calls, enumerable: false });
    for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
      window[name] = (...args) => { calls.push({ name, args: args.map(String) }); return null; };
    }
    const origFetch = window.fetch;
    window.fetch = (...args) => { calls.push({ name: "fetch", args: args.map(String) }); return origFetch(...args); };
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url === pageUrl || url.startsWith("data:")) return route.continue();
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("console", (msg) => {
    if (msg.type() === "error") result.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => result.consoleErrors.push(`uncaught: ${err.message}`));
  page.on("dialog", (d) => { result.sideEffects.push({ name: `dialog:${d.type()}`, args: [d.message()] }); d.dismiss(); });
  page.on("request", (req) => {
    const url = req.url();
    result.requests.push(url.startsWith("data:") ? url.slice(0, 40) : url);
    if (url !== pageUrl && !url.startsWith("data:")) result.externalRequests.push(url);
  });

  await page.goto(pageUrl, { waitUntil: "load", timeout: 60000 });
  await page.waitForTimeout(300); // let anything delayed (timers, lazy images) show itself

  // Read the page before axe-core adds its own <script>.
  Object.assign(result, await page.evaluate(() => {
    const injected = [];
    const selector = 'script, iframe, frame, object, embed, applet, base, link, meta[http-equiv="refresh" i], ' +
      'img[onerror], svg, math, form, input, button, video, audio, source, a[href^="javascript:" i], [srcset]';
    for (const el of document.querySelectorAll(selector)) injected.push(el.outerHTML.slice(0, 200));
    for (const el of document.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        if (attr.name.toLowerCase().startsWith("on")) injected.push(`${el.tagName} ${attr.name}`);
      }
    }
    for (const img of document.images) {
      if (!img.getAttribute("src").startsWith("data:")) injected.push(`img src=${img.getAttribute("src")}`);
    }
    const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1]));
    return {
      injected,
      title: document.title,
      lang: document.documentElement.getAttribute("lang"),
      h1Count: document.querySelectorAll("h1").length,
      headingLevels: levels,
      pageSideEffects: [...window.__lpSideEffects],
      text: document.body.innerText.slice(0, 500000),
      images: [...document.images].map((i) => ({ alt: i.getAttribute("alt"), natural: i.naturalWidth })),
    };
  }));
  result.sideEffects.push(...result.pageSideEffects);
  delete result.pageSideEffects;

  // Keyboard: the first Tab reaches the skip link, which then becomes visible.
  await page.keyboard.press("Tab");
  result.focus = await page.evaluate(() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return { tag: el.tagName, text: (el.textContent || "").trim().slice(0, 60), width: box.width,
             height: box.height, outline: style.outlineStyle, boxShadow: style.boxShadow,
             background: style.backgroundColor };
  });
  await page.keyboard.press("Shift+Tab");

  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return {
      version: window.axe.version,
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      })),
    };
  }, TAGS);
  result.axeVersion = axe.version;
  result.axePasses = axe.passes;
  result.violations = axe.violations;

  await page.screenshot({ path: join(outDir, "screenshot-1280.png"), fullPage: true });
  result.screenshots["1280"] = join(outDir, "screenshot-1280.png");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(100);
  result.scrollWidth390 = await page.evaluate(() => document.documentElement.scrollWidth);
  // axe again at phone width: reflow can expose contrast or overlap problems the desktop layout hides
  const narrow = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: `${v.id}@390`, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })) }));
  }, TAGS);
  result.violations.push(...narrow);
  await page.screenshot({ path: join(outDir, "screenshot-390.png"), fullPage: true });
  result.screenshots["390"] = join(outDir, "screenshot-390.png");
} catch (err) {
  result.fatal = String(err && err.stack ? err.stack : err);
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(result.fatal ? 1 : 0);
