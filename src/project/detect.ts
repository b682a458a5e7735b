import fs from 'node:fs/promises';
import path from 'node:path';
import { parseCargoToml, parseGoMod, parsePackageLock, parsePyproject, parseRequirement } from './manifests.js';
import { detectProjectVersions } from './versions.js';

/** A library or framework the project uses, under the name traces are tagged with. */
export interface Technology {
  /** The topic: a tag-like name (`react`, `nextjs`, `fastapi`, `gin`). */
  name: string;
  /** The package as the project names it (`next`, `github.com/gin-gonic/gin`). */
  package: string;
  /** An exact version from a lockfile or go.mod, else the requirement as written (`>=0.110`). */
  version?: string;
  ecosystem: 'npm' | 'pypi' | 'go' | 'cargo';
}

/** What a project is made of, read from its manifests, lockfiles and file types. */
export interface ProjectProfile {
  root: string;
  /** Languages, most files first (`TypeScript`, `Python`). */
  languages: string[];
  /** Known libraries and frameworks, the most telling first. */
  technologies: Technology[];
  /** Infrastructure the repository configures (`docker`, `docker-compose`, `github-actions`). */
  tools: string[];
  /** Package managers, from lockfiles (`npm`, `pnpm`, `uv`, `poetry`). */
  packageManagers: string[];
  /** The manifests and lockfiles that were read, relative to the root. */
  sources: string[];
}

