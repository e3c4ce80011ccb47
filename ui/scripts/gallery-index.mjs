// ui/gallery/index.html: every screenshot of a gallery run, by screen, with its checks.
import { writeFileSync } from 'node:fs';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export function writeIndex(file, { results, sizes, locales, head, problems }) {
  const sections = [];
  let current = null;
  for (const r of results) {
    if (r.scenario !== current) {
      if (current) sections.push('</div></section>');
      current = r.scenario;
      sections.push(`<section id="${esc(r.scenario.id)}"><h2>${esc(r.scenario.file.replace(/\.png$/, ''))} — ${esc(r.scenario.title)}</h2><div class="shots">`);
    }
    for (const size of sizes) {
      const shot = r.shots[size.key];
      const bad = shot.axe.length + shot.layout.overflow.length + shot.layout.wraps.length + shot.layout.primary.length + r.errors.length;
      sections.push(
        `<figure class="${bad ? 'bad' : 'ok'}"><a href="${esc(shot.file)}"><img src="${esc(shot.file)}" loading="lazy" alt="${esc(`${r.scenario.title}, ${r.locale}, ${size.name}`)}"></a>` +
          `<figcaption>${esc(r.locale)} · ${esc(size.name)}${bad ? ` · ${bad} problem(s)` : ''}</figcaption></figure>`,
      );
    }
  }
  if (current) sections.push('</div></section>');
  const table = `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${results
    .map((r) => `<tr>${r.row.map((c) => `<td class="${c.startsWith('FAIL') ? 'bad' : ''}">${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const list = problems.length ? `<h2>Problems</h2><ul>${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : '<p>All checks passed.</p>';
  writeFileSync(
    file,
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>Shomei UI gallery</title>
<style>body{font-family:sans-serif;margin:1rem}.shots{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}
img{width:360px;border:1px solid #ccc}.bad{color:#b42318}figure.bad img{border:3px solid #b42318}
table{border-collapse:collapse;font-size:.8rem}td,th{border:1px solid #ddd;padding:.1rem .4rem}</style>
<h1>Shomei UI gallery</h1><p>Every screen in ${locales.join(' and ')} at ${sizes.map((s) => s.name).join(' and ')} (${new Date().toISOString()}).
Made by <code>npm --prefix ui run gallery</code> from <code>ui/src/gallery/scenarios.ts</code>.</p>
${list}${table}${sections.join('\n')}\n`,
  );
}
