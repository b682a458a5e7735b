import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { updateIndex } from '../../src/index/build.js';
import { getPackageRoot } from '../../src/paths.js';
import { searchStores } from '../../src/search/search.js';
import { initStore } from '../../src/store/init.js';
import { openStore, type Store } from '../../src/store/store.js';
import { type CorpusDoc, loadTldrCorpus, missingData } from './eval-data.js';
import { log, summarizeLatencies, timeCommand } from './timing.js';
import { BENCH_IDENTITY, git } from './tldr-store.js';
import { type GeneratedTrace, generateTldrTraces } from './tldr-traces.js';

const BIN = path.join(getPackageRoot(), 'bin', 'run.js');
const QUERIES = 200;
const CLI_RUNS = 7;

/**
 * Federation's cost: the same 3N traces searched as three subscribed stores of N each (one ranked
 * list, cross-store dedupe) and as one store of 3N. Warm searchStores latency (p50/p99 over the
 * same queries, in one process) and whole-process `ct search` (median), with `node -e 0` as the
 * floor. N is 10,000 unless CT_BENCH_FEDERATION_SIZE says otherwise.
 */
export async function benchFederation(size = Number(process.env.CT_BENCH_FEDERATION_SIZE ?? 10_000)) {
  const missing = missingData(path.join('tldr', 'corpus.jsonl'));
  if (missing) return { skipped: missing };
  const pages = loadTldrCorpus();
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-fed-'));
  try {
    const traces = [...generateTldrTraces(pages, size * 3)];
    const parts = [0, 1, 2].map((i) => traces.slice(i * size, (i + 1) * size));
    log(`federation: three stores of ${size} and one of ${size * 3}`);
    const three = await Promise.all(parts.map((part, i) => makeStore(parent, `part-${i + 1}`, part)));
    const one = await makeStore(parent, 'all', traces);
    for (const store of [...three, one]) await updateIndex(store, { full: true });

    const queries = sampleQueries(pages);
    const warm = async (stores: Store[]) => {
      await searchStores(stores, { query: 'extract a tar archive', limit: 10 });
      const ms: number[] = [];
      for (const query of queries) {
        const started = performance.now();
        await searchStores(stores, { query, limit: 10 });
        ms.push(performance.now() - started);
      }
      return summarizeLatencies(ms);
    };
    log('federation: warm searches');
    const warmThree = await warm(three);
    const warmOne = await warm([one]);

    log('federation: whole-process ct search');
    const home = (name: string, stores: Store[]) => {
      const env = { ...process.env, CT_HOME: path.join(parent, name), NO_COLOR: '1', FORCE_COLOR: '0' };
      for (const store of stores) run(['store', 'add', store.root, '--name', store.name], env);
      run(['store', 'remove', 'seeds'], env);
      return env;
    };
    const cli = (env: NodeJS.ProcessEnv) => {
      const { stdout: _, ...timing } = timeCommand(
        process.execPath,
        [BIN, 'search', 'extract a tar archive'],
        CLI_RUNS,
        {
          cwd: parent,
          env,
        },
      );
      return timing;
    };
    const cliThree = cli(home('home-three', three));
    const cliOne = cli(home('home-one', [one]));
    const { stdout: _, ...floor } = timeCommand(process.execPath, ['-e', '0'], CLI_RUNS);
    return {
      traces_per_store: size,
      queries: queries.length,
      warm: {
        three_stores: warmThree,
        one_store: warmOne,
        p50_ratio: round(warmThree.median_ms / warmOne.median_ms),
        p99_ratio: round(warmThree.p99_ms / warmOne.p99_ms),
      },
      cli: {
        three_stores: cliThree,
        one_store: cliOne,
        node_floor: floor,
        ratio: round(cliThree.median_ms / cliOne.median_ms),
      },
    };
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
}

async function makeStore(parent: string, name: string, traces: readonly GeneratedTrace[]): Promise<Store> {
  const root = path.join(parent, name);
  await initStore(root, { name, identity: BENCH_IDENTITY });
  for (const t of traces) {
    const file = path.join(root, t.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, t.text);
  }
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '--no-verify', '-m', `Import ${traces.length} traces`);
  return openStore(root, 'flag', name);
}

function sampleQueries(pages: readonly CorpusDoc[]): string[] {
  const step = Math.max(1, Math.floor(pages.length / QUERIES));
  return pages
    .filter((_, i) => i % step === 0)
    .slice(0, QUERIES)
    .map((p) =>
      `${p.title} ${
        p.text
          .split('\n')
          .find((l) => l.startsWith('>'))
          ?.slice(2) ?? ''
      }`.slice(0, 200),
    );
}

function run(args: string[], env: NodeJS.ProcessEnv): void {
  timeCommand(process.execPath, [BIN, ...args], 0, { env });
}

const round = (n: number) => Math.round(n * 100) / 100;
