import fs from 'node:fs';
import path from 'node:path';
import { getPackageRoot } from '../paths.js';

/** The root help as `ct --help` prints it to a pipe (80 columns, no colour), written at build time. */
export const HELP_SNAPSHOT = 'help.txt';

/**
 * `ct --version` and the root `ct --help` (or `ct` alone) to a pipe, answered by bin/run.js before
 * anything else is loaded: what oclif prints (its `config.userAgent`; the help text snapshotted
 * at build time by bin/build/bundle.ts). oclif wraps help to the terminal and colours it, so a
 * terminal, OCLIF_COLUMNS or FORCE_COLOR still get oclif's own. False when not answered.
 */
export function answerInstantly(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const [first, ...rest] = argv;
  if (first === '--version') {
    const pjson = JSON.parse(fs.readFileSync(path.join(getPackageRoot(), 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    process.stdout.write(
      `${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`,
    );
    return true;
  }
  if (!(first === undefined || (first === '--help' && rest.length === 0))) return false;
  if (process.stdout.isTTY || env.OCLIF_COLUMNS || env.FORCE_COLOR) return false;
  try {
    process.stdout.write(fs.readFileSync(path.join(getPackageRoot(), 'dist', HELP_SNAPSHOT), 'utf8'));
    return true;
  } catch {
    return false;
  }
}
