/**
 * Small, forgiving readers for dependency manifests and lockfiles. They read only what session
 * context needs (names and versions) and skip what they do not understand instead of failing:
 * a hook must never break on an unusual file.
 */

/** PEP 508 requirement -> [normalised name, version spec]: `fastapi[all]>=0.110,<1` -> ['fastapi', '>=0.110,<1']. */
export function parseRequirement(line: string): [string, string] | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([<>=!~^][^;#]*)?/.exec(line);
  if (!match?.[1]) return undefined;
  return [match[1].toLowerCase().replace(/[._]+/g, '-'), (match[2] ?? '').replace(/\s+/g, '')];
}

/** Dependencies named in pyproject.toml: PEP 621 arrays, dependency groups, Poetry tables. */
export function parsePyproject(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let table = '';
  let inArray = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const header = /^\[+([^\]]+)\]+$/.exec(line);
    if (header?.[1]) {
      table = header[1].trim();
      inArray = false;
      continue;
    }
    const arrayStart = /^([A-Za-z0-9_-]+|"[^"]+")\s*=\s*\[(.*)$/.exec(line);
    const dependencyArray =
      arrayStart &&
      ((table === 'project' && arrayStart[1] === 'dependencies') ||
        table === 'project.optional-dependencies' ||
        table === 'dependency-groups' ||
        /^tool\.uv/.test(table));
    if (arrayStart && dependencyArray) {
      inArray = !closesArray(arrayStart[2] ?? '');
      addQuoted(arrayStart[2] ?? '', out);
      continue;
    }
    if (inArray) {
      addQuoted(line, out);
      if (closesArray(line)) inArray = false;
      continue;
    }
    if (/^tool\.poetry(\.group\.[^.]+)?\.(dev-)?dependencies$/.test(table)) {
      const entry = /^([A-Za-z0-9._-]+)\s*=\s*(?:"([^"]*)"|\{.*?version\s*=\s*"([^"]*)")?/.exec(line);
      if (entry?.[1] && entry[1].toLowerCase() !== 'python')
        out.set(entry[1].toLowerCase().replace(/[._]+/g, '-'), entry[2] ?? entry[3] ?? '');
    }
  }
  return out;
}

/** A `]` outside quoted strings ends the array (`"fastapi[standard]"` does not). */
const closesArray = (text: string): boolean => text.replace(/"[^"]*"|'[^']*'/g, '').includes(']');

function addQuoted(text: string, out: Map<string, string>): void {
  for (const [, quoted] of text.matchAll(/["']([^"']+)["']/g)) {
    const req = quoted ? parseRequirement(quoted) : undefined;
    if (req) out.set(req[0], req[1]);
  }
}

/** `name = "1.2.3"` / `name = { version = "1" }` entries of the TOML tables whose header matches. */
export function parseTomlTable(text: string, header: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  let inside = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inside = header.test(line);
      continue;
    }
    const entry = inside ? /^([A-Za-z0-9_-]+)\s*=\s*(?:"([^"]*)"|\{.*?version\s*=\s*"([^"]*)")?/.exec(line) : null;
    if (entry?.[1]) out.set(entry[1].toLowerCase(), entry[2] ?? entry[3] ?? '');
  }
  return out;
}

/** Exact versions from `[[package]] name = ... version = ...` lockfiles (poetry.lock, uv.lock, Cargo.lock). */
export function parsePackageLock(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [, name, version] of text.matchAll(
    /\[\[package\]\]\s*\r?\nname\s*=\s*"([^"]+)"\s*\r?\nversion\s*=\s*"([^"]+)"/g,
  )) {
    if (name && version && !out.has(name.toLowerCase())) out.set(name.toLowerCase().replace(/[._]+/g, '-'), version);
  }
  return out;
}

/** Required modules of go.mod with their versions, plus `go` itself. */
export function parseGoMod(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const goVersion = /^go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text)?.[1];
  if (goVersion) out.set('go', goVersion);
  for (const [, mod, version] of text.matchAll(/^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]{2,}\/[^\s]+)\s+(v[^\s]+)/gm)) {
    if (mod && version) out.set(mod, version);
  }
  return out;
}
