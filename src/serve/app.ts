import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ExitCode, isCtError } from '../errors.js';
import type { ServedStores } from '../mcp/served-stores.js';
import { acceptContribution } from '../review/accept.js';
import { listReviews } from '../review/list.js';
import { rejectContribution } from '../review/reject.js';
import { searchStores } from '../search/search.js';
import type { Store } from '../store/store.js';
import { countTags } from '../store/tags.js';
import { bearerToken, isLocalHostHeader, isLoopbackAddress, TOKEN_COOKIE, tokenMatches } from './access.js';
import { readAsset } from './assets.js';
import { FreshnessGate } from './fresh-gate.js';
import { errorPage, type Html } from './html.js';
import { McpHttpEndpoint } from './mcp-http.js';
import { loginPage } from './pages/login.js';
import { decisionPage, reviewPage } from './pages/review.js';
import { searchPage, searchResults } from './pages/search.js';
import { taggedList, tagsPage } from './pages/tags.js';
import { loadTraceView, tracePage } from './pages/trace.js';
import { countIndexedTags, listTaggedTraces } from './tagged.js';

export interface ServeContext {
  stores: ServedStores;
  /** The bearer token; undefined: only loopback clients are served, and review decisions are off. */
  token: string | undefined;
  /** The address bound, for checking Host headers. */
  host: string;
  allowWrite: boolean;
  /** The directory whose project versions judge staleness (applies_to). */
  cwd: string;
  log: (message: string) => void;
}

type Env = { Variables: { authed: boolean } };

/** A server re-checks whether a store changed at most this often (as the MCP server does). */
const FRESHNESS_TTL_MS = 3000;
/** Web search shows this many results. */
const WEB_LIMIT = 20;
/** Tag suggestions are recounted at most this often. */
const TAGS_TTL_MS = 60_000;
const MCP_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The HTTP application of `ct serve`: the web view and MCP at /mcp. Every response carries a
 * strict Content-Security-Policy (scripts, styles and images from this server only, no inline
 * code, nothing framed); clients other than this machine need the token; POSTs from other origins
 * are refused.
 */
