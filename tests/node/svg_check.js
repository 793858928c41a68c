// svg_check.js SVG SCREENSHOT SEARCH ZOOM NAME...: open pytop's SVG flame graph
// in Debian's headless Chromium (puppeteer-core, no browser download) and
// print TAP lines: no script errors, the frames named NAME... are visible
// with their names as text, hover on ZOOM shows its details and a click
// zooms it to the full width, the search box finds SEARCH and shows a share, Reset zooms out.
// Also prints "# load-ms N" (navigation to the load event).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [svg, shot, search, zoomName, ...names] = process.argv.slice(2);
let n = 0, failed = 0;
function ok(cond, what, diag) {
	n++;
	console.log(`${cond ? '' : 'not '}ok ${n} - ${what}`);
	if (!cond) {
		failed++;
		if (diag) console.log(String(diag).split('\n').map((l) => '#   ' + l).join('\n'));
	}
}

(async () => {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pytop-chromium-'));
	const browser = await puppeteer.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync',
			`--user-data-dir=${profile}`],
	});
	try {
		const page = await browser.newPage();
		const errors = [], requests = [];
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
		page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
		await page.setViewport({ width: 1220, height: 900 });
		const t0 = Date.now();
		await page.goto('file://' + path.resolve(svg), { waitUntil: 'load' });
		console.log(`# load-ms ${Date.now() - t0}`);
		ok(errors.length === 0, 'no script errors on load', errors.join('\n'));
		ok(requests.length === 0, 'nothing fetched from a network', requests.join('\n'));
		await page.screenshot({ path: shot });
		ok(fs.statSync(shot).size > 1000, `screenshot written (${shot})`);

		// frames: name, visible label, geometry
		const frames = () => page.evaluate(() => Array.from(document.querySelectorAll('#frames g')).map((g) => {
			const r = g.querySelector('rect'), t = g.querySelector('text');
			const b = r.getBoundingClientRect();
			return { n: g.getAttribute('data-n'), label: t ? t.textContent : '',
				w: +r.getAttribute('width'), shown: getComputedStyle(g).display !== 'none' && b.width > 0,
				cls: g.getAttribute('class') || '' };
		}));
		let fr = await frames();
		for (const name of names) {
			const f = fr.find((x) => x.n === name);
			ok(f && f.shown, `frame '${name}' is drawn`, fr.map((x) => x.n).join(', '));
			ok(f && f.label.length >= 3 && name.startsWith(f.label.replace(/\.\.$/, '')),
				`frame '${name}' shows its name as text ('${f ? f.label : ''}')`);
		}
		// the visible text on the page contains the names (what a reader sees)
		const text = await page.evaluate(() => Array.from(document.querySelectorAll('#frames text'))
			.map((t) => t.textContent).join('\n'));
		ok(names.every((nm) => text.split('\n').some((l) => l && nm.startsWith(l.replace(/\.\.$/, '')))),
			'the frames\' visible text includes every expected name');

		// hover shows the details line
		await page.hover(`#frames g[data-n="${zoomName}"] rect`);
		const det = await page.evaluate(() => document.getElementById('details').textContent);
		ok(det.includes(zoomName) && /samples, [0-9.]+%/.test(det), `hover shows name, samples, % ('${det}')`);

		// click zooms to the full width
		const full = await page.evaluate(() => 1200 - 2 * 10);
		await page.click(`#frames g[data-n="${zoomName}"] rect`);
		fr = await frames();
		const z = fr.find((x) => x.n === zoomName);
		ok(z && Math.abs(z.w - full) < 0.5, `click zooms '${zoomName}' to the full width (${z && z.w})`);
		const hidden = fr.filter((x) => !x.shown).length;
		ok(hidden > 0, `frames outside the zoomed one are hidden (${hidden})`);
		await page.screenshot({ path: shot.replace(/\.png$/, '-zoom.png') });
		await page.click('#reset');
		fr = await frames();
		ok(fr.every((x) => x.shown), 'Reset zoom shows every frame again');

		// the search box
		await page.type('#search', search);
		const matched = await page.evaluate(() => document.getElementById('matched').textContent);
		fr = await frames();
		const hits = fr.filter((x) => x.cls.includes('m'));
		ok(hits.length > 0 && hits.every((x) => x.n.toLowerCase().includes(search.toLowerCase())),
			`search '${search}' highlights ${hits.length} matching frames`);
		ok(/^Matched: [0-9.]+% /.test(matched), `search shows the matches' share ('${matched}')`);
		console.log(`# matched ${matched}`);
		ok(errors.length === 0, 'no script errors after hover, click, reset and search', errors.join('\n'));
	} finally {
		await browser.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
	console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
})().catch((e) => {
	console.log(`not ok ${n + 1} - the browser run failed: ${e.message}`);
	console.log(`1..${n + 1}`);
	process.exit(1);
});
