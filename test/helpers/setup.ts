import fs from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { removeTempDirs, tempDir } from './temp-dir.js';

// Isolate every test file from the user's data dir and git config: a private CT_HOME and HOME,
// and a fixed git identity, so tests behave the same on a laptop and in CI.
const home = tempDir('ct-test-home-');
// Whatever else writes to the OS temp dir, here and in the processes the tests start, lands in a dir
// of this file's and goes with the rest: LanceDB's vector index build leaves its scratch dir behind
// (lance-format/lance#8992), Claude Code keeps one, and so would a crashed browser or CLI.
process.env.TMPDIR = tempDir('ct-test-tmp-');
process.env.CT_HOME = path.join(home, 'ct');
process.env.HOME = home;
process.env.XDG_CONFIG_HOME = path.join(home, '.config');
process.env.GIT_CONFIG_NOSYSTEM = '1';
process.env.GIT_AUTHOR_NAME = 'Test Author';
process.env.GIT_AUTHOR_EMAIL = 'author@example.com';
process.env.GIT_COMMITTER_NAME = 'Test Author';
process.env.GIT_COMMITTER_EMAIL = 'author@example.com';
delete process.env.CT_STORE;
// CT_DATA_DIR would win over CT_HOME: a developer's own setting must not reach the tests.
delete process.env.CT_DATA_DIR;
fs.writeFileSync(
  path.join(home, '.gitconfig'),
  '[user]\n\tname = Test Author\n\temail = author@example.com\n[init]\n\tdefaultBranch = main\n',
);

// Registered before the test file's own hooks, so it runs after them (vitest runs afterAll hooks
// in reverse order): servers and child processes a file stops in afterAll are gone by then.
afterAll(removeTempDirs);
