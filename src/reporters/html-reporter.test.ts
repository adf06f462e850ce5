import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { escapeHtml, htmlReporter, readableTime, remediateCommand } from './html-reporter.js';
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

test('the HTML report\'s tables head their columns in plain words', () => {
  const html = htmlReporter(sampleReport(), { colour: false });
  const tables = [...html.matchAll(/<table><thead>[\s\S]*?<\/thead>/g)].map((head) => [...head[0].matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]!));
  assert.ok(tables.some((t) => t.join('|') === 'Control|Severity|Pass|Fail|Error|Excepted|Skipped|Compliant|'), JSON.stringify(tables));
  assert.ok(tables.some((t) => t.join('|') === 'Framework|Version|Requirement|Control|Pass|Fail|Error|Excepted|Compliant|Status'), JSON.stringify(tables));
  assert.ok(tables.some((t) => t.join('|') === 'ID|State|Expires|Owner|Control / asset|Reason'), JSON.stringify(tables));
});

test('the HTML report is self-contained and escapes tenant text', () => {
  const html = htmlReporter(sampleReport(), { colour: false });
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(/i, 'no scripts and no external assets');
  assert.ok(!html.includes(HOSTILE_NAME), 'the raw hostile name never appears');
  assert.ok(html.includes(escapeHtml(HOSTILE_NAME)));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; scope'), 'exception reasons are escaped too');
  assert.match(html, /<svg role="img" aria-label="Findings and compliance per full scan, scans #4 to #7"/);
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
    assert.match(text, /<tspan[^>]*>#4<\/tspan><tspan[^>]*>03-01 00:00<\/tspan>/, 'the trend chart labels each scan with its number and time');
    assert.match(text, /<details><summary>1 passing and 1 skipped subscriptions<\/summary>/, 'passing and skipped subscriptions are listed, collapsed');
    const command = text.match(/<code class="cmd">(.*?)<\/code>/)?.[1]?.replace(/<\/?span>/g, '');
    assert.equal(command, "ward remediate --control azure-defender-security-contact-email --subscription 00000000-0000-4000-8000-000000000002 --email &lt;address&gt; --offline '/captures/&lt;tenant&gt;'", 'the exact dry-run command per failing subscription, shell-quoted');
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

test('HTML: the trend leaves narrowed scans out, says so, and draws a compliance line; labels never overlap', () => {
  const html = htmlReporter(sampleReport(), { colour: false });
  const chart = html.slice(html.indexOf('<svg role="img" aria-label="Findings and compliance'), html.indexOf('</svg>', html.indexOf('aria-label="Findings and compliance')));
  assert.doesNotMatch(chart, />#6</, 'the narrowed scan is not a bar');
  assert.match(html, /Not shown: scan #6, narrowed to some subscriptions/);
  assert.match(chart, /<polyline points="[^"]+" fill="none" stroke="#0969da"/, 'a compliance line');
  assert.match(chart, /<title>scan #7, 2026-03-10 09:00 UTC: 1 pass, 1 excepted, 1 error, 2 fail, 20% compliant<\/title>/);
  // 60 scans: labels at least one label width apart, the newest always labelled
  const base = sampleReport();
  const many = Array.from({ length: 60 }, (_, i) => ({ ...base.trend![0]!, scanId: i + 1, finishedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString() }));
  const big = htmlReporter({ ...base, trend: many }, { colour: false });
  const xs = [...big.matchAll(/<text x="([\d.]+)" y="\d+" text-anchor="middle" font-size="10" fill="#59636e"><tspan[^>]*>#(\d+)</g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  assert.ok(xs.length >= 5 && xs.length <= 9, `${xs.length} labels`);
  assert.equal(xs[xs.length - 1]![1], 60, 'the newest scan is labelled');
  for (let i = 1; i < xs.length; i += 1) assert.ok(xs[i]![0] - xs[i - 1]![0] >= 60, 'labels do not overlap');
});

test('HTML: per failing subscription its tags, first seen and age, and the exact remediate command', () => {
  const html = htmlReporter(sampleReport(), { colour: false });
  assert.match(html, /<span class="tag">Environment: prod<\/span><span class="tag">owner: &lt;b&gt;team-web&lt;\/b&gt;@contoso\.com<\/span>/, 'environment and owner, escaped');
  assert.doesNotMatch(html, /costCenter/, 'only the tags people look for first');
  assert.match(html, /first seen 2026-03-01 08:30 UTC \(9 days ago\)/);
  assert.match(html, /finished <time datetime="2026-03-10T09:00:05.000Z">2026-03-10 09:00 UTC<\/time>/, 'readable timestamps');
  assert.match(html, /the address is empty &lt;b&gt;bold&lt;\/b&gt;/, 'the plain reason');
  assert.doesNotMatch(html, /securityContacts_SOME/, 'not the matched filter');
  const controls = sampleReport().controls;
  assert.equal(remediateCommand(controls[0]!, '/subscriptions/abc', 'live:management.azure.com'), 'ward remediate --control azure-defender-security-contact-email --subscription abc --email <address>');
  assert.equal(remediateCommand({ ...controls[0]!, id: 'other-control' }, '/subscriptions/abc', "offline:/tmp/my capture's"), "ward remediate --control other-control --subscription abc --offline '/tmp/my capture'\\''s'");
  assert.equal(readableTime('not a time'), 'not a time');
});

test('HTML: every failing finding shows its own remediate command, escaped, whatever its subscription id and the source', () => {
  const base = sampleReport();
  const failing = base.findings.find((f) => f.status === 'fail' && f.expiredException === undefined)!;
  const ids = ['abc', '-starts-with-dash', '--subscription', "it's", 'a b --c', '<b>x</b>&', 'WARD0SUBSCRIPTION0SLOT', 'x WARD0SUBSCRIPTION0SLOT y', '𝔘'];
  const assetIds = [...ids.map((id) => `/subscriptions/${id}`), 'not/a subscription --id', '/subscriptions/a/resourceGroups/b'];
  const sources = ['live:management.azure.com', "offline:/tmp/my capture's --dir", 'offline:/x/WARD0SUBSCRIPTION0SLOT'];
  for (const control of [base.controls[0]!, { ...base.controls[0]!, id: "other control's --id" }]) {
    for (const source of sources) {
      const findings = assetIds.map((assetId) => ({ ...failing, controlId: control.id, assetId }));
      const html = htmlReporter({ ...base, controls: [control], findings, scan: { ...base.scan, source } }, { colour: false });
      const shown = [...html.matchAll(/<code class="cmd">(.*?)<\/code>/g)].map((m) => m[1]);
      // what each command is, made the slow way: the whole command split before each option, every part escaped
      const expected = assetIds.map((assetId) => remediateCommand(control, assetId, source).split(/ (?=--)/).map((part) => `<span>${escapeHtml(part)}</span>`).join(' '));
      assert.deepEqual(shown, expected, `${control.id} over ${source}`);
    }
  }
});

test('HTML: framework rows carry the counts of their control, and each framework says how many mappings are met', () => {
  const html = htmlReporter(sampleReport(), { colour: false });
  const frameworks = html.slice(html.indexOf('<section id="frameworks">'), html.indexOf('</section>', html.indexOf('<section id="frameworks">')));
  assert.match(frameworks, /<td><code>azure-defender-security-contact-email<\/code><\/td><td class="num">1<\/td><td class="num">2<\/td><td class="num">1<\/td><td class="num">1<\/td><td class="num">20%<\/td><td><span class="pill fail">Not met<\/span><\/td>/);
  assert.match(frameworks, /<li><strong>CIS Microsoft Azure Foundations[^<]*<\/strong>: 0 of \d+ requirement mappings? met<\/li>/);
});
