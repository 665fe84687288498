// A static file server for the page on 127.0.0.1 (a free port), as any static host would serve public/: used by
// the end-to-end test (tests/web/smoke.js) and the budgets benchmark (bench/web_budgets.js).
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

// Resolves to the listening http.Server; files outside publicDir are refused (404).
function serveStatic(publicDir) {
  const server = http.createServer((req, res) => {
    const file = path.join(publicDir, decodeURIComponent(req.url.split('?')[0]).replace(/^\/$/, '/index.html'));
    if (!file.startsWith(publicDir) || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

module.exports = { serveStatic };
