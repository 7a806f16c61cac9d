// The report as GitHub-flavoured markdown: a heading per section and a pipe table.
import type { ReportDocument } from './report-sections.ts';

export function renderMarkdown(doc: ReportDocument): string {
  const out = [`# ${doc.title}`, '', ...doc.lines, ''];
  for (const s of doc.sections) {
    out.push(`## ${s.title}`, '', ...s.lines, '');
    if (!s.table) continue;
    out.push(row(s.table.header), row(s.table.header.map(() => '---')));
    for (const r of s.table.rows) out.push(row(r));
    out.push('');
  }
  return out.join('\n');
}

// A pipe inside a cell (a title, a model name) would split the row.
const cell = (v: string) => v.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
