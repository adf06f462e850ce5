import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { escapeHtml, htmlReporter } from './html-reporter.js';
import { HOSTILE_NAME, sampleReport } from './test-support/sample-report.js';

/** Debian's `chromium` (what .ci/run installs), or another Chromium/Chrome found on PATH. */
function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}
const chromium = findChromium();
if (!chromium) console.log('NOTICE: no chromium on PATH: the HTML report is not rendered in a browser in this run (.ci/run installs it)');

test('escapeHtml escapes the five HTML-special characters', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('the HTML report is self-contained and escapes tenant text', () => {
  const html = htmlReporter(sampleReport(), { colour: false });
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(/i, 'no scripts and no external assets');
  assert.ok(!html.includes(HOSTILE_NAME), 'the raw hostile name never appears');
  assert.ok(html.includes(escapeHtml(HOSTILE_NAME)));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; scope'), 'exception reasons are escaped too');
  assert.match(html, /<svg role="img" aria-label="Findings per scan"/);
  assert.match(html, /Open Microsoft Defender for Cloud and go to Environment settings\./, 'the fix is the control\'s remediation text');
});

test('the HTML report renders in headless Chromium with its content', { skip: chromium ? false : 'chromium not found on PATH', timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ward-html-'));
  try {
    const file = join(dir, 'report.html');
    writeFileSync(file, htmlReporter(sampleReport(), { colour: false }));
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${join(dir, 'profile')}`];
    const dom = spawnSync(chromium!, [...flags, '--dump-dom', `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
    assert.equal(dom.status, 0, dom.stderr);
    const text = dom.stdout;
    assert.match(text, /<h1>Azure compliance report<\/h1>/);
    for (const section of ['summary', 'controls', 'frameworks', 'failing', 'exceptions']) assert.match(text, new RegExp(`<section id="${section}"`));
    assert.doesNotMatch(text, /<script/i, 'the hostile asset name stayed text');
    assert.ok(text.includes('&lt;script&gt;alert("x")&lt;/script&gt; &amp; =cmd|"/c calc"!A1, prod'));
    assert.match(text, /secops@contoso\.com/);
    assert.match(text, /exception expired/);
    assert.match(text, /CIS Microsoft Azure Foundations/);
    assert.match(text, /#5 03-01/, 'the trend chart labels each scan');
    const shot = spawnSync(chromium!, [...flags, `--screenshot=${join(dir, 'report.png')}`, '--window-size=1280,2000', `file://${file}`], { encoding: 'utf8', timeout: 90_000 });
    assert.equal(shot.status, 0, shot.stderr);
    assert.ok(existsSync(join(dir, 'report.png')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('over the whole family the frameworks table lists every requirement of every control, and controls are grouped', async () => {
  const { loadControls } = await import('../scan/load-controls.js');
  const { BUILTIN_CONTROLS_DIR } = await import('../core/package-paths.js');
  const controls = loadControls(BUILTIN_CONTROLS_DIR, BUILTIN_CONTROLS_DIR);
  const html = htmlReporter({ ...sampleReport(), controls }, { colour: false });
  const frameworks = html.slice(html.indexOf('<section id="frameworks">'), html.indexOf('</section>', html.indexOf('<section id="frameworks">')));
  for (const control of controls) {
    for (const mapping of control.frameworks) {
      const row = new RegExp(`<td>${escapeHtml(mapping.framework)}</td><td>${mapping.version.replace(/\./g, '\\.')}</td><td>${mapping.requirement.replace(/\./g, '\\.')}[^<]*(<span[^>]*>[^<]*</span>)?</td><td><code>${control.id}</code></td>`);
      assert.match(frameworks, row, `${control.id}: ${mapping.framework} ${mapping.version} ${mapping.requirement}`);
    }
  }
  const rows = frameworks.match(/<tr><td>/g)?.length ?? 0;
  assert.equal(rows, controls.reduce((n, c) => n + c.frameworks.length, 0));
  assert.equal(controls.length, 4);
});
