import { loadSignals } from '../../index/signals.js';
import { detectProjectVersions, judgeFreshness } from '../../project/versions.js';
import { trustLabel } from '../../render/search-results.js';
import { injectionWarnings, warningLine } from '../../render/untrusted.js';
import { loadRegistryCache } from '../../staleness/cache.js';
import { describeStale, judgeFromCache } from '../../staleness/judge.js';
import { findTrace } from '../../store/find-trace.js';
import type { Store } from '../../store/store.js';
import type { Trace } from '../../trace/schema.js';
import { getTraceLog, type TraceEvent, type TraceLog } from '../../trace-log/trace-log.js';
import { readTraceVersions, type TraceVersion } from '../../trace-log/versions.js';
import { summarizeTrust, type TraceSignals } from '../../trust/signals.js';
import { type Html, html, page, raw } from '../html.js';
import { renderMarkdown } from '../markdown.js';

export interface TraceView {
  store: string;
  trace: Trace;
  signals: TraceSignals | undefined;
  stale: string[];
  log: TraceLog | undefined;
  versions: TraceVersion[];
  historyError: string | undefined;
}

/** Everything the trace page shows: the trace, its signals, staleness (the server's project, `ct stale`'s cache), its history. */
export async function loadTraceView(store: Store, id: string, cwd: string): Promise<TraceView> {
  const trace = await findTrace(store.root, id);
  const [signals, project, registry] = await Promise.all([
    loadSignals(store.root),
    detectProjectVersions(cwd),
    loadRegistryCache(),
  ]);
  const freshness = judgeFreshness(trace.applies_to ?? {}, trace.review_after, project);
  // As search does: what `ct stale` cached about the registries, unless the project's own versions fit.
  const outdated = judgeFromCache(trace.applies_to ?? {}, trace.tags, registry).stale.filter(
    (s) => !freshness.matches.some((m) => m.startsWith(`${s.key} `)),
  );
  const stale = [
    ...freshness.mismatches.map((m) => `applies to ${m}`),
    ...outdated.map(describeStale),
    ...(freshness.reviewDue ? [`review date ${trace.review_after} passed`] : []),
  ];
  let log: TraceLog | undefined;
  let versions: TraceVersion[] = [];
  let historyError: string | undefined;
  try {
    [log, versions] = await Promise.all([getTraceLog(store.root, trace.id), readTraceVersions(store.root, trace.id)]);
  } catch (e) {
    // An uncommitted trace has no history yet; the page still shows the trace.
    historyError = (e as Error).message;
  }
  return { store: store.name, trace, signals: signals.get(trace.id), stale, log, versions, historyError };
}

export function tracePage(view: TraceView, options: { signIn?: boolean } = {}): Html {
  const { trace } = view;
  const trust = summarizeTrust(view.signals);
  const warning = warningLine(injectionWarnings([trace.title, trace.tags.join(' '), trace.body]));
  return page(
    { title: trace.title, signIn: options.signIn ?? false },
    html`<article class="trace${trust.disputed ? ' disputed' : ''}">
<h1>${trace.title}</h1>
${warning ? html`<p class="warning" role="alert">${warning}</p>` : ''}
${trace.status === 'deprecated' ? html`<p class="warning">Deprecated by the store's reviewers.</p>` : ''}
${view.stale.length ? html`<p class="stale">Possibly stale: ${view.stale.join('; ')}</p>` : ''}
<dl class="facts">
<dt>Id</dt><dd><code>${trace.id}</code></dd>
<dt>Store</dt><dd>${view.store} · <code>${trace.path}</code></dd>
<dt>Tags</dt><dd>${trace.tags.map((t) => html`<a class="tag" href="/?tag=${encodeURIComponent(t)}">${t}</a> `)}</dd>
<dt>Created</dt><dd>${trace.created}${view.log?.author ? ` by ${view.log.author.name}` : ''}</dd>
<dt>Status</dt><dd>${trace.status}</dd>
${trace.review_after ? html`<dt>Review after</dt><dd>${trace.review_after}</dd>` : ''}
${trace.agent ? html`<dt>Agent</dt><dd>${[trace.agent.model, trace.agent.version].filter(Boolean).join(', ')}</dd>` : ''}
${
  trace.applies_to && Object.keys(trace.applies_to).length
    ? html`<dt>Applies to</dt><dd>${Object.entries(trace.applies_to)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}</dd>`
    : ''
}
${
  trace.supersedes?.length
    ? html`<dt>Supersedes</dt><dd>${trace.supersedes.map((s) => html`<a href="/trace/${s}"><code>${s}</code></a> `)}</dd>`
    : ''
}
</dl>
${trustSection(view, trust, trustLabel({ trust, status: trace.status }))}
<section class="body">${raw(renderMarkdown(trace.body))}</section>
${historySection(view)}
</article>`,
  );
}

function trustSection(view: TraceView, trust: ReturnType<typeof summarizeTrust>, label: string): Html {
  const s = view.signals;
  const flags = (view.log?.events ?? []).filter((e): e is Extract<TraceEvent, { type: 'flag' }> => e.type === 'flag');
  return html`<section class="trust-box">
<h2>Trust</h2>
<p><strong>${label}</strong>; trust ${trust.trust} (Wilson lower bound of the weighted up-vote share).</p>
<p>Votes that count: ${trust.up} up, ${trust.down} down.${
    s?.author_votes_ignored ? ` ${s.author_votes_ignored} by the author (not counted).` : ''
  }${s?.unverified_votes_ignored ? ` ${s.unverified_votes_ignored} not written by their voter (not counted).` : ''}</p>
${
  trust.disputed
    ? html`<p class="warning">Disputed: ${trust.flags} flag(s)${
        s?.flagReasons.length ? ` (${s.flagReasons.join(', ')})` : ''
      }. Ranked down until a reviewer acts.</p>`
    : html`<p>No open flags.</p>`
}
${
  flags.length
    ? html`<ul class="flags">${flags.map(
        (f) => html`<li>${f.at.slice(0, 10)} ${f.author.name}: ${f.summary}</li>`,
      )}</ul>`
    : ''
}
</section>`;
}

function historySection(view: TraceView): Html {
  if (view.historyError)
    return html`<section class="history"><h2>History</h2><p class="hint">${view.historyError}</p></section>`;
  const events = [...(view.log?.events ?? [])].reverse();
  const diffs = new Map(view.versions.map((v) => [v.commit, v]));
  return html`<section class="history"><h2>History</h2>
<ul class="events">${events.map((e) => {
    const version = e.type === 'vote' || e.type === 'flag' ? undefined : diffs.get(e.commit);
    return html`<li class="event ${e.type}">
<span class="when">${e.at.slice(0, 10)}</span> <span class="who">${e.author.name}</span> <span class="what">${e.summary}</span> <code class="commit">${e.commit.slice(0, 10)}</code>
${version?.diff ? html`<details class="diff"><summary>Changes</summary>${diffBlock(version.diff)}</details>` : ''}
</li>`;
  })}</ul></section>`;
}

/** A unified diff with added and removed lines marked for the stylesheet. */
function diffBlock(diff: string): Html {
  const lines = diff.replace(/\n$/, '').split('\n');
  return html`<pre class="diff-lines">${lines.map((line) => {
    const kind = line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
    return html`<span class="${kind}">${line}</span>`;
  })}</pre>`;
}
