import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { getDataDir } from '../paths.js';
import type { StopInput, StopOutput } from './schema.js';
import { readTranscriptEvents, type TranscriptEvent } from './transcript.js';

/** How far back a session is judged: the last stretch of work, not the whole day. */
const RECENT_EVENTS = 300;
/** Markers of sessions already nudged are forgotten after this long. */
const MARKER_DAYS = 30;

const FIXED_WORDS =
  /\b(fixed|works now|now works|now (passes|pass|succeeds|builds|compiles|runs)|passing now|all (tests )?(pass|passing)|tests pass|resolved|root cause)\b/i;
const CONFIRM_WORDS = /\b(works now|it works|that (fixed|did) it|fixed it|problem solved|solved it)\b/i;
const REPORTED_PROBLEM =
  /Traceback \(most recent call last\)|\b\w*(Error|Exception)\b:|\b(fails|failing|failed|doesn'?t work|does not work|broken|crash(es|ed)?)\b/i;
const CHECK_COMMAND =
  /\b(test|tests|spec|pytest|jest|vitest|mocha|tsc|lint|eslint|mypy|ruff|build|check|compile|make|cargo|go (test|build|run|vet)|npm|pnpm|yarn|bun|npx|node|python3?|uv|poetry|deno|curl|docker|uvicorn)\b/;

export interface SolvedJudgement {
  solved: boolean;
  /** What was seen, for the nudge: e.g. "`npm test` failed, 1 file was edited, then `npm test` passed". */
  evidence?: string;
}

/**
 * Whether a session fixed something: a failing command (or a reported error) followed by edits
 * and a passing check; or, after a failure or edits, words like "fixed" or "works now".
 */
export function judgeSolved(events: TranscriptEvent[], lastAssistantMessage?: string): SolvedJudgement {
  const recent = events.slice(-RECENT_EVENTS);
  let failure: string | undefined;
  const edited = new Set<string>();
  let editsAfterFailure = 0;
  let passed: string | undefined;
  let words = false;
  for (const event of recent) {
    if (event.kind === 'command' && !event.ok) {
      failure = `\`${short(event.command)}\` failed`;
      passed = undefined;
      editsAfterFailure = 0;
    } else if (event.kind === 'user' && REPORTED_PROBLEM.test(event.text) && !failure) {
      failure = 'an error was reported';
    } else if (event.kind === 'edit') {
      edited.add(event.file);
      if (failure) editsAfterFailure++;
    } else if (
      event.kind === 'command' &&
      event.ok &&
      failure &&
      editsAfterFailure > 0 &&
      CHECK_COMMAND.test(event.command)
    ) {
      passed = `\`${short(event.command)}\` passed`;
    } else if (
      (event.kind === 'assistant' && FIXED_WORDS.test(event.text)) ||
      (event.kind === 'user' && CONFIRM_WORDS.test(event.text))
    ) {
      words = true;
    }
  }
  if (lastAssistantMessage && FIXED_WORDS.test(lastAssistantMessage)) words = true;
  const files = `${edited.size} file${edited.size === 1 ? ' was' : 's were'} edited`;
  if (failure && passed) return { solved: true, evidence: `${failure}, ${files}, then ${passed}` };
  if (words && (failure || edited.size > 0))
    return {
      solved: true,
      evidence: [failure, edited.size ? files : '', 'the fix was reported to work'].filter(Boolean).join(', '),
    };
  return { solved: false };
}

/** The one-line nudge: Claude reads it as the reason its stop was blocked, once. */
export function nudgeText(evidence: string): string {
  return `CommonTrace: this session appears to have fixed a problem (${evidence}). If the fix was non-obvious and verified, offer the user to record it as a trace with the contribute_trace tool (or /commontrace:contribute): the exact error, what worked and how it was verified, without secrets or project-private details; if it was routine, just stop.`;
}

/** What the Stop hook answers, and why it stays silent when it does (shown with DEBUG). */
export interface StopDecision {
  output?: StopOutput;
  silentBecause?: string;
}

/**
 * The Stop hook: a block with the nudge when the session solved something, at most once per
 * session, never while Claude is already continuing because of a Stop hook.
 */
export async function decideStop(input: StopInput): Promise<StopDecision> {
  const silent = (silentBecause: string): StopDecision => ({ silentBecause });
  if (input.stop_hook_active === true)
    return silent('stop_hook_active is true: Claude is already continuing because of a Stop hook');
  if (input.hook_event_name && input.hook_event_name !== 'Stop')
    return silent(`hook_event_name is "${input.hook_event_name}", not "Stop"`);
  // Without a session id there is no way to nudge only once: then never.
  if (!input.session_id) return silent('no session_id in the hook input (was stdin empty or not the Stop hook JSON?)');
  const marker = markerFile(input.session_id);
  if (
    await fs.access(marker).then(
      () => true,
      () => false,
    )
  )
    return silent(`already nudged once in session ${input.session_id}`);
  let unreadable = '';
  const events = input.transcript_path
    ? await readTranscriptEvents(input.transcript_path).catch((e: Error) => {
        unreadable = `; the transcript ${input.transcript_path} could not be read: ${e.message}`;
        return [];
      })
    : [];
  const judgement = judgeSolved(events, input.last_assistant_message);
  if (!judgement.solved || !judgement.evidence) {
    const read = `${events.length} transcript events${input.transcript_path ? '' : ', no transcript_path'}`;
    return silent(
      `nothing fixed as far as the session shows (${read}): no failing command then edits and a passing ` +
        `check, and no "fixed"/"works now" after a failure${unreadable}`,
    );
  }
  if (!(await claimMarker(marker))) return silent(`another Stop hook of session ${input.session_id} nudged first`);
  return { output: { decision: 'block', reason: nudgeText(judgement.evidence) } };
}

const markersDir = (): string => path.join(getDataDir(), 'hooks', 'nudged');
const markerFile = (sessionId: string): string =>
  path.join(markersDir(), createHash('sha256').update(sessionId).digest('hex').slice(0, 32));

/** Creates the marker exclusively: when two Stop hooks race, only one of them nudges. */
async function claimMarker(file: string): Promise<boolean> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.writeFile(file, `${new Date().toISOString()}\n`, { flag: 'wx' });
  } catch {
    return false;
  }
  await pruneMarkers().catch(() => undefined);
  return true;
}

async function pruneMarkers(): Promise<void> {
  const dir = markersDir();
  const names = await fs.readdir(dir);
  if (names.length < 200) return;
  const cutoff = Date.now() - MARKER_DAYS * 24 * 3600 * 1000;
  for (const name of names) {
    const file = path.join(dir, name);
    const { mtimeMs } = await fs.stat(file);
    if (mtimeMs < cutoff) await fs.rm(file, { force: true });
  }
}

const short = (command: string) => {
  const line = command.split('\n')[0]?.trim() ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
};
