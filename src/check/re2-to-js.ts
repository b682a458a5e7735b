/**
 * Translates a Go (RE2) regular expression, as written in gitleaks' rules, into an equivalent
 * JavaScript RegExp source. JavaScript on Node 20 has no inline flag groups, so `(?i)`, `(?i:...)`
 * and `(?-i:...)` are compiled away: case-insensitive letters become `[aA]` and classes gain
 * their other-case ranges. A pattern that is case-insensitive as a whole keeps the `i` flag
 * instead, which is shorter and faster. RE2 has no backreferences or lookarounds, so what is left
 * is mostly syntax: `(?P<name>`, `\z`, `(?s)` dots, and `]` or `{` as literals.
 */
export function translateRe2(source: string): { source: string; flags: string } {
  if (source.startsWith('(?i)') && !/\(\?[-a-z]*i[-a-z]*[:)]/.test(source.slice(4)))
    return { source: new Translator(source.slice(4), false).run(), flags: 'i' };
  return { source: new Translator(source, true).run(), flags: '' };
}

interface Mode {
  fold: boolean;
  dotAll: boolean;
}

class Translator {
  private i = 0;
  private out = '';

  /** `expandCase`: fold case by hand (no `i` flag); otherwise the caller sets the `i` flag. */
  constructor(
    private readonly src: string,
    private readonly expandCase: boolean,
  ) {}

  run(): string {
    this.sequence({ fold: false, dotAll: false }, false);
    if (this.i < this.src.length) throw this.error('unbalanced )');
    return this.out;
  }

  private error(what: string): Error {
    return new Error(`cannot translate RE2 pattern at ${this.i} (${what}): ${this.src}`);
  }

  /** A sequence up to the closing `)` of the current group (or the end). Flags set inside stay inside. */
  private sequence(outer: Mode, inGroup: boolean): void {
    const mode = { ...outer };
    while (this.i < this.src.length) {
      const c = this.src[this.i] as string;
      if (c === ')') {
        if (!inGroup) throw this.error('unbalanced )');
        return;
      }
      if (c === '(') this.group(mode);
      else if (c === '[') this.charClass(mode);
      else if (c === '\\') this.escape(mode);
      else if (c === '.') {
        this.out += mode.dotAll ? '[\\s\\S]' : '[^\\n]';
        this.i++;
      } else if (c === '{') this.brace();
      else if (c === '}') {
        this.out += '\\}';
        this.i++;
      } else {
        this.out += this.literal(c, mode);
        this.i++;
      }
    }
    if (inGroup) throw this.error('missing )');
  }

