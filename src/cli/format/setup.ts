import type { HostList, SetupResult } from '../../hosts/setup.js';
import { color, formatTable } from './common.js';

/** `ct setup <host>`: the diff (dry run) or what was written, then how to check it. */
export function formatSetup(result: SetupResult): string {
  const where = `${result.name} (${result.scope}): ${result.file}`;
  if (result.action === 'unchanged')
    return `${where}\n${color.green('already set up')}: "${result.server}" is up to date; nothing written.\ncheck: ${result.check}`;
  const diff = colorDiff(result.diff);
  if (result.dry_run) return `${diff}\n${color.dim(`dry run: nothing written to ${result.file}`)}`;
  return [
    `${where}`,
    `${color.green(result.action)}: server "${result.server}" -> ${[result.entry.command, ...((result.entry.args as string[]) ?? [])].join(' ')}`,
    ...(result.backup ? [color.dim(`backup of the previous file: ${result.backup}`)] : []),
    `check: ${result.check}`,
  ].join('\n');
}

/** `ct setup --list`: one row per host and scope. */
export function formatHostList(hosts: HostList): string {
  const rows = [[color.dim('host'), color.dim('scope'), color.dim('ct'), color.dim('file')]];
  for (const host of hosts)
    for (const scope of host.scopes)
      rows.push([host.host, scope.scope, scope.configured ? color.green('yes') : color.dim('no'), scope.file]);
  return formatTable(rows);
}

function colorDiff(diff: string): string {
  return diff
    .split('\n')
    .filter((l) => !/^={3,}$/.test(l))
    .map((l) =>
      l.startsWith('+') && !l.startsWith('+++')
        ? color.green(l)
        : l.startsWith('-') && !l.startsWith('---')
          ? color.red(l)
          : l.startsWith('@@')
            ? color.cyan(l)
            : l,
    )
    .join('\n')
    .trimEnd();
}
