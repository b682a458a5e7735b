import type { PublishResult } from '../../forge/publish.js';
import { color } from './common.js';

export function formatPublish(publish: PublishResult | null, branch: string): string[] {
  if (!publish)
    return [`committed on local branch ${branch} (not published: --no-publish); publish with \`ct publish\``];
  const lines = [publish.status === 'local' ? color.yellow(publish.message) : publish.message];
  if (publish.url && !publish.message.includes(publish.url)) lines.push(`  ${publish.url}`);
  if (publish.hint) lines.push(color.dim(`  hint: ${publish.hint}`));
  if (publish.summary) lines.push('', publish.summary);
  return lines;
}
