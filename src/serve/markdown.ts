import hljs from 'highlight.js';
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown of a trace as HTML that is safe to put in a page. Trace text is untrusted, so two
 * independent layers: markdown-it with raw HTML off (a `<script>` or `<img onerror>` in a trace
 * is shown as text) and its link check (no `javascript:`, `vbscript:`, `file:` or `data:` links),
 * then sanitize-html with an allow-list of the elements markdown produces, no event handlers, no
 * style attributes (the CSP forbids inline style), links only to http(s) and mailto, and images turned into links (a trace must not make the
 * reader's browser fetch anything). The page's Content-Security-Policy is the third layer.
 */
const markdown = new MarkdownIt({
  html: false,
  linkify: true,
  typographer: false,
  highlight: (code, language) => {
    const lang = language.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    try {
      const value =
        lang && hljs.getLanguage(lang)
          ? hljs.highlight(code, { language: lang, ignoreIllegals: true }).value
          : hljs.highlightAuto(code).value;
      return `<pre><code class="hljs">${value}</code></pre>`;
    } catch {
      return '';
    }
  },
});

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'blockquote',
    'pre',
    'code',
    'span',
    'em',
    'strong',
    's',
    'del',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    code: ['class'],
    span: ['class'],
    ol: ['start'],
  },
  allowedClasses: { code: ['hljs', 'language-*'], span: ['hljs-*', 'language-*'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
    // An image would be fetched by the reader's browser (a tracking pixel, an internal address):
    // it becomes a link the reader may choose to follow.
    img: (_tag, attribs) => ({
      tagName: 'a',
      attribs: { href: attribs.src ?? '', rel: 'nofollow noopener noreferrer' },
      text: `[image: ${attribs.alt || attribs.src || ''}]`,
    }),
  },
};

/** A trace's markdown (or any untrusted markdown) as sanitised HTML. */
export function renderMarkdown(text: string): string {
  return sanitizeHtml(markdown.render(text), SANITIZE);
}
