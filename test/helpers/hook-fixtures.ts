import fs from 'node:fs';
import path from 'node:path';
import { writeFile } from './git.js';
import { tempDir } from './temp-dir.js';

/** A React app: package.json ranges, exact versions in package-lock.json, a few source files. */
export function makeNodeProject(): string {
  const dir = path.join(tempDir('ct-node-project-'), 'shop-ui');
  writeFile(
    dir,
    'package.json',
    JSON.stringify(
      {
        name: 'shop-ui',
        private: true,
        type: 'module',
        dependencies: { react: '^18.2.0', 'react-dom': '^18.2.0' },
        devDependencies: { vite: '^5.2.0', typescript: '^5.4.0' },
      },
      null,
      2,
    ),
  );
  const locked = { react: '18.3.1', 'react-dom': '18.3.1', vite: '5.2.11', typescript: '5.4.5' };
  writeFile(
    dir,
    'package-lock.json',
    JSON.stringify(
      {
        name: 'shop-ui',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'shop-ui' },
          ...Object.fromEntries(Object.entries(locked).map(([n, v]) => [`node_modules/${n}`, { version: v }])),
        },
      },
      null,
      2,
    ),
  );
  writeFile(dir, 'src/App.tsx', 'export function App() {\n  return <h1>Shop</h1>;\n}\n');
  writeFile(dir, 'src/main.tsx', "import { App } from './App';\nexport default App;\n");
  writeFile(dir, 'node_modules/react/index.js', '// installed dependencies are not the project\n');
  return dir;
}

/** A FastAPI service described by pyproject.toml (PEP 621 and dependency groups). */
export function makePythonProject(): string {
  const dir = path.join(tempDir('ct-python-project-'), 'orders-api');
  writeFile(
    dir,
    'pyproject.toml',
    [
      '[project]',
      'name = "orders-api"',
      'version = "0.1.0"',
      'requires-python = ">=3.11"',
      'dependencies = [',
      '  "fastapi[standard]>=0.110",',
      '  "pydantic>=2.6,<3",',
      ']',
      '',
      '[dependency-groups]',
      'dev = ["pytest>=8"]',
      '',
    ].join('\n'),
  );
  writeFile(dir, 'app/main.py', 'from fastapi import FastAPI\n\napp = FastAPI()\n');
  writeFile(dir, 'app/models.py', 'from pydantic import BaseModel\n\nclass Order(BaseModel):\n    id: int\n');
  return dir;
}

/** Entries of a Claude Code transcript (JSONL), in the shape Claude Code writes them. */
export class TranscriptBuilder {
  private lines: unknown[] = [];
  private n = 0;

  constructor(private readonly sessionId: string) {}

  user(text: string): this {
    return this.push({ type: 'user', message: { role: 'user', content: text } });
  }

  assistant(text: string): this {
    return this.push({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text }] } });
  }

  /** A Bash call and its result (is_error as Claude Code sets it for a non-zero exit). */
  bash(command: string, output: string, failed: boolean): this {
    const id = `toolu_${++this.n}`;
    this.push({
      type: 'assistant',
      message: {
        role: 'assistant',
        content: [{ type: 'tool_use', id, name: 'Bash', input: { command, description: 'run' } }],
      },
    });
    return this.push({
      type: 'user',
      message: {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: id,
            content: failed ? `Exit code 1\n${output}` : output,
            is_error: failed,
          },
        ],
      },
      toolUseResult: { stdout: output, stderr: '', interrupted: false },
    });
  }

  edit(file: string): this {
    const id = `toolu_${++this.n}`;
    this.push({
      type: 'assistant',
      message: {
        role: 'assistant',
        content: [{ type: 'tool_use', id, name: 'Edit', input: { file_path: file, old_string: 'a', new_string: 'b' } }],
      },
    });
    return this.push({
      type: 'user',
      message: {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: id, content: `The file ${file} has been updated.` }],
      },
    });
  }

  read(file: string): this {
    const id = `toolu_${++this.n}`;
    this.push({
      type: 'assistant',
      message: { role: 'assistant', content: [{ type: 'tool_use', id, name: 'Read', input: { file_path: file } }] },
    });
    return this.push({
      type: 'user',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: '1\texport const a = 1;' }] },
    });
  }

  write(dir: string): string {
    const file = path.join(dir, `${this.sessionId}.jsonl`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, `${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    return file;
  }

  private push(entry: Record<string, unknown>): this {
    this.lines.push({
      ...entry,
      sessionId: this.sessionId,
      uuid: `u-${this.lines.length}`,
      timestamp: new Date(Date.UTC(2026, 10, 22, 10, 0, this.lines.length)).toISOString(),
    });
    return this;
  }
}
