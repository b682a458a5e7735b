/** Builds trace file text for tests; every part can be overridden or removed. */
export interface TraceParts {
  id?: string | null;
  title?: string | null;
  tags?: string | null;
  created?: string | null;
  extra?: string;
  body?: string;
}

export const VALID_ID = '01JDQ5Z8X4N2K7M3P9R6T1V0WB';

export const VALID_BODY = `## Context
\`docker compose up\` starts the app before PostgreSQL accepts connections:

\`\`\`text
psycopg.OperationalError: connection refused
\`\`\`

## Solution
Add a healthcheck and make the app wait for it:

\`\`\`yaml
services:
  db:
    image: postgres:16
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 2s
  app:
    depends_on:
      db:
        condition: service_healthy
\`\`\`
`;

export function traceText(parts: TraceParts = {}): string {
  const lines = ['---'];
  const field = (key: string, value: string | null | undefined, fallback: string) => {
    if (value === null) return;
    lines.push(`${key}: ${value ?? fallback}`);
  };
  field('id', parts.id, VALID_ID);
  field('title', parts.title, 'Docker Compose healthcheck for PostgreSQL before the app starts');
  field('tags', parts.tags, '[docker-compose, postgresql]');
  field('created', parts.created, '2026-11-21');
  if (parts.extra) lines.push(parts.extra);
  lines.push('---');
  return `${lines.join('\n')}\n${parts.body ?? VALID_BODY}`;
}
