// The page's budgets (issue 6), measured and printed, never asserted (these machines are shared and noisy):
//   - .wasm + .js at most 500 KB gzipped together (gzip -9, as a static server would send them);
//   - navigation to the first complete frame at most 1.5 s in headless Chromium (median of fresh page loads; the
//     page records performance.now() when its first ImGui frame has been rendered: window.tpFirstFrameMs);
//   - recompute after an input change at most 16 ms for the default grid (the page's own timing of search_grid
//     after the node count changes, median of 20 changes), and the wall time of that change as a script sees it
//     (the call that sets the input and recomputes, over the page API).
// Usage: node bench/web_budgets.js [public-dir]   (scripts/bench.sh runs it after building the page)
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const zlib = require('zlib');
const { chromium } = require(path.join(__dirname, '..', 'tests', 'web', 'node_modules', 'playwright-core'));
const { serveStatic } = require(path.join(__dirname, '..', 'tests', 'web', 'serve.js'));

const publicDir = path.resolve(process.argv[2] || path.join(__dirname, '..', 'public'));
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const serve = () => serveStatic(publicDir);

(async () => {
  const sizes = ['trainplan.wasm', 'trainplan.js'].map((f) => {
    const raw = fs.readFileSync(path.join(publicDir, f));
    return { f, raw: raw.length, gz: zlib.gzipSync(raw, { level: 9 }).length };
  });
  const gz = sizes.reduce((a, s) => a + s.gz, 0);
  for (const s of sizes) console.log(`web size ${s.f}: ${s.raw} bytes, ${s.gz} gzipped`);
  console.log(`web size .wasm + .js gzipped: ${gz} bytes (${(gz / 1000).toFixed(1)} KB; budget 500 KB: ${(500000 / gz).toFixed(2)}x headroom)`);

  const server = await serve();
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  const ctx = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), 'tp-bench-')), {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 720 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader'] });
  try {
    const firstFrame = [];
    let page;
    for (let i = 0; i < 5; i++) {
      if (page) await page.close();
      page = await ctx.newPage();
      await page.goto(url);
      await page.waitForFunction(() => window.tpFirstFrameMs !== undefined, null, { timeout: 30000 });
      firstFrame.push(await page.evaluate(() => window.tpFirstFrameMs));
    }
    const ff = median(firstFrame);
    console.log(`web first frame: median ${ff.toFixed(0)} ms from navigation over 5 loads (min ${Math.min(...firstFrame).toFixed(0)}, ` +
                `max ${Math.max(...firstFrame).toFixed(0)}; budget 1500 ms: ${(1500 / ff).toFixed(2)}x)`);

    const status = async () => JSON.parse(await page.evaluate(() => UTF8ToString(Module._tp_status_json())));
    const first = (await status()).grid;
    const grid = [], wall = [];
    for (let i = 0; i < 20; i++) {
      // The default inputs with 16 or 17 nodes: each call changes the input, so the grid is searched again.
      const t = await page.evaluate((nodes) => {
        const t0 = performance.now();
        Module.ccall('tp_set_budget', 'string', ['number', 'number', 'number', 'number'], [nodes, 8, 5, 300]);
        return performance.now() - t0;
      }, i % 2 ? 16 : 17);
      wall.push(t);
      grid.push((await status()).grid.ms);
    }
    const g = median(grid);
    console.log(`web recompute: default grid (${first.candidates} candidates) searched in median ${g.toFixed(2)} ms after an input change ` +
                `(budget 16 ms: ${(16 / g).toFixed(1)}x); input change to recomputed state ${median(wall).toFixed(2)} ms; ` +
                `the first search at load ${first.ms.toFixed(1)} ms`);
  } finally {
    await ctx.close();
    server.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
