import path from 'node:path';
import { parseYamlSafely } from '../trace/frontmatter.js';
import { readManyFiles, walkFiles } from '../util/fs.js';
import { type FlagFile, FlagFileSchema, VOTER_KEY_PATTERN, type VoteFile, VoteFileSchema } from './schema.js';

/** A votes/<trace-id>/<voter>.yml or flags/<trace-id>/<voter>.yml file of the checkout. */
export interface BallotFile<T> {
  file: string;
  traceId: string;
  /** The voter key the file is named by. */
  voter: string;
  /** The parsed content; undefined when the file is malformed (`ct check` reports it). */
  data: T | undefined;
}

export interface Ballots {
  votes: BallotFile<VoteFile>[];
  flags: BallotFile<FlagFile>[];
}

/** Every vote and flag file of the checkout (committed or not), parsed. */
export async function readBallots(root: string): Promise<Ballots> {
  const [votes, flags] = await Promise.all([
    readKind(root, 'votes', (d) => VoteFileSchema.safeParse(d).data),
    readKind(root, 'flags', (d) => FlagFileSchema.safeParse(d).data),
  ]);
  return { votes, flags };
}

async function readKind<T>(
  root: string,
  kind: 'votes' | 'flags',
  parse: (data: unknown) => T | undefined,
): Promise<BallotFile<T>[]> {
  // walkFiles never follows a link: a linked vote file or folder is not a vote (`ct check` reports it).
  const files = (await walkFiles(path.join(root, kind)))
    .map((rel) => rel.split('/'))
    .filter((parts): parts is [string, string] => parts.length === 2)
    .map(([traceId, name]) => ({ traceId, name }))
    .filter(({ name }) => name.endsWith('.yml') && VOTER_KEY_PATTERN.test(name.slice(0, -4)));
  const contents = await readManyFiles(files.map(({ traceId, name }) => path.join(root, kind, traceId, name)));
  const ballots = files.map(({ traceId, name }, i): BallotFile<T> => {
    const file = `${kind}/${traceId}/${name}`;
    let data: T | undefined;
    try {
      data = parse(parseYamlSafely(contents[i]?.toString('utf8') ?? ''));
    } catch {
      data = undefined;
    }
    return { file, traceId, voter: name.slice(0, -4), data };
  });
  return ballots.sort((a, b) => a.file.localeCompare(b.file));
}
