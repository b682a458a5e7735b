import { parse as parseToml } from 'smol-toml';

/**
 * Forgiving readers for dependency manifests and lockfiles. They read only what session context
 * needs (names and versions) and skip what they do not understand instead of failing: a hook must
 * never break on an unusual file. TOML is read with a real parser (smol-toml), so tables, dotted
 * keys, inline tables and comments mean what TOML says they mean; a file that is not valid TOML
 * yields nothing.
 */

type Table = Record<string, unknown>;

/** PEP 503 name normalisation: `Flask_SQLAlchemy` -> `flask-sqlalchemy`. */
const normalizePypi = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

/** PEP 508 requirement -> [normalised name, version spec]: `fastapi[all]>=0.110,<1` -> ['fastapi', '>=0.110,<1']. */
export function parseRequirement(line: string): [string, string] | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:\(\s*)?([<>=!~^][^;#)]*)?/.exec(line);
  if (!match?.[1]) return undefined;
  return [normalizePypi(match[1]), (match[2] ?? '').replace(/\s+/g, '')];
}

/**
 * Dependencies named in pyproject.toml: PEP 621 `project.dependencies` and optional dependencies,
 * PEP 735 dependency groups, uv's dev-dependencies, and Poetry's dependency tables (main, dev and
 * groups), whose values are a version, a table with a version, or a list of those.
 */
export function parsePyproject(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const doc = readToml(text);
  if (!doc) return out;
  const project = table(doc.project);
  const tool = table(doc.tool);
  const poetry = table(tool.poetry);
  const requirementLists = [
    project.dependencies,
    ...Object.values(table(project['optional-dependencies'])),
    // A group lists requirements and `{include-group = "..."}` tables; only the strings name packages.
    ...Object.values(table(doc['dependency-groups'])),
    table(tool.uv)['dev-dependencies'],
  ];
  for (const list of requirementLists) {
    for (const item of Array.isArray(list) ? list : []) {
      const req = typeof item === 'string' ? parseRequirement(item) : undefined;
      if (req) out.set(req[0], req[1]);
    }
  }
  const poetryTables = [
    poetry.dependencies,
    poetry['dev-dependencies'],
    ...Object.values(table(poetry.group)).map((group) => table(group).dependencies),
  ];
  for (const deps of poetryTables) {
    for (const [name, spec] of Object.entries(table(deps))) {
      if (name.toLowerCase() !== 'python') out.set(normalizePypi(name), versionOf(spec));
    }
  }
  return out;
}

/**
 * Dependencies named in Cargo.toml: `[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`,
 * their target-specific forms (`[target.'cfg(unix)'.dependencies]`), one-crate tables
 * (`[dependencies.serde]`) and `[workspace.dependencies]`. A renamed dependency
 * (`tokio02 = { package = "tokio", ... }`) counts under the crate's real name.
 */
export function parseCargoToml(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const doc = readToml(text);
  if (!doc) return out;
  const sections = [doc, table(doc.workspace), ...Object.values(table(doc.target)).map(table)];
  for (const section of sections) {
    for (const kind of ['dependencies', 'dev-dependencies', 'build-dependencies']) {
      for (const [key, spec] of Object.entries(table(section[kind]))) {
        const crate = typeof table(spec).package === 'string' ? (table(spec).package as string) : key;
        const name = crate.toLowerCase();
        // The first version found wins: [dependencies] before dev- and target-specific ones.
        if (!out.get(name)) out.set(name, versionOf(spec));
      }
    }
  }
  return out;
}

/**
 * Exact versions from the `[[package]]` entries of a lockfile: poetry.lock and uv.lock (names
 * normalised the PyPI way) or Cargo.lock (names as cargo writes them, lower-cased).
 */
export function parsePackageLock(text: string, ecosystem: 'pypi' | 'cargo'): Map<string, string> {
  const out = new Map<string, string>();
  const packages = readToml(text)?.package;
  for (const entry of Array.isArray(packages) ? packages : []) {
    const { name, version } = table(entry);
    if (typeof name !== 'string' || typeof version !== 'string') continue;
    const key = ecosystem === 'pypi' ? normalizePypi(name) : name.toLowerCase();
    // Cargo.lock may hold two versions of a crate; the first is as good a guess as any.
    if (!out.has(key)) out.set(key, version);
  }
  return out;
}

/**
 * Required modules of go.mod with their versions, plus `go` itself. Only `require` lines and
 * blocks count: `replace`, `exclude` and `retract` also name modules and versions, but not ones
 * the project uses.
 */
export function parseGoMod(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let block: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (block !== undefined) {
      if (line === ')') block = undefined;
      else if (block === 'require') addGoRequirement(line, out);
      continue;
    }
    const [verb = '', ...rest] = line.split(/\s+/);
    if (rest.join(' ') === '(') {
      block = verb;
      continue;
    }
    if (verb === 'go' && /^\d+\.\d+(\.\d+)?$/.test(rest[0] ?? '')) out.set('go', rest[0] as string);
    else if (verb === 'require') addGoRequirement(rest.join(' '), out);
  }
  return out;
}

function addGoRequirement(spec: string, out: Map<string, string>): void {
  const [module, version] = spec.split(/\s+/);
  if (module && version?.startsWith('v')) out.set(module.replace(/^"(.*)"$/, '$1'), version);
}

function readToml(text: string): Table | undefined {
  try {
    return parseToml(text) as Table;
  } catch {
    return undefined;
  }
}

/** `value` when it is a TOML table, else an empty one: missing or mistyped sections read as empty. */
function table(value: unknown): Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : {};
}

/** `"1.2"`, `{ version = "1.2", ... }` or a list of such (Poetry's multiple constraints) -> `1.2`. */
function versionOf(spec: unknown): string {
  if (typeof spec === 'string') return spec;
  if (Array.isArray(spec)) return spec.length ? versionOf(spec[0]) : '';
  const version = table(spec).version;
  return typeof version === 'string' ? version : '';
}
