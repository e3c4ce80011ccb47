#!/usr/bin/env node
// The UI gallery: every screen of src/gallery/scenarios.ts, in ja and en, at the window's
// default and minimum size (tauri.conf.json), in headless Chromium (Debian's /usr/bin/chromium
// through playwright-core) against the built ui/dist with the fake back end.
//
//   npm --prefix ui run gallery                       all screens; PNGs + index.html in ui/gallery/
//   npm --prefix ui run gallery -- --only pin,done-usb   only these scenarios
//   npm --prefix ui run gallery -- --readme           also copy README_SHOTS to ui/screenshots/
//
// For each screen and size it FAILS on: a console error or page error, an axe-core violation
// of serious or critical impact, and (gallery-checks.mjs) overflowing text, a short word
// broken over two lines, or a primary control outside the window. It prints a table of
// screens × checks and exits 1 on any failure. Needs `npm --prefix ui run build` first.
// Environment: SHOMEI_CHROMIUM (default /usr/bin/chromium), SHOMEI_GALLERY_JOBS (default 2).
import { existsSync, readFileSync, statSync, readdirSync, mkdirSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { layoutChecks } from './gallery-checks.mjs';
import { writeIndex } from './gallery-index.mjs';

const UI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(UI, 'dist');
const OUT = path.join(UI, 'gallery');
const LOCALES = ['ja', 'en'];
/** The README's pictures: gallery shot → ui/screenshots/<name>. */
const README_SHOTS = [
  { id: 'list', locale: 'ja', size: 'default', to: 'list.png' },
  { id: 'done-usb', locale: 'ja', size: 'default', to: 'renewal-done.png' },
  { id: 'list', locale: 'en', size: 'default', to: 'list-en.png' },
];

const args = process.argv.slice(2);
const readme = args.includes('--readme');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : null;
const jobs = Number(process.env.SHOMEI_GALLERY_JOBS ?? 2);

function die(message) {
  console.error(`\n!! gallery: ${message}\n`);
  process.exit(1);
}

const chromiumPath = process.env.SHOMEI_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  die(`no Chromium at ${chromiumPath}: install Debian's chromium (bash .ci/setup test does) or set SHOMEI_CHROMIUM`);
}
if (!existsSync(path.join(DIST, 'index.html'))) die('ui/dist is missing: run npm --prefix ui run build first');
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((m, e) => Math.max(m, statSync(path.join(e.parentPath ?? e.path, e.name)).mtimeMs), 0);
if (Math.max(newest(path.join(UI, 'src')), newest(path.join(UI, 'locales'))) > statSync(path.join(DIST, 'index.html')).mtimeMs) {
  die('ui/dist is older than ui/src or ui/locales: run npm --prefix ui run build first');
}

const conf = JSON.parse(readFileSync(path.join(UI, '..', 'tauri.conf.json'), 'utf8')).app.windows[0];
const SIZES = [
  { key: 'default', width: conf.width, height: conf.height },
  { key: 'min', width: conf.minWidth, height: conf.minHeight },
].map((s) => ({ ...s, name: `${s.width}x${s.height}` }));

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// ui/dist (and axe-core as /__axe.js) over HTTP on a port the OS picks, on the loopback
// only; cacheable, so each worker's browser context parses them once.
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
  const file = rel === '__axe.js' ? AXE : path.join(DIST, rel);
  if ((file !== AXE && !file.startsWith(DIST + path.sep)) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'content-type': `${TYPES[path.extname(file)] ?? 'application/octet-stream'}; charset=utf-8`,
    'cache-control': rel === 'index.html' ? 'no-store' : 'max-age=3600',
  });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const t0 = Date.now();
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--font-render-hinting=none'] });

/** A browser context and page per worker, reused from screen to screen (so its HTTP cache
 * keeps the app's and axe's scripts); storage is cleared after each screen. */
