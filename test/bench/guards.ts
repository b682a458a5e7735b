import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { updateIndex } from '../../src/index/build.js';
import { initStore } from '../../src/store/init.js';
import { openStore } from '../../src/store/store.js';
import { parseTrace } from '../../src/trace/parse.js';
import { traceText } from '../helpers/trace.js';

/** Median wall time of `work` over `runs` runs, in ms. */
async function timeIt(runs: number, work: () => unknown): Promise<{ median_ms: number; max_ms: number; runs: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  const sorted = times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { median_ms: round(sorted[sorted.length >> 1] ?? 0), max_ms: round(sorted.at(-1) ?? 0), runs };
}

/**
 * How fast the guards that tests check by behaviour are: the trace parser's refusals of hostile
 * input (a 10 MB file, 5,000 levels of nesting, YAML alias bombs) and the index lock taken over
 * from a dead process. The tests assert what happens; the times live here, not in pass/fail.
 */
export async function benchGuards(runs = 5): Promise<Record<string, unknown>> {
  const huge = traceText({ extra: `notes: "${'a'.repeat(10 * 1024 * 1024)}"` });
  const deep = traceText({ extra: `x: ${'['.repeat(5000)}${']'.repeat(5000)}` });
  const aliases = traceText({
    extra: [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n'),
  });
  return {
    parse_10mb_trace: await timeIt(runs, () => parseTrace(huge, 't.md')),
    parse_deep_nesting: await timeIt(runs, () => parseTrace(deep, 't.md')),
    parse_alias_bomb: await timeIt(runs, () => parseTrace(aliases, 't.md')),
    index_lock_takeover: await timeIt(runs, lockTakeover),
  };
}

/** An index update on a one-trace store whose lock is held by a process that no longer exists. */
async function lockTakeover(): Promise<void> {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-lock-')), 'store');
  try {
    await initStore(root, { name: 'bench', identity: { name: 'bench', email: 'bench@example.invalid' } });
    fs.mkdirSync(path.join(root, 'traces', 'docker-compose'), { recursive: true });
    fs.writeFileSync(path.join(root, 'traces', 'docker-compose', 'a.md'), traceText());
    fs.mkdirSync(path.join(root, '.ct', 'index.lock'), { recursive: true });
    fs.writeFileSync(path.join(root, '.ct', 'index.lock.owner'), `${os.hostname()} 999999\n`);
    await updateIndex(await openStore(root, 'flag'));
  } finally {
    fs.rmSync(path.dirname(root), { recursive: true, force: true });
  }
}
