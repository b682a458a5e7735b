import { html as honoHtml, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { UNTRUSTED_NOTICE } from '../render/untrusted.js';

export type Html = HtmlEscapedString;
export { raw };

/**
 * hono's `html` template: every interpolated value is escaped (`& < > " '`) unless it is itself
 * `html` or `raw`. Only synchronous values are interpolated here, so the result is never a promise.
 */
export const html = (strings: TemplateStringsArray, ...values: unknown[]): Html => honoHtml(strings, ...values) as Html;

export interface PageOptions {
  title: string;
  /** The navigation entry to mark as current. */
  nav?: 'search' | 'tags' | 'review';
  /** Load the search page's script (results as you type); every page works without it. */
  script?: boolean;
  /** When a token is configured and this client has not presented it. */
  signIn?: boolean;
}

/** The page shell: a phone-friendly head, the navigation, the content and the untrusted-text notice. */
export function page(options: PageOptions, content: Html): Html {
  const link = (href: string, label: string, key: PageOptions['nav']) =>
    html`<a href="${href}"${options.nav === key ? raw(' aria-current="page"') : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · CommonTrace</title>
<link rel="stylesheet" href="/assets/style.css">
<link rel="stylesheet" href="/assets/highlight.css">
${options.script ? html`<script src="/assets/search.js" defer></script>` : ''}
</head>
<body>
<header class="top">
<a class="brand" href="/">CommonTrace</a>
<nav>${link('/', 'Search', 'search')} ${link('/tags', 'Tags', 'tags')} ${link('/review', 'Review', 'review')}${
    options.signIn ? html` <a href="/login">Sign in</a>` : ''
  }</nav>
</header>
<main>
${content}
</main>
<footer class="notice">${UNTRUSTED_NOTICE}</footer>
</body>
</html>`;
}

/** A page for an error: what failed and what to do. */
export function errorPage(title: string, message: string, hint?: string): Html {
  return page(
    { title },
    html`<h1>${title}</h1><p class="error">${message}</p>${hint ? html`<p class="hint">${hint}</p>` : ''}`,
  );
}
