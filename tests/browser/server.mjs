// A tiny static file server for the browser tests (node:http only, no package).
//
//   node server.mjs SITE_DIR [PORT]
//
// listens on 127.0.0.1 (port 0 = any free port) and prints its base URL, e.g.
// "http://127.0.0.1:40123/", as the first line of stdout. A folder is served as its
// index.html (a folder URL without a trailing slash is redirected to one, as static hosts
// do); a missing file gets 404.html with status 404. SIGTERM or SIGINT ends it with status 0.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
};

function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function send(req, res, status, file, extraHeaders = {}) {
  const headers = { 'Cache-Control': 'no-store', ...extraHeaders };
  if (file) {
    const body = fs.readFileSync(file);
    headers['Content-Type'] = contentType(file);
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  } else {
    const body = Buffer.from(`${status}\n`);
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

export function handler(root) {
  const absRoot = path.resolve(root);
  const notFound = path.join(absRoot, '404.html');
  return (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(req, res, 405, null, { Allow: 'GET, HEAD' });
        return;
      }
      const url = new URL(req.url, 'http://127.0.0.1');
      let pathname;
      try {
        pathname = decodeURIComponent(url.pathname);
      } catch {
        send(req, res, 400, null);
        return;
      }
      if (pathname.includes('\0')) {
        send(req, res, 400, null);
        return;
      }
      const target = path.resolve(absRoot, '.' + path.posix.normalize(pathname));
      const rel = path.relative(absRoot, target);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        send(req, res, 403, null);
        return;
      }
      if (isDir(target)) {
        if (!url.pathname.endsWith('/')) {
          send(req, res, 301, null, { Location: url.pathname + '/' + url.search });
          return;
        }
        const index = path.join(target, 'index.html');
        if (isFile(index)) {
          send(req, res, 200, index);
          return;
        }
      } else if (isFile(target)) {
        send(req, res, 200, target);
        return;
      }
      send(req, res, 404, isFile(notFound) ? notFound : null);
    } catch (err) {
      if (!res.headersSent) send(req, res, 500, null);
      else res.destroy(err);
    }
  };
}

/** Starts serving `root` on 127.0.0.1; resolves to { server, url, close() }. */
export function startServer(root, { port = 0 } = {}) {
  const server = http.createServer(handler(root));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        server,
        url: `http://127.0.0.1:${actual}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = process.argv[2];
  const port = Number(process.argv[3] ?? 0);
  if (!root || !isDir(root)) {
    console.error(`usage: node server.mjs SITE_DIR [PORT]  (not a folder: ${root ?? '(none)'})`);
    process.exit(2);
  }
  const { url } = await startServer(root, { port });
  console.log(url);
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