// Package name -> topic, in order of how much a package says about the project: frameworks
// before databases, before test runners and build tools. Topics follow the tags traces use.
const NPM: [string, string][] = [
  ['next', 'nextjs'],
  ['nuxt', 'nuxt'],
  ['@remix-run/react', 'remix'],
  ['astro', 'astro'],
  ['@sveltejs/kit', 'sveltekit'],
  ['@angular/core', 'angular'],
  ['react-native', 'react-native'],
  ['expo', 'expo'],
  ['electron', 'electron'],
  ['react', 'react'],
  ['vue', 'vue'],
  ['svelte', 'svelte'],
  ['solid-js', 'solid'],
  ['@nestjs/core', 'nestjs'],
  ['express', 'express'],
  ['fastify', 'fastify'],
  ['koa', 'koa'],
  ['hono', 'hono'],
  ['@trpc/server', 'trpc'],
  ['graphql', 'graphql'],
  ['@apollo/server', 'apollo'],
  ['@apollo/client', 'apollo'],
  ['socket.io', 'socket.io'],
  ['@tanstack/react-query', 'react-query'],
  ['react-router', 'react-router'],
  ['react-router-dom', 'react-router'],
  ['redux', 'redux'],
  ['@reduxjs/toolkit', 'redux'],
  ['prisma', 'prisma'],
  ['@prisma/client', 'prisma'],
  ['drizzle-orm', 'drizzle'],
  ['typeorm', 'typeorm'],
  ['sequelize', 'sequelize'],
  ['knex', 'knex'],
  ['mongoose', 'mongodb'],
  ['mongodb', 'mongodb'],
  ['pg', 'postgresql'],
  ['postgres', 'postgresql'],
  ['mysql2', 'mysql'],
  ['better-sqlite3', 'sqlite'],
  ['sqlite3', 'sqlite'],
  ['redis', 'redis'],
  ['ioredis', 'redis'],
  ['bullmq', 'bullmq'],
  ['stripe', 'stripe'],
  ['openai', 'openai'],
  ['@anthropic-ai/sdk', 'anthropic'],
  ['@modelcontextprotocol/sdk', 'mcp'],
  ['jsonwebtoken', 'jwt'],
  ['jose', 'jwt'],
  ['passport', 'passport'],
  ['next-auth', 'next-auth'],
  ['zod', 'zod'],
  ['tailwindcss', 'tailwindcss'],
  ['vite', 'vite'],
  ['webpack', 'webpack'],
  ['esbuild', 'esbuild'],
  ['typescript', 'typescript'],
  ['vitest', 'vitest'],
  ['jest', 'jest'],
  ['@playwright/test', 'playwright'],
  ['playwright', 'playwright'],
  ['cypress', 'cypress'],
  ['testcontainers', 'testcontainers'],
];
const PYPI: [string, string][] = [
  ['django', 'django'],
  ['fastapi', 'fastapi'],
  ['flask', 'flask'],
  ['starlette', 'starlette'],
  ['litestar', 'litestar'],
  ['streamlit', 'streamlit'],
  ['pydantic', 'pydantic'],
  ['sqlmodel', 'sqlmodel'],
  ['sqlalchemy', 'sqlalchemy'],
  ['alembic', 'alembic'],
  ['tortoise-orm', 'tortoise-orm'],
  ['psycopg', 'psycopg'],
  ['psycopg2', 'psycopg'],
  ['psycopg2-binary', 'psycopg'],
  ['asyncpg', 'postgresql'],
  ['pgvector', 'pgvector'],
  ['redis', 'redis'],
  ['celery', 'celery'],
  ['httpx', 'httpx'],
  ['requests', 'requests'],
  ['aiohttp', 'aiohttp'],
  ['uvicorn', 'uvicorn'],
  ['gunicorn', 'gunicorn'],
  ['boto3', 'aws'],
  ['torch', 'pytorch'],
  ['tensorflow', 'tensorflow'],
  ['transformers', 'transformers'],
  ['langchain', 'langchain'],
  ['openai', 'openai'],
  ['anthropic', 'anthropic'],
  ['numpy', 'numpy'],
  ['pandas', 'pandas'],
  ['polars', 'polars'],
  ['scikit-learn', 'scikit-learn'],
  ['pyjwt', 'jwt'],
  ['stripe', 'stripe'],
  ['typer', 'typer'],
  ['click', 'click'],
  ['pytest-asyncio', 'pytest-asyncio'],
  ['pytest', 'pytest'],
  ['testcontainers', 'testcontainers'],
  ['mypy', 'mypy'],
];
const GO: [string, string][] = [
  ['github.com/gin-gonic/gin', 'gin'],
  ['github.com/labstack/echo', 'echo'],
  ['github.com/gofiber/fiber', 'fiber'],
  ['github.com/go-chi/chi', 'chi'],
  ['github.com/gorilla/mux', 'gorilla-mux'],
  ['google.golang.org/grpc', 'grpc'],
  ['gorm.io/gorm', 'gorm'],
  ['github.com/jackc/pgx', 'postgresql'],
  ['github.com/lib/pq', 'postgresql'],
  ['github.com/redis/go-redis', 'redis'],
  ['k8s.io/client-go', 'kubernetes'],
  ['github.com/spf13/cobra', 'cobra'],
  ['github.com/stretchr/testify', 'testify'],
  ['github.com/testcontainers/testcontainers-go', 'testcontainers'],
];
const CARGO: [string, string][] = [
  ['axum', 'axum'],
  ['actix-web', 'actix-web'],
  ['rocket', 'rocket'],
  ['warp', 'warp'],
  ['tonic', 'grpc'],
  ['tauri', 'tauri'],
  ['bevy', 'bevy'],
  ['tokio', 'tokio'],
  ['sqlx', 'sqlx'],
  ['diesel', 'diesel'],
  ['reqwest', 'reqwest'],
  ['hyper', 'hyper'],
  ['serde', 'serde'],
  ['clap', 'clap'],
  ['wasm-bindgen', 'wasm'],
];