async function newWorker() {
  const context = await browser.newContext({ viewport: SIZES[0], deviceScaleFactor: 1, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return {
    context,
    async run(fn) {
      errors.length = 0;
      await page.setViewportSize(SIZES[0]);
      try {
        return await fn(page, errors);
      } finally {
        await page.evaluate(() => (localStorage.clear(), sessionStorage.clear())).catch(() => {});
      }
    },
  };
}

// The table comes from the page itself, so the script and the app cannot disagree.
const workers = await Promise.all(Array.from({ length: Math.max(1, jobs) }, newWorker));
const table = await workers[0].run(async (page) => {
  await page.goto(base);
  await page.waitForFunction(() => window.__shomeiGallery);
  return page.evaluate(() => window.__shomeiGallery.scenarios);
});
if (only) {
  const unknown = [...only].filter((id) => !table.some((s) => s.id === id));
  if (unknown.length) die(`unknown scenario(s) ${unknown.join(', ')}; known: ${table.map((s) => s.id).join(', ')}`);
}
const scenarios = table.map((s, i) => ({ ...s, file: `${String(i + 1).padStart(2, '0')}-${s.id}.png` })).filter((s) => !only || only.has(s.id));

rmSync(OUT, { recursive: true, force: true });
for (const l of LOCALES) for (const s of SIZES) mkdirSync(path.join(OUT, l, s.name), { recursive: true });

async function shoot(worker, scenario, locale) {
  return worker.run(async (page, errors) => {
    const shots = {};
    await page.goto(`${base}?scenario=${scenario.id}&lang=${locale}`);
    await page.waitForSelector('html[data-gallery]', { timeout: 15_000 });
    const arrived = (await page.getAttribute('html', 'data-gallery')) === 'ready';
    await page.addScriptTag({ url: '/__axe.js' });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const layout = await page.evaluate(layoutChecks, scenario.primary);
      const axe = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
      });
      const file = path.join(locale, size.name, scenario.file);
      await page.screenshot({ path: path.join(OUT, file), animations: 'disabled' });
      shots[size.key] = {
        file,
        layout,
        axe: axe.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        axeMinor: axe.filter((v) => v.impact !== 'serious' && v.impact !== 'critical'),
      };
    }
    return { scenario, locale, arrived, errors: [...errors], shots };
  });
}

const tasks = scenarios.flatMap((s) => LOCALES.map((l) => [s, l]));
const results = [];
await Promise.all(
  workers.map(async (worker) => {
    for (let task = tasks.shift(); task; task = tasks.shift()) results.push(await shoot(worker, ...task));
  }),
);
await browser.close();
server.close();
const order = (r) => scenarios.indexOf(r.scenario) * 2 + LOCALES.indexOf(r.locale);
results.sort((a, b) => order(a) - order(b));

// ---- report -------------------------------------------------------------------------
const problems = [];
const cell = (r, size, what) => {
  const shot = r.shots[size.key];
  const list =
    what === 'axe'
      ? shot.axe.map((v) => `axe ${v.impact} ${v.id}: ${v.help} — ${v.nodes.join(', ')}`)
      : shot.layout[what].map((m) => `${what}: ${m}`);
  for (const m of list) problems.push(`${r.scenario.id} ${r.locale} ${size.name}: ${m}`);
  return list.length ? `FAIL ${list.length}` : 'ok';
};
const rows = results.map((r) => {
  if (!r.arrived) problems.push(`${r.scenario.id} ${r.locale}: never reached the screen (${r.scenario.shows})`);
  for (const e of r.errors) problems.push(`${r.scenario.id} ${r.locale}: ${e}`);
  const row = [r.scenario.file.replace(/\.png$/, ''), r.locale, r.arrived ? 'ok' : 'FAIL', r.errors.length ? `FAIL ${r.errors.length}` : 'ok'];
  for (const size of SIZES) for (const what of ['axe', 'overflow', 'wraps', 'primary']) row.push(cell(r, size, what));
  r.row = row;
  return row;
});
const head = ['screen', 'lang', 'reached', 'console'];
for (const size of SIZES) head.push(...['axe', 'overflow', 'wraps', 'primary'].map((w) => `${w}@${size.name}`));
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cols) => cols.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const row of rows) console.log(line(row));
const minor = results.flatMap((r) => Object.values(r.shots).flatMap((s) => s.axeMinor.map((v) => `${v.impact} ${v.id}`)));
if (minor.length) console.log(`\naxe, moderate/minor (not failing): ${[...new Set(minor)].join(', ')}`);

writeIndex(path.join(OUT, 'index.html'), { results, sizes: SIZES, locales: LOCALES, head, problems });
const shots = results.length * SIZES.length;
const seconds = ((Date.now() - t0) / 1000).toFixed(1);
if (problems.length) {
  console.log(`\n${problems.length} problem(s):`);
  for (const p of problems) console.log(`  - ${p}`);
  console.log(`\ngallery: FAILED — ${shots} screenshots of ${scenarios.length} screens in ${seconds}s; see ${path.relative(process.cwd(), OUT)}/index.html`);
  process.exit(1);
}
console.log(`\ngallery: ${shots} screenshots of ${scenarios.length} screens × ${LOCALES.length} locales × ${SIZES.length} sizes, all checks passed in ${seconds}s`);
console.log(`gallery: ${path.join(OUT, 'index.html')}`);

if (readme) {
  for (const shot of README_SHOTS) {
    const r = results.find((x) => x.scenario.id === shot.id && x.locale === shot.locale);
    if (!r) die(`--readme: scenario ${shot.id} (${shot.locale}) was not shot (drop --only?)`);
    copyFileSync(path.join(OUT, r.shots[shot.size].file), path.join(UI, 'screenshots', shot.to));
    console.log(`readme: ui/screenshots/${shot.to} ← ui/gallery/${r.shots[shot.size].file}`);
  }
}
writeFileSync(path.join(OUT, 'summary.txt'), `${line(head)}\n${rows.map(line).join('\n')}\n`);
