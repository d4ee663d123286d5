import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (getconf CLK_TCK; 100 on Linux almost always). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) a process has used so far, in ms; 0 once it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident set size now (VmRSS) of a process, in MB. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Peak resident set size (VmHWM) of a process, in MB. */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** CPU of a changing set of processes between two moments: pids seen only at the end count from 0. */
export class CpuMeter {
  private readonly start = new Map<number, number>();

  constructor(pids: readonly number[]) {
    for (const pid of pids) this.start.set(pid, cpuMs(pid));
  }

  /** ms of CPU used since construction by these pids (plus any new pid, counted from zero). */
  usedMs(pids: readonly number[]): number {
    let total = 0;
    for (const used of this.usedByPid(pids).values()) total += used;
    return total;
  }

  /** The same, per pid. */
  usedByPid(pids: readonly number[]): Map<number, number> {
    const used = new Map<number, number>();
    for (const pid of new Set([...pids, ...this.start.keys()])) {
      used.set(pid, Math.max(0, cpuMs(pid) - (this.start.get(pid) ?? 0)));
    }
    return used;
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const fmt = (value: number, digits = 1): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

/** A table with a figure and its named baseline side by side. */
export function printTable(title: string, rows: [string, string, string, string][]): void {
  const header: [string, string, string, string] = ['Figure', 'Service', 'Baseline', 'Baseline is'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  console.log(`\n${title}`);
  for (const [i, row] of all.entries()) {
    console.log(`  ${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  |  ')}`);
    if (i === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('--+--')}`);
  }
}
