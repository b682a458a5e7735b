import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PullRequestCall {
  authorization: string | undefined;
  body: Record<string, unknown>;
  status: number;
}

export interface GitHubApiServer {
  /** The API base URL for ct.yml `forge.api_url`. */
  url: string;
  /** Every POST /repos/{owner}/{repo}/pulls, accepted or not. */
  calls: PullRequestCall[];
  /** The pull requests opened so far. */
  pulls: { number: number; title: string; head: string; base: string; body: string; html_url: string }[];
  close(): Promise<void>;
}

/**
 * The part of the GitHub REST API that opening a pull request uses, in place of api.github.com:
 * POST /repos/{owner}/{repo}/pulls (checks the token and the JSON body, answers 201, or 422
 * when a pull request for the head already exists, like GitHub) and GET of the same path
 * filtered by `head` (how a client finds the existing one).
 */
export async function startGitHubApi(options: {
  owner: string;
  repo: string;
  token: string;
}): Promise<GitHubApiServer> {
  const calls: PullRequestCall[] = [];
  const pulls: GitHubApiServer['pulls'] = [];
  const base = `/repos/${options.owner}/${options.repo}/pulls`;
  let url = '';
  const send = (res: http.ServerResponse, status: number, data: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(data));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const where = new URL(req.url ?? '/', 'http://127.0.0.1');
      const authorized =
        req.headers.authorization === `token ${options.token}` ||
        req.headers.authorization === `Bearer ${options.token}`;
      if (where.pathname !== base) return send(res, 404, { message: 'Not Found' });
      if (!authorized) {
        if (req.method === 'POST') calls.push({ authorization: req.headers.authorization, body: {}, status: 401 });
        return send(res, 401, { message: 'Bad credentials' });
      }
      if (req.method === 'GET') {
        const head = where.searchParams.get('head');
        return send(
          res,
          200,
          pulls.filter((p) => `${options.owner}:${p.head}` === head),
        );
      }
      if (req.method !== 'POST') return send(res, 405, { message: 'Method Not Allowed' });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        calls.push({ authorization: req.headers.authorization, body: {}, status: 400 });
        return send(res, 400, { message: 'Problems parsing JSON' });
      }
      const call: PullRequestCall = { authorization: req.headers.authorization, body, status: 0 };
      calls.push(call);
      if (
        typeof body.title !== 'string' ||
        typeof body.head !== 'string' ||
        typeof body.base !== 'string' ||
        !body.title ||
        !body.head ||
        !body.base
      ) {
        call.status = 422;
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', code: 'missing_field' }],
        });
      }
      if (pulls.some((p) => p.head === body.head)) {
        call.status = 422;
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${options.owner}:${body.head}.`,
            },
          ],
        });
      }
      const number = pulls.length + 1;
      const pull = {
        number,
        title: body.title,
        head: body.head,
        base: body.base,
        body: typeof body.body === 'string' ? body.body : '',
        html_url: `${url}/${options.owner}/${options.repo}/pull/${number}`,
      };
      pulls.push(pull);
      call.status = 201;
      return send(res, 201, { ...pull, state: 'open', head: { ref: pull.head }, base: { ref: pull.base } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    pulls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
