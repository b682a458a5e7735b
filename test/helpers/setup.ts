import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Isolate every test file from the user's data dir and git config: a private CT_HOME and HOME,
// and a fixed git identity, so tests behave the same on a laptop and in CI.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-test-home-'));
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
