import fs from 'node:fs/promises';

/** What happened in a session, in order, as far as telling "a problem got fixed" needs. */
export type TranscriptEvent =
  | { kind: 'command'; command: string; ok: boolean; output: string }
  | { kind: 'edit'; file: string }
  | { kind: 'assistant'; text: string }
  | { kind: 'user'; text: string };

/** Only the end of a long transcript is read: the recent work is what a nudge is about. */
const TAIL_BYTES = 512 * 1024;
const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);

interface Block {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
  input?: { command?: unknown; file_path?: unknown; notebook_path?: unknown };
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
}

/**
 * The recent events of a Claude Code transcript (JSONL: one entry per line, `type` user or
 * assistant, `message.content` a string or blocks: text, tool_use, tool_result). Lines that are
 * not JSON or not messages are skipped, so a format change reads as "nothing happened".
 */
export async function readTranscriptEvents(file: string): Promise<TranscriptEvent[]> {
  const handle = await fs.open(file, 'r');
  let text: string;
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    text = buffer.toString('utf8');
    // A tail starts mid-line: drop the partial first line.
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
  return parseTranscript(text);
}

export function parseTranscript(jsonl: string): TranscriptEvent[] {
  const events: TranscriptEvent[] = [];
  const pending = new Map<string, { command?: string; edit?: string }>();
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    let entry: { type?: string; message?: { content?: unknown } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    const content = entry.message?.content;
    if (entry.type !== 'user' && entry.type !== 'assistant') continue;
    if (typeof content === 'string') {
      events.push({ kind: entry.type, text: content });
      continue;
    }
    if (!Array.isArray(content)) continue;
    for (const block of content as Block[]) {
      if (block.type === 'text' && typeof block.text === 'string') events.push({ kind: entry.type, text: block.text });
      else if (block.type === 'tool_use' && block.id) {
        if (block.name === 'Bash' && typeof block.input?.command === 'string')
          pending.set(block.id, { command: block.input.command });
        else if (block.name && EDIT_TOOLS.has(block.name)) {
          const file = block.input?.file_path ?? block.input?.notebook_path;
          pending.set(block.id, { edit: typeof file === 'string' ? file : '' });
        }
      } else if (block.type === 'tool_result' && block.tool_use_id) {
        const use = pending.get(block.tool_use_id);
        if (!use) continue;
        const output = resultText(block.content);
        if (use.command !== undefined)
          events.push({
            kind: 'command',
            command: use.command,
            ok: block.is_error !== true && !looksFailed(output),
            output: output.slice(0, 2000),
          });
        // An edit counts once it went through, not when it was refused.
        else if (use.edit !== undefined && block.is_error !== true) events.push({ kind: 'edit', file: use.edit });
      }
    }
  }
  return events;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((c: { text?: unknown }) => (typeof c?.text === 'string' ? c.text : '')).join('\n');
  return '';
}

/** Output that reports failure even when the tool result is not marked as an error. */
export function looksFailed(output: string): boolean {
  return /(^|\n)\s*(FAIL|FAILED|ERROR)\b|\b[1-9]\d* (failed|failing|errors?)\b|Traceback \(most recent call last\)|npm ERR!|\berror(\[E\d+\])?:|\berror TS\d+|^panic:|^Exit code [1-9]/im.test(
    output,
  );
}