export function createApp(ctx: ServeContext): Hono<Env> {
  const app = new Hono<Env>();
  const gate = new FreshnessGate(ctx.log);
  const mcp = new McpHttpEndpoint(ctx.stores, gate, ctx.log, ctx.allowWrite);
  const searchOptions = {
    log: ctx.log,
    freshnessTtlMs: FRESHNESS_TTL_MS,
    revalidate: 'background' as const,
    cwd: ctx.cwd,
  };
  /** The served stores, their indexes checked once for all concurrent requests. */
  const freshStores = async () => {
    const stores = await ctx.stores.all();
    await gate.pass(stores);
    return stores;
  };
  const tagCache = cachedTags(freshStores, ctx.log);

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: 'no-referrer',
      crossOriginResourcePolicy: 'same-origin',
    }),
  );

  app.use(async (c, next) => {
    const presented = bearerToken(c.req.header('authorization')) ?? getCookie(c, TOKEN_COOKIE);
    const authed = tokenMatches(ctx.token, presented);
    c.set('authed', authed);
    const remote = remoteAddress(c);
    const local = isLoopbackAddress(remote) && isLocalHostHeader(c.req.header('host'), ctx.host);
    const open = c.req.path === '/login' || c.req.path.startsWith('/assets/');
    if (local || authed || (open && ctx.token !== undefined)) return next();
    if (ctx.token === undefined)
      return c.text('Forbidden: this server answers only on localhost (start it with --token for others)\n', 403);
    if (c.req.path === '/mcp' || c.req.path.startsWith('/api/')) {
      c.header('WWW-Authenticate', 'Bearer realm="ct serve"');
      return c.json(
        {
          error: {
            code: 'unauthorized',
            message: 'a bearer token is required',
            hint: 'send Authorization: Bearer <token>',
          },
        },
        401,
      );
    }
    return c.html(loginPage(c.req.path === '/' ? '/' : c.req.url.slice(new URL(c.req.url).origin.length)), 401);
  });

  app.all('/mcp', bodyLimit({ maxSize: MCP_MAX_BYTES }), (c) => mcp.handle(c.req.raw));

  // Browsers send Origin with every POST; a form posted from another site is refused (403).
  app.use(csrf());
  app.use(bodyLimit({ maxSize: 64 * 1024 }));

  app.get('/assets/:name', async (c) => {
    const asset = await readAsset(c.req.param('name'));
    if (!asset) return c.text('Not found\n', 404);
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', 'no-cache');
    return c.body(asset.body);
  });

  const signIn = (c: Context<Env>) => ctx.token !== undefined && !c.get('authed');

  /** The results for a query and tag: a search, the tag's traces, or the hint. */
  const results = async (query: string, tag: string): Promise<Html> => {
    if (!query && tag) return taggedList(tag, await listTaggedTraces(await freshStores(), tag, searchOptions));
    if (!query) return searchResults(undefined);
    try {
      const response = await searchStores(
        await freshStores(),
        { query, tags: tag ? [tag] : [], limit: WEB_LIMIT, detail: 'snippet' },
        searchOptions,
      );
      return searchResults(response);
    } catch (e) {
      if (isCtError(e) && e.exit === ExitCode.usage) return searchResults(undefined, e.message);
      throw e;
    }
  };

  app.get('/', async (c) => {
    const query = (c.req.query('q') ?? '').trim();
    const tag = (c.req.query('tag') ?? '').trim();
    const [body, tags] = await Promise.all([results(query, tag), tagCache()]);
    return c.html(searchPage({ query, tag, tags, results: body, signIn: signIn(c) }));
  });

  app.get('/search/results', async (c) =>
    c.html(await results((c.req.query('q') ?? '').trim(), (c.req.query('tag') ?? '').trim())),
  );

  app.get('/api/search', async (c) => {
    const tag = c.req.query('tag');
    const limit = Number(c.req.query('limit') ?? WEB_LIMIT);
    return c.json(
      await searchStores(
        await freshStores(),
        { query: c.req.query('q') ?? '', tags: tag ? [tag] : [], limit, detail: 'snippet' },
        searchOptions,
      ),
    );
  });

  app.get('/trace/:id', async (c) => {
    const store = await ctx.stores.forTrace(c.req.param('id'), c.req.query('store') || undefined);
    return c.html(tracePage(await loadTraceView(store, c.req.param('id'), ctx.cwd), { signIn: signIn(c) }));
  });

  app.get('/tags', async (c) => {
    const stores = await ctx.stores.all();
    const counted = await Promise.all(stores.map(async (s) => ({ store: s.name, ...(await countTags(s.root)) })));
    return c.html(tagsPage(counted, signIn(c)));
  });

  app.get('/review', async (c) => {
    const store = await ctx.stores.get(c.req.query('store') || undefined);
    const list = await listReviews(store);
    return c.html(reviewPage(list, { canDecide: ctx.token !== undefined, authed: c.get('authed'), signIn: signIn(c) }));
  });

  app.post('/review/:decision{accept|reject}', async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    if (ctx.token === undefined)
      return c.html(
        errorPage(
          'Review',
          'accept and reject are off on this server',
          'start ct serve with --token (or CT_SERVE_TOKEN)',
        ),
        403,
      );
    if (!c.get('authed') && !tokenMatches(ctx.token, field('token')))
      return c.html(
        errorPage('Review', 'the token is missing or wrong', 'enter the token the server was started with'),
        401,
      );
    const branch = field('branch');
    if (!branch) return c.html(errorPage('Review', 'no branch was given', 'use the forms of the review queue'), 400);
    const store = await ctx.stores.get(c.req.query('store') || undefined);
    const result =
      c.req.param('decision') === 'accept'
        ? await acceptContribution(store, branch)
        : await rejectContribution(store, branch, { reason: field('reason') });
    ctx.log(result.message);
    return c.html(decisionPage(result, store.name));
  });

  app.get('/login', (c) => c.html(loginPage(safeNext(c.req.query('next')))));
  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    if (!tokenMatches(ctx.token, token)) return c.html(loginPage(next, 'That is not the token of this server.'), 401);
    setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.redirect(next, 303);
  });

  app.notFound((c) => c.html(errorPage('Not found', `nothing at ${c.req.path}`, 'start from the search page'), 404));

  app.onError((err, c) => {
    // hono's own refusals (a cross-origin form POST, a body over the limit) keep their answer.
    if (err instanceof HTTPException) return err.getResponse();
    const status = statusOf(err);
    if (status === 500) ctx.log(`unexpected error on ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    const message = isCtError(err) ? err.message : `unexpected error: ${err.message}`;
    const hint = isCtError(err) ? err.hint : 'this is a bug in ct; the server log has the details';
    if (c.req.path.startsWith('/api/'))
      return c.json({ error: { code: isCtError(err) ? err.code : 'unexpected', message, hint } }, status);
    return c.html(errorPage(status === 404 ? 'Not found' : 'Error', message, hint), status);
  });

  return app;
}

function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** Only a path on this server: never an absolute or protocol-relative URL (an open redirect). */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

function statusOf(err: Error): ContentfulStatusCode {
  if (!isCtError(err)) return 500;
  switch (err.exit) {
    case ExitCode.usage:
    case ExitCode.invalidInput:
      return 400;
    case ExitCode.notFound:
      return 404;
    case ExitCode.checkFailed:
    case ExitCode.git:
      return 409;
    case ExitCode.network:
      return 502;
    default:
      return 500;
  }
}

/** The most used tags of the served stores (from their indexes), for the tag filter; recounted in the background. */
function cachedTags(stores: () => Promise<Store[]>, log: (m: string) => void): () => Promise<string[]> {
  let tags: string[] = [];
  let at = 0;
  let running: Promise<void> | undefined;
  const refresh = async () => {
    tags = (await countIndexedTags(await stores(), { log, freshnessTtlMs: FRESHNESS_TTL_MS }))
      .slice(0, 200)
      .map((t) => t.tag);
    at = Date.now();
  };
  return async () => {
    if (!running && Date.now() - at > TAGS_TTL_MS)
      running = refresh()
        .catch((e: Error) => log(`tags could not be counted: ${e.message}`))
        .finally(() => {
          running = undefined;
        });
    return tags;
  };
}
