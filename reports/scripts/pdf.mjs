// Prints the Overview page and the executive summaries (markdown from the publish step) to PDF
// with headless Chromium, for email. Usage: node scripts/pdf.mjs <build> <exports dir>
import { readFile, writeFile, mkdir, access, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { marked } from 'marked';
import { serve, launchChromium, blockOutside } from './serve.mjs';

const SUMMARIES = ['eda', 'hypothesis_test', 'verified_regression', 'claim_classifier'];
const PDF = { format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } };
const STYLE = `body{font-family:sans-serif;font-size:11pt;line-height:1.45;color:#111;max-width:48em;margin:auto}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #999;padding:3px 6px;text-align:left}
img{max-width:100%}code{font-size:10pt}`;

const PRINT_FONT = `*{font-family:"DejaVu Sans","Liberation Sans",sans-serif !important;
font-variant-numeric:normal !important;font-feature-settings:normal !important}`;

const [buildDir, exportsDir] = process.argv.slice(2);
const summariesDir = path.join(exportsDir, 'summaries');
await mkdir(summariesDir, { recursive: true });

const server = await serve(buildDir);
const browser = await launchChromium();
const outside = [];
try {
	const context = await browser.newContext();
	await blockOutside(context, outside);
	const page = await context.newPage();

	await page.goto(`${server.origin}/`, { waitUntil: 'networkidle' });
	// The site's webfont draws digits with glyphs that PDF text extraction loses (tabular
	// figures); print with a system font so the numbers stay searchable text.
	await page.addStyleTag({ content: PRINT_FONT });
	await page.waitForTimeout(1500);
	await page.pdf({ path: path.join(summariesDir, 'overview.pdf'), ...PDF });
	console.log(`pdf: ${path.join(summariesDir, 'overview.pdf')}`);

	for (const name of SUMMARIES) {
		const md = path.join(summariesDir, `${name}.md`);
		if (!(await access(md).then(() => true, () => false))) continue;
		// Written beside the markdown so that relative figure links resolve.
		const html = path.join(summariesDir, `.${name}.print.html`);
		const body = marked.parse(await readFile(md, 'utf8'));
		await writeFile(
			html,
			`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${name}</title>` +
				`<style>${STYLE}</style></head><body>${body}</body></html>`
		);
		await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
		await page.pdf({ path: path.join(summariesDir, `${name}.pdf`), ...PDF });
		await rm(html);
		console.log(`pdf: ${path.join(summariesDir, `${name}.pdf`)}`);
	}
	await context.close();
} finally {
	await browser.close();
	server.close();
}
if (outside.length) {
	console.error(`blocked requests outside 127.0.0.1:\n${outside.join('\n')}`);
	process.exit(1);
}
