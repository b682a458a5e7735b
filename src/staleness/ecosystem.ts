export const ECOSYSTEMS = ['npm', 'pypi', 'crates', 'go'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

/** A package on a registry that an applies_to key names. */
export interface PackageRef {
  ecosystem: Ecosystem;
  name: string;
}

/**
 * applies_to names tools and runtimes as often as packages (`postgres: ">=14"`, `node: ">=18"`);
 * several also exist on npm or PyPI as unrelated client libraries (npm's `postgres` is at 3.x),
 * so judging them against a registry would be wrong. They are not checked.
 */
const NOT_PACKAGES = new Set([
  'android',
  'apache',
  'aws',
  'aws-cli',
  'bash',
  'bun',
  'c',
  'c++',
  'cargo',
  'chrome',
  'clang',
  'cmake',
  'cpython',
  'curl',
  'deno',
  'debian',
  'docker',
  'docker-compose',
  'dotnet',
  'elasticsearch',
  'firefox',
  'gcc',
  'git',
  'github-actions',
  'gitlab-ci',
  'go',
  'golang',
  'gradle',
  'helm',
  'ios',
  'java',
  'jdk',
  'kafka',
  'kotlin',
  'kubectl',
  'kubernetes',
  'k8s',
  'linux',
  'macos',
  'make',
  'mariadb',
  'maven',
  'mongodb',
  'mysql',
  'nginx',
  'node',
  'node.js',
  'nodejs',
  'npm',
  'openssl',
  'pgvector',
  'php',
  'pip',
  'pnpm',
  'postgres',
  'postgresql',
  'powershell',
  'python',
  'python3',
  'rabbitmq',
  'redis',
  'ruby',
  'rust',
  'rustc',
  'safari',
  'sh',
  'sqlite',
  'sqlite3',
  'swift',
  'terraform',
  'ubuntu',
  'windows',
  'xcode',
  'yarn',
  'zsh',
]);

/** Tags and applies_to keys that say which language's registry a trace's packages come from. */
const SIGNALS: Record<string, Ecosystem> = {
  node: 'npm',
  nodejs: 'npm',
  'node.js': 'npm',
  javascript: 'npm',
  typescript: 'npm',
  npm: 'npm',
  pnpm: 'npm',
  yarn: 'npm',
  bun: 'npm',
  deno: 'npm',
  python: 'pypi',
  python3: 'pypi',
  pip: 'pypi',
  pypi: 'pypi',
  poetry: 'pypi',
  uv: 'pypi',
  django: 'pypi',
  flask: 'pypi',
  fastapi: 'pypi',
  pytest: 'pypi',
  rust: 'crates',
  cargo: 'crates',
  rustc: 'crates',
  go: 'go',
  golang: 'go',
};

const PREFIX = /^(npm|pypi|crates|go):(.+)$/;

/** Spellings of npm package names that traces use (the same as for matching a project's versions). */
const ALIASES: Record<string, string> = { nextjs: 'next', 'next.js': 'next', reactjs: 'react', ts: 'typescript' };

/** A key without its ecosystem prefix (`npm:next` -> `next`), for comparing with a project's versions. */
export function packageName(key: string): string {
  return PREFIX.exec(key)?.[2] ?? key;
}

/**
 * Which registry package an applies_to key names: an explicit `npm:`, `pypi:`, `crates:` or `go:`
 * prefix; a Go module path (`github.com/x/y`); else the one language the trace's tags and keys
 * point to, npm when none does. A tool or runtime, or a trace that mixes languages without a
 * prefix, gives the reason it is not checked instead.
 */
export function resolvePackage(key: string, context: readonly string[]): PackageRef | { skip: string } {
  const prefixed = PREFIX.exec(key);
  if (prefixed) return { ecosystem: prefixed[1] as Ecosystem, name: prefixed[2] as string };
  const name = key.trim();
  if (NOT_PACKAGES.has(name.toLowerCase())) return { skip: 'a tool or runtime, not a registry package' };
  if (/^[a-z0-9.-]+\.[a-z]{2,}\/\S+$/i.test(name)) return { ecosystem: 'go', name };
  if (/^[\w.-]+\/[\w.-]+(@\S+)?$/.test(name)) return { skip: 'a GitHub Action or repository, not a registry package' };
  const signalled = new Set<Ecosystem>();
  for (const word of context) {
    const ecosystem = SIGNALS[word.toLowerCase()];
    if (ecosystem) signalled.add(ecosystem);
  }
  if (signalled.size > 1)
    return {
      skip: `the trace mixes ${[...signalled].sort().join(' and ')} packages: prefix the key (${[...signalled]
        .sort()
        .map((e) => `${e}:<name>`)
        .join(' or ')})`,
    };
  const ecosystem = [...signalled][0] ?? 'npm';
  return { ecosystem, name: ecosystem === 'npm' ? (ALIASES[name.toLowerCase()] ?? name) : name };
}