const EXTENSIONS: Record<string, string> = {
  '.ts': 'TypeScript',
  '.tsx': 'TypeScript',
  '.mts': 'TypeScript',
  '.cts': 'TypeScript',
  '.js': 'JavaScript',
  '.jsx': 'JavaScript',
  '.mjs': 'JavaScript',
  '.cjs': 'JavaScript',
  '.py': 'Python',
  '.go': 'Go',
  '.rs': 'Rust',
  '.java': 'Java',
  '.kt': 'Kotlin',
  '.rb': 'Ruby',
  '.php': 'PHP',
  '.cs': 'C#',
  '.swift': 'Swift',
  '.c': 'C',
  '.h': 'C',
  '.cpp': 'C++',
  '.cc': 'C++',
  '.hpp': 'C++',
  '.sh': 'Shell',
  '.bash': 'Shell',
  '.sql': 'SQL',
  '.vue': 'Vue',
  '.svelte': 'Svelte',
};
const SOURCE_ORDER = [
  'package.json',
  'package-lock.json',
  'pyproject.toml',
  'requirements',
  'poetry.lock',
  'uv.lock',
  'go.mod',
  'Cargo.toml',
  'Cargo.lock',
];
/** Folders that hold dependencies, builds or caches, not the project's own files. */
const SKIP_DIRS = new Set([
  'node_modules',
  'dist',
  'build',
  'out',
  'target',
  'vendor',
  'coverage',
  '__pycache__',
  'venv',
  'env',
  'site-packages',
  '.git',
  '.next',
  '.venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
]);
/** The file walk stops after this many entries: a session start must stay fast in a huge tree. */
const MAX_ENTRIES = 3000;
const MAX_DEPTH = 3;

/**
 * Reads what the project in `root` is made of: package.json with package-lock.json (via
 * detectProjectVersions), pyproject.toml, requirements*.txt, poetry.lock/uv.lock, go.mod,
 * Cargo.toml/Cargo.lock, and the file types of a bounded walk. Never throws for a missing or
 * malformed file: what cannot be read is left out.
 */
