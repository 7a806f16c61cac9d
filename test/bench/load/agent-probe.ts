// What the load bench reads about a running agent from outside: CPU time of every thread of its
// process (/proc/<pid>/stat utime + stime), resident memory (/proc/<pid>/status), and the agent's
// own Prometheus metrics (the /metrics endpoint), parsed into a lookup by name and labels.
import { readFileSync, writeFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SEC = 100;

/** User + system CPU time of the whole process (all its threads), in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (in parentheses, which may hold spaces): state is field 3,
  // utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SEC;
}

/** Resident set size now and its high-water mark (since start, or since resetPeakRss), in bytes. */
export function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { now: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets the RSS high-water mark (Linux: clear_refs 5); false when the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface Metrics {
  /** The sum of every series of `name` whose labels include all of `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
  /** Every series of `name`, with its labels. */
  series(name: string): { labels: Record<string, string>; value: number }[];
}

export async function scrape(url: string): Promise<Metrics> {
  const text = await (await fetch(url)).text();
  const rows: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    rows.push({ name: m[1], labels, value: Number(m[3]) });
  }
  const matches = (have: Record<string, string>, want: Record<string, string>) => Object.entries(want).every(([k, v]) => have[k] === v);
  return {
    sum: (name, labels = {}) => rows.filter((r) => r.name === name && matches(r.labels, labels)).reduce((a, r) => a + r.value, 0),
    series: (name) => rows.filter((r) => r.name === name).map(({ labels, value }) => ({ labels, value })),
  };
}
