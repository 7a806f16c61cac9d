// Source lines stay within 140 columns (the formatter's width), so code reads without scrolling.
// Prettier wraps code but never breaks a string, template or regular expression: a line over the
// width counts only if it is still over once its literals are taken out (as ESLint's max-len does
// with ignoreStrings, ignoreTemplateLiterals and ignoreRegExpLiterals). Long comments count.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const WIDTH = 140;

/**
 * The source with the text inside its string, template and regular-expression literals removed
 * (the newlines of a template that spans lines are kept, so lines still line up).
 */
export function withoutLiterals(source: string): string {
  let i = 0;
  // Code up to `stop` (a template's closing brace) or the end; literals inside become empty pairs.
  const code = (stop: string | null): string => {
    let out = '';
    let prev = '';
    let depth = 0;
    for (; i < source.length; i++) {
      const c = source[i];
      if (stop !== null && c === '}' && depth === 0) return out;
      if (c === '{') depth++;
      if (c === '}') depth--;
      if (c === '/' && source[i + 1] === '/') {
        const end = source.indexOf('\n', i);
        out += source.slice(i, end === -1 ? source.length : end);
        i = (end === -1 ? source.length : end) - 1;
        continue;
      }
      if (c === '`') {
        out += '`' + template() + '`';
        prev = c;
        continue;
      }
      const regexStart = c === '/' && source[i + 1] !== '*' && (prev === '' || /[(,=:[!&|?{};]$/.test(prev));
      if (c === "'" || c === '"' || regexStart) {
        let j = i + 1;
        let inClass = false;
        for (; j < source.length && source[j] !== '\n'; j++) {
          const d = source[j];
          if (d === '\\') j++;
          else if (regexStart && d === '[') inClass = true;
          else if (regexStart && d === ']') inClass = false;
          else if (d === c && !inClass) break;
        }
        out += c + c;
        // An unterminated string (or a division after all) ends at its line.
        i = source[j] === '\n' || j >= source.length ? j - 1 : j;
        prev = c;
        continue;
      }
      out += c;
      if (c.trim() !== '') prev = c;
    }
    return out;
  };
  // From after an opening backtick to its closing one (left at i); keeps only newlines.
  const template = (): string => {
    let kept = '';
    for (i++; i < source.length && source[i] !== '`'; i++) {
      const d = source[i];
      if (d === '\\') i++;
      else if (d === '\n') kept += '\n';
      else if (d === '$' && source[i + 1] === '{') {
        i += 2;
        kept += code('}').replace(/[^\n]/g, '');
      }
    }
    return kept;
  };
  return code(null);
}

function sourceFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.ts', '*.js', '*.mjs'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && !f.startsWith('node_modules/'));
}

describe('line length', () => {
  it('takes literals out before measuring, and keeps comments and code', () => {
    expect(withoutLiterals(`const a = 'x'.repeat(3) + "y" + \`z\${q}\`;`)).toBe(`const a = ''.repeat(3) + "" + \`\`;`);
    expect(withoutLiterals('const r = /a[/]b/g; // note')).toBe('const r = //g; // note');
    expect(withoutLiterals('const half = a / b / c;')).toBe('const half = a / b / c;');
    expect(withoutLiterals('const s = `a ${b ? `c ${d}` : "e"} f`; g({ h });')).toBe('const s = ``; g({ h });');
    expect(withoutLiterals('const t = `one\ntwo ${x}\nthree`;\nnext();').split('\n')).toEqual(['const t = `', '', '`;', 'next();']);
  });

  it('keeps every source line within 140 columns outside its literals', () => {
    const over: string[] = [];
    for (const file of sourceFiles()) {
      const source = readFileSync(file, 'utf8');
      const stripped = withoutLiterals(source).split('\n');
      source.split('\n').forEach((line, i) => {
        if (line.length > WIDTH && (stripped[i]?.length ?? 0) > WIDTH) over.push(`${file}:${i + 1} (${line.length} columns)`);
      });
    }
    expect(over, 'wrap these lines (npx prettier --write <file> wraps code; comments by hand)').toEqual([]);
  });
});
