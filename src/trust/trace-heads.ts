import path from 'node:path';
import { gitBlobId } from '../git/blobs.js';
import { normalizeTag } from '../store/config.js';
import { listTraceFiles } from '../store/load.js';
import { parseYamlSafely } from '../trace/frontmatter.js';
import { ULID_PATTERN } from '../trace/schema.js';
import { readManyFiles } from '../util/fs.js';
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
  const seen = new Set<string>();
  const heads: TraceHead[] = [];
  // A slice of files at a time: only the heads are kept, not every file's text (1 GB at 1,000,000 traces).
  for (let start = 0; start < files.length; start += HEADS_SLICE) {
    const slice = files.slice(start, start + HEADS_SLICE);
    const contents = await readManyFiles(slice.map((file) => path.join(root, file)));
    slice.forEach((file, i) => {
      const head = readHead(file, contents[i], aliases);
      if (!head || seen.has(head.id)) return;
      seen.add(head.id);
      if (keep(head)) heads.push(head);
    });
  }
  return heads;
}

const HEADS_SLICE = 2048;

function readHead(file: string, bytes: Buffer | undefined, aliases: Record<string, string>): TraceHead | undefined {
  if (bytes === undefined) return undefined;
  const text = bytes.toString('utf8');
  const frontmatter = frontmatterOf(text.slice(0, HEAD_BYTES + 1024));
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
