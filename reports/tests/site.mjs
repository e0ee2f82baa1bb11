// Loads every page of the built site in headless Chromium and records what a test needs:
// outside requests, console and page errors, chart pixels, axe violations, keyboard focus,
// the page text, and a screenshot. Usage: node tests/site.mjs <build> <out.json> <screenshots>
import { readdir, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { serve, launchChromium, blockOutside } from '../scripts/serve.mjs';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const here = path.dirname(fileURLToPath(import.meta.url));
const [buildDir, outFile, shotDir] = process.argv.slice(2);

// Every markdown page under pages/ is a route: index.md -> /, eda.md -> /eda.
const pagesDir = path.join(here, '..', 'pages');
const routes = (await readdir(pagesDir))
	.filter((f) => f.endsWith('.md'))
	.map((f) => (f === 'index.md' ? '/' : `/${f.slice(0, -3)}`))
	.sort();

await mkdir(shotDir, { recursive: true });
const server = await serve(buildDir);
const browser = await launchChromium();
const outside = [];
const results = {};
try {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	await blockOutside(context, outside);
	for (const route of routes) {
		const page = await context.newPage();
		const consoleErrors = [];
		const pageErrors = [];
		const failed = [];
		page.on('console', (msg) => {
			if (msg.type() === 'error') consoleErrors.push(msg.text());
		});
		page.on('pageerror', (err) => pageErrors.push(String(err)));
		page.on('response', (res) => {
			if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
		});
		const response = await page.goto(server.origin + route, { waitUntil: 'networkidle' });
		// Charts draw into canvases after hydration; wait for every chart to have one.
		await page
			.waitForFunction(
				() =>
					[...document.querySelectorAll('[_echarts_instance_]')].every((el) =>
						el.querySelector('canvas')
					),
				null,
				{ timeout: 20000 }
			)
			.catch(() => {});
		await page.waitForTimeout(1500);
		const charts = await page.evaluate(() =>
			[...document.querySelectorAll('[_echarts_instance_]')].map((el) => {
				const canvas = el.querySelector('canvas');
				if (!canvas) return { canvas: false, painted: 0, colours: 0 };
				const { width, height } = canvas;
				const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
				let painted = 0;
				const colours = new Set();
				for (let i = 0; i < data.length; i += 16) {
					if (data[i + 3] > 0) {
						painted++;
						colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
					}
				}
				return { canvas: true, width, height, painted, colours: colours.size };
			})
		);
		const headings = await page.evaluate(() =>
			[...document.querySelectorAll('main h1, main h2, main h3, main h4')].map((h) => ({
				level: Number(h.tagName[1]),
				text: h.innerText.trim()
			}))
		);
		// Keyboard: Tab must move focus onto the page's links and controls.
		const focused = [];
		for (let i = 0; i < 5; i++) {
			await page.keyboard.press('Tab');
			focused.push(
				await page.evaluate(() => {
					const el = document.activeElement;
					return el && el !== document.body ? el.tagName.toLowerCase() : null;
				})
			);
		}
		const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
		const name = route === '/' ? 'index' : route.slice(1);
		await page.screenshot({ path: path.join(shotDir, `${name}.png`), fullPage: true });
		results[route] = {
			status: response?.status() ?? 0,
			title: await page.title(),
			text: await page.evaluate(() => document.querySelector('main')?.innerText ?? ''),
			tables: await page.evaluate(() => document.querySelectorAll('main table').length),
			consoleErrors,
			pageErrors,
			failed,
			charts,
			headings,
			focused,
			violations: axe.violations.map((v) => ({
				id: v.id,
				impact: v.impact,
				targets: v.nodes.map((n) => n.target.join(' '))
			}))
		};
		await page.close();
		console.log(
			`${route}: ${charts.length} charts, ${axe.violations.length} axe violations, ` +
				`${consoleErrors.length + pageErrors.length} errors`
		);
	}
	await context.close();
} finally {
	await browser.close();
	server.close();
}
await writeFile(outFile, JSON.stringify({ routes, outside, pages: results }, null, 1));