export async function detectProject(root: string): Promise<ProjectProfile> {
  const dir = path.resolve(root);
  const profile: ProjectProfile = {
    root: dir,
    languages: [],
    technologies: [],
    tools: [],
    packageManagers: [],
    sources: [],
  };
  const read = async (rel: string): Promise<string | undefined> => {
    const text = await fs.readFile(path.join(dir, rel), 'utf8').catch(() => undefined);
    if (text !== undefined) profile.sources.push(rel);
    return text;
  };
  const walk = walkFileTypes(dir);
  const found: Technology[] = [];
  const languageHints = new Set<string>();

  const [pkg, lockNpm, yarnLock, pnpmLock, bunLock] = await Promise.all([
    read('package.json'),
    read('package-lock.json'),
    exists(dir, 'yarn.lock'),
    exists(dir, 'pnpm-lock.yaml'),
    exists(dir, 'bun.lock', 'bun.lockb'),
  ]);
  if (pkg !== undefined) {
    languageHints.add('JavaScript');
    const versions = await detectProjectVersions(dir);
    const deps = safeJson(pkg) as
      | { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
      | undefined;
    const names = new Set(Object.keys({ ...deps?.devDependencies, ...deps?.dependencies }).map((n) => n.toLowerCase()));
    found.push(...pick(NPM, names, 'npm', (name) => versions.get(name)));
    if (names.has('typescript')) languageHints.add('TypeScript');
    profile.packageManagers.push(
      lockNpm !== undefined ? 'npm' : yarnLock ? 'yarn' : pnpmLock ? 'pnpm' : bunLock ? 'bun' : 'npm',
    );
  }

  const [pyproject, poetryLock, uvLock, pipfileLock, requirements] = await Promise.all([
    read('pyproject.toml'),
    read('poetry.lock'),
    read('uv.lock'),
    exists(dir, 'Pipfile.lock'),
    readRequirements(dir, profile),
  ]);
  if (pyproject !== undefined || requirements.size > 0 || pipfileLock) {
    languageHints.add('Python');
    const wanted = new Map([...parsePyproject(pyproject ?? ''), ...requirements]);
    const locked = new Map([...parsePackageLock(poetryLock ?? '', 'pypi'), ...parsePackageLock(uvLock ?? '', 'pypi')]);
    found.push(
      ...pick(PYPI, new Set(wanted.keys()), 'pypi', (name) => locked.get(name) ?? (wanted.get(name) || undefined)),
    );
    profile.packageManagers.push(
      uvLock !== undefined ? 'uv' : poetryLock !== undefined ? 'poetry' : pipfileLock ? 'pipenv' : 'pip',
    );
  }

  const goMod = await read('go.mod');
  if (goMod !== undefined) {
    languageHints.add('Go');
    const modules = parseGoMod(goMod);
    found.push(...pickByPrefix(GO, modules));
    profile.packageManagers.push('go modules');
  }

  const [cargoToml, cargoLock] = await Promise.all([read('Cargo.toml'), read('Cargo.lock')]);
  if (cargoToml !== undefined) {
    languageHints.add('Rust');
    const wanted = parseCargoToml(cargoToml);
    const locked = parsePackageLock(cargoLock ?? '', 'cargo');
    found.push(
      ...pick(CARGO, new Set(wanted.keys()), 'cargo', (name) => locked.get(name) ?? (wanted.get(name) || undefined)),
    );
    profile.packageManagers.push('cargo');
  }

  const seen = new Set<string>();
  profile.technologies = found.filter((t) => !seen.has(t.name) && seen.add(t.name));
  const files = await walk;
  for (const hint of languageHints) files.languages.set(hint, (files.languages.get(hint) ?? 0) + 0.5);
  profile.languages = [...files.languages.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([l]) => l);
  profile.tools = files.tools;
  // Reads finish in any order: list the sources in a stable one.
  const rank = (file: string) => SOURCE_ORDER.indexOf(file.startsWith('requirements') ? 'requirements' : file);
  profile.sources.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return profile;
}

/** Known packages present in `names`, in the order of the table (its order is the priority). */
function pick(
  table: [string, string][],
  names: Set<string>,
  ecosystem: Technology['ecosystem'],
  versionOf: (name: string) => string | undefined,
): Technology[] {
  return table
    .filter(([pkg]) => names.has(pkg))
    .map(([pkg, name]) => {
      const version = versionOf(pkg);
      return { name, package: pkg, ecosystem, ...(version ? { version } : {}) };
    });
}

function pickByPrefix(table: [string, string][], modules: Map<string, string>): Technology[] {
  const out: Technology[] = [];
  for (const [prefix, name] of table) {
    const hit = [...modules.keys()].find((m) => m === prefix || m.startsWith(`${prefix}/`));
    if (hit)
      out.push({
        name,
        package: hit,
        ecosystem: 'go',
        ...(modules.get(hit) ? { version: modules.get(hit) as string } : {}),
      });
  }
  return out;
}

async function readRequirements(dir: string, profile: ProjectProfile): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const names = (await fs.readdir(dir).catch(() => [] as string[]))
    .filter((n) => /^requirements.*\.(txt|in)$/i.test(n))
    .sort()
    .slice(0, 5);
  for (const name of names) {
    const text = await fs.readFile(path.join(dir, name), 'utf8').catch(() => '');
    profile.sources.push(name);
    for (const line of text.split(/\r?\n/)) {
      if (/^\s*(#|-|$)/.test(line) || line.includes('://')) continue;
      const req = parseRequirement(line);
      if (req) out.set(req[0], req[1]);
    }
  }
  return out;
}

/** Counts file types and spots infrastructure files, breadth-first and bounded. */
async function walkFileTypes(root: string): Promise<{ languages: Map<string, number>; tools: string[] }> {
  const languages = new Map<string, number>();
  const tools = new Set<string>();
  let entries = 0;
  let level = [''];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0 && entries < MAX_ENTRIES; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      const dirents = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
      for (const d of dirents) {
        if (++entries > MAX_ENTRIES) break;
        const child = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) {
          if (child === '.github/workflows') tools.add('github-actions');
          if (!SKIP_DIRS.has(d.name) && (!d.name.startsWith('.') || d.name === '.github')) next.push(child);
          continue;
        }
        const lower = d.name.toLowerCase();
        if (lower === 'dockerfile' || lower.endsWith('.dockerfile')) tools.add('docker');
        else if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(lower)) tools.add('docker-compose');
        else if (lower === 'nginx.conf') tools.add('nginx');
        const language = EXTENSIONS[path.extname(lower)];
        if (language) languages.set(language, (languages.get(language) ?? 0) + 1);
      }
    }
    level = next;
  }
  return { languages, tools: [...tools].sort() };
}

async function exists(dir: string, ...names: string[]): Promise<boolean> {
  for (const name of names)
    if (
      await fs.access(path.join(dir, name)).then(
        () => true,
        () => false,
      )
    )
      return true;
  return false;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