  private group(mode: Mode): void {
    const rest = this.src.slice(this.i);
    const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
    const named = /^\(\?P?<([A-Za-z_]\w*)>/.exec(rest);
    if (named) {
      this.out += `(?<${named[1]}>`;
      this.i += named[0].length;
      this.body(mode);
    } else if (flags && (flags[1] || flags[2] !== undefined)) {
      const next = applyFlags(mode, flags[1] ?? '', flags[2] ?? '', () => this.error('unsupported flag'));
      this.i += flags[0].length;
      if (flags[3] === ')') {
        // `(?i)` changes the rest of the enclosing group.
        Object.assign(mode, next);
        return;
      }
      this.out += '(?:';
      this.body(next);
    } else if (rest.startsWith('(?:')) {
      this.out += '(?:';
      this.i += 3;
      this.body(mode);
    } else if (rest.startsWith('(?')) {
      throw this.error('unsupported group');
    } else {
      this.out += '(';
      this.i++;
      this.body(mode);
    }
  }

  private body(mode: Mode): void {
    this.sequence(mode, true);
    this.out += ')';
    this.i++;
  }

  private brace(): void {
    const quantifier = /^\{\d+(?:,\d*)?\}/.exec(this.src.slice(this.i));
    // RE2 reads a `{` that starts no repetition as a literal; so does JavaScript, but not everywhere.
    const text = quantifier ? quantifier[0] : '\\{';
    this.out += text;
    this.i += quantifier ? text.length : 1;
  }

  private escape(mode: Mode): void {
    const next = this.src[this.i + 1];
    if (next === undefined) throw this.error('trailing backslash');
    this.i += 2;
    // Without the m flag, JavaScript's $ is the end of the input, as RE2's \z is.
    if (next === 'z') this.out += '$';
    else if (next === 'A') this.out += '^';
    else if (next === 'Q') {
      const end = this.src.indexOf('\\E', this.i);
      const text = this.src.slice(this.i, end === -1 ? undefined : end);
      for (const ch of text) this.out += this.literal(ch, mode);
      this.i = end === -1 ? this.src.length : end + 2;
    } else if (next === 'x' && this.src[this.i] === '{') {
      const end = this.src.indexOf('}', this.i);
      this.out += `\\u${this.src.slice(this.i + 1, end).padStart(4, '0')}`;
      this.i = end + 1;
    } else if (/[pP]/.test(next)) throw this.error('unicode classes are not supported');
    else if (/[a-zA-Z]/.test(next) && !/[bBdDwWsSnrtfvx0]/.test(next)) throw this.error(`unknown escape \\${next}`);
    else this.out += `\\${next}`;
  }

  /** A literal character outside a class. */
  private literal(c: string, mode: Mode): string {
    if (mode.fold && this.expandCase && c.toLowerCase() !== c.toUpperCase())
      return `[${c.toLowerCase()}${c.toUpperCase()}]`;
    return c;
  }

  private charClass(mode: Mode): void {
    this.i++;
    let negated = false;
    if (this.src[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const items: string[] = [];
    const ranges: [number, number][] = [];
    let first = true;
    while (this.i < this.src.length) {
      let c = this.src[this.i] as string;
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && this.src[this.i + 1] === ':') {
        const end = this.src.indexOf(':]', this.i);
        const name = this.src.slice(this.i + 2, end);
        const posix = POSIX_CLASSES[name];
        if (!posix) throw this.error(`unknown POSIX class ${name}`);
        items.push(posix);
        this.i = end + 2;
        continue;
      }
      let code: number;
      if (c === '\\') {
        const e = this.src[this.i + 1] as string;
        if (/[dDwWsS]/.test(e)) {
          items.push(`\\${e}`);
          this.i += 2;
          continue;
        }
        if (e === 'x') {
          const hex = /^\\x([0-9a-fA-F]{2})/.exec(this.src.slice(this.i));
          if (!hex) throw this.error('bad \\x escape');
          code = Number.parseInt(hex[1] as string, 16);
          this.i += 4;
        } else {
          code = (ESCAPES[e] ?? e).charCodeAt(0);
          this.i += 2;
        }
      } else {
        code = c.charCodeAt(0);
        this.i++;
      }
      c = this.src[this.i] as string;
      if (c === '-' && this.src[this.i + 1] !== ']' && this.src[this.i + 1] !== undefined) {
        this.i++;
        let hi: number;
        if (this.src[this.i] === '\\') {
          const e = this.src[this.i + 1] as string;
          const hex = /^\\x([0-9a-fA-F]{2})/.exec(this.src.slice(this.i));
          hi = hex ? Number.parseInt(hex[1] as string, 16) : (ESCAPES[e] ?? e).charCodeAt(0);
          this.i += hex ? 4 : 2;
        } else {
          hi = (this.src[this.i] as string).charCodeAt(0);
          this.i++;
        }
        ranges.push([code, hi]);
      } else ranges.push([code, code]);
    }
    if (this.src[this.i] !== ']') throw this.error('unterminated class');
    this.i++;
    if (mode.fold && this.expandCase) ranges.push(...otherCase(ranges));
    const body = ranges.map(([lo, hi]) => (lo === hi ? classChar(lo) : `${classChar(lo)}-${classChar(hi)}`)).join('');
    this.out += `[${negated ? '^' : ''}${items.join('')}${body}]`;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' };

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
};

function applyFlags(mode: Mode, on: string, off: string, fail: () => Error): Mode {
  const next = { ...mode };
  for (const [flags, value] of [
    [on, true],
    [off, false],
  ] as const) {
    for (const flag of flags) {
      if (flag === 'i') next.fold = value;
      else if (flag === 's') next.dotAll = value;
      else throw fail();
    }
  }
  return next;
}

/** The other-case letters of the ASCII letters in `ranges`, as ranges. */
function otherCase(ranges: readonly [number, number][]): [number, number][] {
  const codes = new Set<number>();
  for (const [lo, hi] of ranges) {
    for (let c = Math.max(lo, 65); c <= Math.min(hi, 122); c++) {
      if (c >= 65 && c <= 90) codes.add(c + 32);
      else if (c >= 97 && c <= 122) codes.add(c - 32);
    }
  }
  const sorted = [...codes].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === c - 1) last[1] = c;
    else out.push([c, c]);
  }
  return out;
}

function classChar(code: number): string {
  const c = String.fromCharCode(code);
  if (/[\w ]/.test(c)) return c;
  if (code < 32 || code > 126) return `\\x${code.toString(16).padStart(2, '0')}`;
  return `\\${c}`;
}
