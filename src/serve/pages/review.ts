import type { AcceptResult } from '../../review/accept.js';
import type { ReviewItem, ReviewList } from '../../review/list.js';
import type { RejectResult } from '../../review/reject.js';
import { type Html, html, page } from '../html.js';

export interface ReviewPageOptions {
  /** Accept and reject are possible: the server has a token. */
  canDecide: boolean;
  /** This client already presented the token (header or sign-in cookie): the forms need not ask. */
  authed: boolean;
  signIn: boolean;
}

/** The review queue (`ct review list`) with accept and reject forms behind the token. */
export function reviewPage(list: ReviewList, options: ReviewPageOptions): Html {
  const storeParam = encodeURIComponent(list.store);
  return page(
    { title: 'Review', nav: 'review', signIn: options.signIn },
    html`<h1>Review queue of ${list.store}</h1>
<p class="hint">Contribution branches not yet merged into ${list.base}${list.remote ? ` (read from ${list.remote})` : ''}, oldest first.</p>
${list.warnings.map((w) => html`<p class="warning">${w}</p>`)}
${
  options.canDecide
    ? ''
    : html`<p class="hint">Accept and reject are off: start <code>ct serve</code> with <code>--token</code> (or CT_SERVE_TOKEN) to enable them.</p>`
}
${list.branches.length === 0 ? html`<p>No open contributions.</p>` : ''}
<ul class="reviews">${list.branches.map((b) => reviewItem(b, storeParam, options))}</ul>`,
  );
}

function reviewItem(item: ReviewItem, storeParam: string, options: ReviewPageOptions): Html {
  const check = item.check.ok
    ? html`<span class="ok">check passed</span>`
    : html`<span class="bad">check: ${item.check.errors} error(s)</span>`;
  const tokenField = options.authed
    ? ''
    : html`<label>Token <input type="password" name="token" autocomplete="current-password" required></label>`;
  return html`<li class="review">
<h2><code>${item.branch}</code></h2>
<p>${item.kind}: ${item.subject}</p>
<p class="meta">${item.author.name} · ${item.date.slice(0, 10)} · ${item.commits} commit(s) · ${check}${
    item.check.warnings ? `, ${item.check.warnings} warning(s)` : ''
  }</p>
<ul class="files">${item.files.map((f) => html`<li>${f.status} <code>${f.path}</code>${f.from ? html` (from <code>${f.from}</code>)` : ''}</li>`)}</ul>
${
  options.canDecide
    ? html`<div class="decide">
<form method="post" action="/review/accept?store=${storeParam}"><input type="hidden" name="branch" value="${item.branch}">${tokenField}<button type="submit">Accept</button></form>
<form method="post" action="/review/reject?store=${storeParam}"><input type="hidden" name="branch" value="${item.branch}">${tokenField}<label>Reason <input type="text" name="reason" maxlength="500"></label><button type="submit" class="reject">Reject</button></form>
</div>`
    : ''
}
</li>`;
}

/** What accept or reject did. */
export function decisionPage(result: AcceptResult | RejectResult, store: string): Html {
  const warnings = 'warnings' in result ? result.warnings : [];
  return page(
    { title: 'Review', nav: 'review' },
    html`<h1>Review</h1><p class="ok">${result.message}</p>
${warnings.map((w) => html`<p class="warning">${w}</p>`)}
<p><a href="/review?store=${encodeURIComponent(store)}">Back to the review queue</a></p>`,
  );
}
