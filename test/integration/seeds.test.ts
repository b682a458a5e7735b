import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkStore } from '../../src/check/run.js';
import { listTraceFiles, readTraceFiles, type TraceFile } from '../../src/store/load.js';
import { extractCodeBlocks } from '../../src/trace/sections.js';
import { makeStore } from '../helpers/git.js';

const SEEDS = path.resolve('seeds');

/** Compiles Python and parses TOML for many blocks in one python3 process. */
const PYTHON_CHECKER = `
import json, sys, tomllib
out = []
for item in json.load(sys.stdin):
    try:
        if item["lang"] == "toml": tomllib.loads(item["code"])
        else: compile(item["code"], "<block>", "exec")
        out.append(None)
    except Exception as e:
        out.append(f"{type(e).__name__}: {e}")
json.dump(out, sys.stdout)
`;

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  partial: boolean;
}

const LANG_ALIASES: Record<string, string> = {
  py: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  yml: 'yaml',
};

let files: TraceFile[];
let blocks: Block[];
beforeAll(async () => {
  files = await readTraceFiles(SEEDS, await listTraceFiles(SEEDS));
  blocks = files.flatMap(({ file, text }) =>
    extractCodeBlocks(text).map((b) => ({
      file,
      line: b.line,
      lang: LANG_ALIASES[b.lang] ?? b.lang,
      code: b.code,
      partial: b.info.split(/\s+/).slice(1).includes('partial'),
    })),
  );
});

function checkBlock(block: Block): string | undefined {
  switch (block.lang) {
    case 'javascript':
    case 'typescript': {
      const ext =
        block.lang === 'typescript' ? (/<[A-Za-z][^>]*>[\s\S]*<\/|\/>/.test(block.code) ? 'tsx' : 'ts') : 'jsx';
      const result = ts.transpileModule(block.code, {
        fileName: `block.${ext}`,
        reportDiagnostics: true,
        compilerOptions: { jsx: ts.JsxEmit.Preserve, target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext },
      });
      const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
      return errors.length ? ts.flattenDiagnosticMessageText(errors[0]?.messageText ?? '', '\n') : undefined;
    }
    case 'bash': {
      const r = spawnSync('bash', ['-n'], { input: block.code, encoding: 'utf8' });
      return r.status === 0 ? undefined : r.stderr.trim();
    }
    case 'json':
      try {
        JSON.parse(block.code);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    case 'jsonc': {
      const parsed = ts.parseConfigFileTextToJson('block.jsonc', block.code);
      return parsed.error ? ts.flattenDiagnosticMessageText(parsed.error.messageText, '\n') : undefined;
    }
    case 'yaml': {
      const error = parseAllDocuments(block.code).flatMap((d) => ('errors' in d ? d.errors : []))[0];
      return error?.message;
    }
    default:
      return undefined;
  }
}

describe('seed corpus', () => {
  it('has at least 200 traces, 40 distinct tags, 2-6 tags each and applies_to versions', () => {
    expect(files.length).toBeGreaterThanOrEqual(200);
    const traces = files.map((f) => f.parsed.trace);
    expect(traces.every(Boolean)).toBe(true);
    const tags = new Set(traces.flatMap((t) => t?.tags ?? []));
    expect(tags.size).toBeGreaterThanOrEqual(40);
    for (const t of traces) {
      expect(t?.tags.length, t?.path).toBeGreaterThanOrEqual(2);
      expect(t?.tags.length, t?.path).toBeLessThanOrEqual(6);
      expect(Object.keys(t?.applies_to ?? {}).length, t?.path).toBeGreaterThan(0);
    }
  });

  it('passes ct check with no errors and no warnings', async () => {
    const root = await makeStore('seedcheck');
    fs.cpSync(path.join(SEEDS, 'traces'), path.join(root, 'traces'), { recursive: true });
    const report = await checkStore(root);
    expect(report.problems.map((p) => `${p.file}:${p.line ?? ''} ${p.rule} ${p.message}`)).toEqual([]);
  });

  it('has code blocks that parse for every language we can check', () => {
    const failures: string[] = [];
    const python = blocks.filter((b) => !b.partial && (b.lang === 'python' || b.lang === 'toml'));
    const r = spawnSync('python3', ['-c', PYTHON_CHECKER], {
      input: JSON.stringify(python.map((b) => ({ lang: b.lang, code: b.code }))),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status, r.stderr).toBe(0);
    (JSON.parse(r.stdout) as (string | null)[]).forEach((error, i) => {
      if (error) failures.push(`${python[i]?.file}:${python[i]?.line} ${python[i]?.lang}: ${error}`);
    });
    for (const block of blocks.filter((b) => !b.partial && b.lang !== 'python' && b.lang !== 'toml')) {
      const error = checkBlock(block);
      if (error) failures.push(`${block.file}:${block.line} ${block.lang}: ${error}`);
    }
    expect(failures).toEqual([]);
    expect(
      blocks.every((b) => b.lang.length > 0),
      'every block names its language',
    ).toBe(true);
    const partial = blocks.filter((b) => b.partial).length;
    expect(partial / blocks.length).toBeLessThan(0.1);
    const counts: Record<string, number> = {};
    for (const b of blocks) {
      const key = b.partial ? `${b.lang} (partial)` : b.lang;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    process.stderr.write(`seed code blocks: ${blocks.length}, partial ${partial}: ${JSON.stringify(counts)}\n`);
  });
});
