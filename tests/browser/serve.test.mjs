// `briefing serve` in a real browser: a copy of the showcase site (the
// repository's own content/ and briefing.toml) is served, and Debian's
// Chromium, driven by playwright-core, watches a briefing change without a
// manual reload, sees the error overlay when the front matter breaks and lose
// it when it is fixed, finds the briefing on the search page, and sees the
// home page's lead briefing fill the space it takes.
//
// Run with tests/browser/run.sh (or `node --test` here once `npm ci` has run
// and the binary is built). BRIEFING_BIN and CHROMIUM override the paths.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(repo, process.env.CARGO_TARGET_DIR)
  : path.join(repo, 'target');
const binary = process.env.BRIEFING_BIN || path.join(targetDir, 'debug', 'briefing');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
// A change must show in the browser within this long, without a reload.
const CHANGE_MS = 2000;
const RESERVED = new Set(['pages', 'companies', 'stories']);

/** Every briefing's Markdown file below content/, relative to the site. */
function briefingFiles(site) {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(site, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) {
        if (!(dir === 'content' && RESERVED.has(entry.name))) walk(rel);
      } else if (entry.isFile() && entry.name.endsWith('.md')) {
        found.push(rel);
      }
    }
  };
  walk('content');
  return found.sort();
}

/** The title written in a file's TOML or YAML front matter. */
function titleOf(text) {
  const toml = text.match(/^title\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/m);
  if (toml) return JSON.parse(`"${toml[1]}"`);
  const yaml = text.match(/^title:\s*(?:"((?:[^"\\]|\\.)*)"|(.+?))\s*$/m);
  if (yaml) return yaml[1] !== undefined ? JSON.parse(`"${yaml[1]}"`) : yaml[2];
  return null;
}

/** Starts `briefing serve --port 0` and resolves once it prints its URL. */
function startServer(site) {
  const child = spawn(binary, ['--site', site, 'serve', '--port', '0'], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  child.stderr.on('data', (chunk) => log.push(String(chunk)));
  const lines = readline.createInterface({ input: child.stdout });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no URL after 60 s:\n' + log.join(''))), 60000);
    lines.on('line', (line) => {
      log.push(line + '\n');
      const m = line.match(/^Serving (http:\/\/\S+)$/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`briefing serve exited (${code}):\n` + log.join(''))));
    child.on('error', reject);
  });
  return { child, url, log };
}

describe('briefing serve in a browser', () => {
  let site;
  let server;
  let base;
  let browser;
  let page;
  let briefing; // { file, text, url, title, keyPoints }
  const pageErrors = [];

  before(async () => {
    assert.ok(fs.existsSync(binary), `no binary at ${binary}: run cargo build`);
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'briefing-browser-'));
    fs.cpSync(path.join(repo, 'content'), path.join(site, 'content'), { recursive: true });
    fs.copyFileSync(path.join(repo, 'briefing.toml'), path.join(site, 'briefing.toml'));
    server = startServer(site);
    base = await server.url;

    // The briefing to edit: one with key points, found through the index.
    const index = await (await fetch(new URL('search-index.json', base))).json();
    for (const file of briefingFiles(site)) {
      const text = fs.readFileSync(path.join(site, file), 'utf8');
      const entry = index.find((e) => e.t === titleOf(text));
      if (entry && Array.isArray(entry.k) && entry.k.length > 0) {
        briefing = { file, text, url: new URL(entry.u, base).href, title: entry.t, keyPoints: entry.k };
        break;
      }
    }
    assert.ok(briefing, 'a showcase briefing with key points');

    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(err));
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) server.child.kill();
    if (site) fs.rmSync(site, { recursive: true, force: true });
  });

  const write = (text) => fs.writeFileSync(path.join(site, briefing.file), text);
  /** The front matter's opening line, and where the line after it starts. */
  const afterOpening = (text) => text.indexOf('\n') + 1;
  const isToml = () => briefing.text.startsWith('+++');
  let edited;

  test('an edit shows without a manual reload', async () => {
    await page.goto(briefing.url);
    assert.equal(await page.locator('h1').first().innerText(), briefing.title);
    // The page is not reloaded by the test: only the live script can do it.
    const marker = `Live preview marker ${Date.now()}.`;
    const closing = briefing.text.indexOf('\n' + briefing.text.slice(0, 3), 3);
    assert.ok(closing > 0, 'front matter has a closing line');
    const bodyStart = closing + 4;
    edited = briefing.text.slice(0, bodyStart) + `\n${marker}\n` + briefing.text.slice(bodyStart);
    write(edited);
    await page.waitForFunction((m) => document.body.innerText.includes(m), marker, { timeout: CHANGE_MS });
  });

  test('a broken front matter shows the overlay, naming the file and line', async () => {
    const key = isToml() ? '"<i>bogus_key</i>" = 1' : '"<i>bogus_key</i>": 1';
    const at = afterOpening(edited);
    write(edited.slice(0, at) + key + '\n' + edited.slice(at));
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor({ timeout: CHANGE_MS });
    const text = await dialog.innerText();
    assert.ok(text.includes(`${briefing.file}:2:1`), text);
    // Diagnostics are text, never markup.
    assert.ok(text.includes('<i>bogus_key</i>'), text);
    assert.equal(await dialog.locator('i').count(), 0);
    const look = await dialog.evaluate((panel) => {
      const backdrop = getComputedStyle(panel.parentNode);
      return { position: backdrop.position, font: getComputedStyle(panel).fontFamily, modal: panel.getAttribute('aria-modal') };
    });
    assert.equal(look.position, 'fixed');
    assert.match(look.font, /monospace/);
    assert.equal(look.modal, 'true');
    // The last good version is still what the page shows below it.
    assert.ok((await page.locator('main').innerText()).includes('Live preview marker'));

    // Dismissible; and a page opened while the build is broken shows it at once.
    await dialog.getByRole('button', { name: 'Dismiss' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 1000 });
    await page.reload();
    await dialog.waitFor({ timeout: CHANGE_MS });
  });

  test('fixing it removes the overlay', async () => {
    write(edited);
    await page.getByRole('alertdialog').waitFor({ state: 'detached', timeout: CHANGE_MS });
    assert.ok((await page.locator('main').innerText()).includes('Live preview marker'));
  });

  test('search finds the briefing by a word of its key points', async () => {
    const words = briefing.keyPoints
      .join(' ')
      .split(/[^\p{L}]+/u)
      .filter((w) => w.length >= 6)
      .sort((a, b) => b.length - a.length);
    assert.ok(words.length > 0, 'a searchable word in the key points');
    const word = words[0];
    await page.goto(new URL('search/', base).href);
    await page.locator('#search-input').fill(word);
    const wanted = new URL(briefing.url).pathname;
    const hit = page.locator(`#search-results a[href$="${wanted}"]`).first();
    await hit.waitFor({ timeout: 5000 });
    assert.ok((await hit.innerText()).length > 0);
  });

  test('the lead briefing of the home page leaves no empty space below it', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(base);
    const gap = await page.evaluate(() => {
      const lead = document.querySelector('.card-lead');
      const box = lead.getBoundingClientRect();
      const content = Math.max(...[...lead.children].map((c) => c.getBoundingClientRect().bottom));
      return box.bottom - parseFloat(getComputedStyle(lead).paddingBottom) - content;
    });
    assert.ok(gap < 24, `${gap}px of the lead card below its content at 1280 px`);
  });

  test('the live script raised no page errors', () => {
    assert.deepEqual(pageErrors.map(String), []);
  });
});
