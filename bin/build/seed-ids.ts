import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeTime, isValid } from 'ulid';
import { seedsDir } from '../../src/paths.js';
import { walkFiles } from '../../src/util/fs.js';

/**
 * Seed ids are unique in this many leading characters, so `ct show <6 characters>` finds one seed.
 * A ULID's first 10 characters are its time in milliseconds, 5 bits a character: the first 6
 * change every 32^4 ms (about 17.5 minutes).
 */
export const SEED_ID_PREFIX = 6;
const SLOT_MS = 32 ** (10 - SEED_ID_PREFIX);
/** New ids take slots from here on (the seeds were written on 2026-11-22). */
const FIRST_SLOT = Math.ceil(Date.UTC(2026, 10, 20) / SLOT_MS);
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface SeedId {
  /** The trace file, relative to seeds/traces. */
  file: string;
  id: string;
}

/**
 * New ids for the seeds whose id shares its first {@link SEED_ID_PREFIX} characters with another
 * seed's (or is not a ULID). Deterministic and stable: of seeds sharing a prefix the oldest id
 * (the smallest) stays, so existing ids never change when a seed is added; each new id takes the
 * next free time slot, its random part is a hash of the file name, and a second run changes nothing.
 */
export function assignSeedIds(seeds: readonly SeedId[]): Map<string, string> {
  const taken = new Set<string>();
  const renamed: SeedId[] = [];
  for (const seed of [...seeds].sort((a, b) => a.id.localeCompare(b.id))) {
    const prefix = seed.id.slice(0, SEED_ID_PREFIX);
    if (isValid(seed.id) && !taken.has(prefix)) taken.add(prefix);
    else renamed.push(seed);
  }
  const out = new Map<string, string>();
  let slot = FIRST_SLOT;
  for (const seed of renamed.sort((a, b) => a.file.localeCompare(b.file))) {
    while (taken.has(encodeTime(slot * SLOT_MS, 10).slice(0, SEED_ID_PREFIX))) slot++;
    const digest = createHash('sha256').update(seed.file).digest();
    // Anywhere inside the slot (same prefix), so the time part does not end in zeros.
    const time = encodeTime(slot * SLOT_MS + (digest.readUInt32BE(16) % SLOT_MS), 10);
    taken.add(time.slice(0, SEED_ID_PREFIX));
    // 16 Crockford characters from the hash: random-looking, reproducible.
    out.set(seed.file, time + [...digest.subarray(0, 16)].map((byte) => CROCKFORD[byte % 32]).join(''));
  }
  return out;
}

const ID_LINE = /^id:[ \t]*["']?([0-9A-Za-z]+)["']?[ \t]*$/m;

/** The id of every seed trace under `dir` (seeds/traces), by file. */
export async function readSeedIds(dir: string): Promise<SeedId[]> {
  const files = (await walkFiles(dir)).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(
    files.map(async (file) => {
      const id = ID_LINE.exec(await fs.readFile(path.join(dir, file), 'utf8'))?.[1] ?? '';
      return { file, id };
    }),
  );
}

/**
 * `npm run build:seed-ids`: rewrites the `id:` line of the seeds that need a new id (nothing else
 * in the file changes) and prints what changed as JSON; `--check` only reports, exiting 1 when a
 * seed needs a new id.
 */
async function main(argv: string[]): Promise<void> {
  const dir = path.join(seedsDir(), 'traces');
  const seeds = await readSeedIds(dir);
  const changes = assignSeedIds(seeds);
  const byFile = new Map(seeds.map((s) => [s.file, s.id]));
  if (!argv.includes('--check')) {
    for (const [file, id] of changes) {
      const text = await fs.readFile(path.join(dir, file), 'utf8');
      await fs.writeFile(path.join(dir, file), text.replace(ID_LINE, `id: ${id}`));
    }
  }
  const changed = [...changes].map(([file, id]) => ({ file, from: byFile.get(file), to: id }));
  process.stdout.write(`${JSON.stringify({ seeds: seeds.length, changed }, null, 2)}\n`);
  if (argv.includes('--check') && changes.size > 0) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  await main(process.argv.slice(2));
