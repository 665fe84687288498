// End-to-end smoke test of the page in a real browser (Debian's Chromium, WebGL2 on SwiftShader):
// serve public/ on 127.0.0.1, load it, wait for ImGui frames, read the recommendation through
// the page's test API, change the budget and read it again, and take a screenshot.
// Usage: node smoke.js <public-dir> <screenshot.png>
'use strict';
const { chromium } = require('playwright-core');
const http = require('http');
const fs = require('fs');
const path = require('path');
const os = require('os');

const publicDir = path.resolve(process.argv[2] || 'public');
const shot = path.resolve(process.argv[3] || 'trainplan-web.png');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

function serve() {
  const server = http.createServer((req, res) => {
    const file = path.join(publicDir, decodeURIComponent(req.url.split('?')[0]).replace(/^\/$/, '/index.html'));
    if (!file.startsWith(publicDir) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; } else { failed++; console.error(`FAIL: ${name} ${detail || ''}`); }
}

(async () => {
  const server = await serve();
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  const ctx = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'tp-pw-')), {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 720 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'] });
  const errors = [];
  try {
    const page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => window.tpReady && Module._tp_frame_count() > 5, null, { timeout: 20000 });
    check('frames rendered', await page.evaluate(() => Module._tp_frame_count()) > 5);

    // Default budget: NeMo's launcher example (20 x 8 GPUs, 5 days, 300B tokens, 140 TFLOP/s).
    const first = JSON.parse(await page.evaluate(() => UTF8ToString(Module._tp_recommend_json())));
    check('NeMo size 4.03B', first.model_size_b === 4.03, JSON.stringify(first));
    check('NeMo sentence', first.nemo_line.startsWith('You can train a 4.03B parameter model in 5 days using 160 GPUs.'), first.nemo_line);
    check('trainplan figure present', first.trainplan.model_size_b > 0 && first.trainplan.mfu === 0.4, JSON.stringify(first.trainplan));

    // Same core as the CLI: 1024 GPUs, 4.34 days, 840B tokens gives NeMo's 8.0B.
    const second = JSON.parse(await page.evaluate(() => Module.ccall('tp_set_budget', 'string',
      ['number', 'number', 'number', 'number'], [128, 8, 4.34, 840])));
    check('NeMo size 8.0B after update', second.model_size_b === 8.0, JSON.stringify(second));

    await page.waitForTimeout(300);
    await page.screenshot({ path: shot });
    // A blank page (no WebGL2) is a single colour; the panel draws text and widgets.
    const png = fs.readFileSync(shot);
    check('screenshot written', png.length > 8000, `${png.length} bytes`);  // a blank canvas compresses to ~3 KB
    check('no page errors', errors.length === 0, errors.join('\n'));
  } finally {
    await ctx.close();
    server.close();
  }
  console.log(`screenshot: ${shot}`);
  console.log(`web_smoke: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
