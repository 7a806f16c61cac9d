// The report as one self-contained HTML page (inline style, no scripts), every value escaped.
import type { ReportDocument } from './report-sections.ts';

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}' +
  'th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}';

export function renderHtml(doc: ReportDocument): string {
  const out = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escape(doc.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escape(doc.title)}</h1>`,
    ...doc.lines.map((l) => `<p>${escape(l)}</p>`),
  ];
  for (const s of doc.sections) {
    out.push(`<h2>${escape(s.title)}</h2>`, ...s.lines.map((l) => `<p>${escape(l)}</p>`));
    if (!s.table) continue;
    out.push('<table>', `<tr>${s.table.header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr>`);
    for (const r of s.table.rows) out.push(`<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`);
    out.push('</table>');
  }
  out.push('</body></html>', '');
  return out.join('\n');
}

function escape(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
