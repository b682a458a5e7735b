import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { setJsonServer } from '../../src/hosts/edit-json.js';
import { setTomlServer } from '../../src/hosts/edit-toml.js';

const FIELDS = { command: 'ct', args: ['mcp'] };
const plain = (text: string) => JSON.parse(JSON.stringify(parseToml(text)));

describe('editing a host config in place', () => {
  it('TOML: appends a new table and keeps comments and other tables', () => {
    const text = '# mine\nmodel = "o3" # inline comment\n\n[profiles.fast]\nmodel = "x"\n';
    const out = setTomlServer(text, 'config.toml', 'mcp_servers', 'ct', FIELDS);
    expect(out.startsWith(text.trimEnd())).toBe(true);
    expect(plain(out)).toEqual({ model: 'o3', profiles: { fast: { model: 'x' } }, mcp_servers: { ct: FIELDS } });
  });

  it('TOML: replaces the [mcp_servers.ct] block and its sub-tables, keeping what follows and the user env', () => {
    const text =
      '[mcp_servers.ct]\ncommand = "old"\n\n[mcp_servers.ct.env]\nCT_STORE = "team"\n\n# the next table\n[mcp_servers.other]\ncommand = "o"\n';
    const out = setTomlServer(text, 'config.toml', 'mcp_servers', 'ct', FIELDS);
    expect(out).toContain('# the next table\n[mcp_servers.other]');
    expect(plain(out).mcp_servers).toEqual({
      ct: { command: 'ct', args: ['mcp'], env: { CT_STORE: 'team' } },
      other: { command: 'o' },
    });
    expect(setTomlServer(out, 'config.toml', 'mcp_servers', 'ct', FIELDS)).toBe(out);
  });

  it('TOML: a layout the text edit cannot handle (an inline table) is re-serialised, and still right', () => {
    const text = '[mcp_servers]\nct = { command = "old" }\nother = { command = "o" }\n';
    const out = setTomlServer(text, 'config.toml', 'mcp_servers', 'ct', FIELDS);
    expect(plain(out).mcp_servers).toEqual({ ct: FIELDS, other: { command: 'o' } });
  });

  it('JSON: tabs, comments and trailing commas stay; an identical entry is no change', () => {
    const text = '{\n\t// servers\n\t"mcpServers": {\n\t\t"other": { "command": "x" },\n\t},\n}\n';
    const out = setJsonServer(text, 'mcp.json', 'mcpServers', 'ct', FIELDS);
    expect(out).toContain('\t// servers');
    expect(out).toMatch(/^\t\t"ct": \{$/m);
    expect(setJsonServer(out, 'mcp.json', 'mcpServers', 'ct', FIELDS)).toBe(out);
  });
});

describe('inserting next to a one-line sibling', () => {
  it('leaves the sibling as written', () => {
    const text = '{\n  "mcpServers": {\n    "one": {"command": "x"},\n    "two": {"command": "y"} // mine\n  }\n}\n';
    const out = setJsonServer(text, 'mcp.json', 'mcpServers', 'ct', FIELDS);
    expect(out).toContain(
      '    "one": {"command": "x"},\n    "two": {"command": "y"},\n    "ct": {\n      "command": "ct",',
    );
    expect(out).toContain('// mine');
    expect(JSON.parse(out.replace('// mine', '')).mcpServers.ct).toEqual(FIELDS);
  });
});
