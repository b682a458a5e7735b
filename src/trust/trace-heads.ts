import path from 'node:path';
import { gitBlobId } from '../git/blobs.js';
import { normalizeTag } from '../store/config.js';
import { listTraceFiles } from '../store/load.js';
import { parseYamlSafely } from '../trace/frontmatter.js';
import { ULID_PATTERN } from '../trace/schema.js';
import { readManyFiles } from '../util/fs.js';
import { releaseHeap } from '../util/heap.js';
import { ownString } from '../util/own-string.js';

/** The part of a trace that trust needs: its id and tags, and where it lives. */
export interface TraceHead {
  file: string;
  id: string;
  tags: string[];
  /** The git blob id of the file as it is now. */
  blob: string;
}

const HEAD_BYTES = 16 * 1024;
const ID_LINE = /^id:[ \t]*["']?([0-9A-Z]{26})["']?[ \t]*(?:#.*)?$/m;
const FLOW_TAGS_LINE = /^tags:[ \t]*\[([^\]\n]*)\][ \t]*(?:#.*)?$/m;

/**
 * Id and tags of every trace file in the checkout, from the frontmatter only. Trust is recomputed
 * at every index update, so this avoids a full parse: the usual one-line `id:` and `tags: [..]`
 * are read with a pattern, anything else with the safe YAML loader. Files without a valid id are
 * left out (`ct check` reports them); the first file of a duplicated id wins, as in the index.
 * `keep` chooses which heads to return (all by default): at 1,000,000 traces every head held at
 * once was ~300 MB, while trust needs only the few that votes, flags and seeds concern.
 */
export async function readTraceHeads(
  root: string,
  aliases: Record<string, string> = {},
  keep: (head: TraceHead) => boolean = () => true,
): Promise<TraceHead[]> {
  const files = await listTraceFiles(root);
  // Every file's id, in listing order, as 26 ASCII bytes (26 MB at 1,000,000 files, off the heap):
  // a Set of a million id strings held ~100 MB of heap through the whole read.
  const ids = Buffer.alloc(files.length * ID_BYTES);
  const kept: { head: TraceHead; at: number }[] = [];
  // A slice of files at a time: only the heads are kept, not every file's text (1 GB at 1,000,000 traces).
  for (let start = 0; start < files.length; start += HEADS_SLICE) {
    const slice = files.slice(start, start + HEADS_SLICE);
    const contents = await readManyFiles(slice.map((file) => path.join(root, file)));
    slice.forEach((file, i) => {
      const head = readHead(file, contents[i], aliases);
      if (!head) return;
      ids.write(head.id, (start + i) * ID_BYTES, 'latin1');
      if (keep(head)) kept.push({ head, at: start + i });
    });
    // What a slice leaves behind survives long enough to be promoted, and V8 lets that garbage pile
    // up (~250 MB at 1,000,000 files); where a collection may be asked for, one every 64 slices.
    if ((start / HEADS_SLICE) % 64 === 63) releaseHeap();
  }
  // The first file of an id wins: a kept head loses to an earlier file with its id.
  const wanted = new Map(kept.map(({ head }) => [head.id, Number.POSITIVE_INFINITY]));
  for (let at = 0; wanted.size > 0 && at < files.length; at++) {
    if (ids[at * ID_BYTES] === 0) continue;
    const id = ids.toString('latin1', at * ID_BYTES, (at + 1) * ID_BYTES);
    const first = wanted.get(id);
    if (first !== undefined && at < first) wanted.set(id, at);
  }
  return kept.filter(({ head, at }) => wanted.get(head.id) === at).map(({ head }) => head);
}

const ID_BYTES = 26;
const HEADS_SLICE = 2048;

function readHead(file: string, bytes: Buffer | undefined, aliases: Record<string, string>): TraceHead | undefined {
  if (bytes === undefined) return undefined;
  // Only the head is decoded: the rest of the file is never looked at (its blob id is from the bytes).
  const frontmatter = frontmatterOf(bytes.toString('utf8', 0, Math.min(bytes.length, HEAD_BYTES + 1024)));
  if (frontmatter === undefined) return undefined;
  const fast = { id: ID_LINE.exec(frontmatter)?.[1], tags: FLOW_TAGS_LINE.exec(frontmatter)?.[1] };
  let id = fast.id;
  let tags = fast.tags
    ?.split(',')
    .map((t) => t.trim().replace(/^["']|["']$/g, ''))
    .filter(Boolean);
  if (!id || !tags) {
    let data: unknown;
    try {
      data = parseYamlSafely(frontmatter);
    } catch {
      return undefined;
    }
    if (!data || typeof data !== 'object') return undefined;
    const record = data as Record<string, unknown>;
    id = typeof record.id === 'string' ? record.id : undefined;
    tags = Array.isArray(record.tags) ? record.tags.filter((t): t is string => typeof t === 'string') : [];
  }
  if (!id || !ULID_PATTERN.test(id)) return undefined;
  // Own copies: a capture of the frontmatter would keep the file's whole text alive with the head.
  return {
    file,
    id: ownString(id),
    tags: [...new Set(tags.map((t) => ownString(normalizeTag(t, aliases))))],
    blob: gitBlobId(bytes),
  };
}

function frontmatterOf(text: string): string | undefined {
  const start = text.replace(/^\uFEFF/, '');
  if (!/^---\r?\n/.test(start)) return undefined;
  const close = /\r?\n---[ \t]*(\r?\n|$)/.exec(start.slice(3));
  return close ? start.slice(3, 3 + close.index).replace(/^\r?\n/, '') : undefined;
}
