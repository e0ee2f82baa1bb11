// Static server for the built site on 127.0.0.1 (a random free port), and a Chromium launcher
// that works offline: the browser checks and the PDF printing both use these.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript',
	'.mjs': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.arrow': 'application/vnd.apache.arrow.file',
	'.parquet': 'application/octet-stream',
	'.webmanifest': 'application/manifest+json',
	'.woff2': 'font/woff2'
};

async function isFile(p) {
	return stat(p).then((s) => s.isFile()).catch(() => false);
}

/** Serves `root` the way a static host serves a SvelteKit static build (`/a` -> a.html). */
export async function serve(root) {
	const base = path.resolve(root);
	const server = createServer(async (req, res) => {
		const urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
		const rel = path.normalize(urlPath).replace(/^(\.\.[/\\])+/, '');
		const candidates = [rel, `${rel}.html`, path.join(rel, 'index.html')];
		for (const candidate of candidates) {
			const file = path.join(base, candidate);
			if (file.startsWith(base) && (await isFile(file))) {
				res.writeHead(200, {
					'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream'
				});
				res.end(await readFile(file));
				return;
			}
		}
		res.writeHead(404, { 'content-type': 'text/plain' });
		res.end('not found');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	return { origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** Headless Chromium from the system (apt), with nothing that phones home. */
export function launchChromium() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-dev-shm-usage',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-default-apps',
			'--disable-sync',
			'--metrics-recording-only',
			'--no-first-run',
			'--no-default-browser-check'
		]
	});
}

/** Blocks and records every request that would leave 127.0.0.1. */
export async function blockOutside(context, outside) {
	await context.route('**/*', (route) => {
		const url = route.request().url();
		const { protocol, hostname } = new URL(url);
		if (['data:', 'blob:', 'file:'].includes(protocol) || hostname === '127.0.0.1') return route.continue();
		outside.push(url);
		return route.abort();
	});
}
