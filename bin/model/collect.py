"""Collects self-supervised training pairs (a short text <-> the longer text it describes) from
public text installed on this machine by package name, and keeps the evaluation sets out.

    python3 bin/model/collect.py --out WORK/pairs.jsonl [--eval ../shared/eval] [--man-debs WORK/man]

Sources (each pair is {"s": source, "q": short side, "d": long side}):
  py-doc    Python functions from the system's Python (stdlib + dist-packages): the first sentence of
            the docstring <-> "def name(args):" and the code with that sentence removed (the rest of
            the docstring stays: the evaluation documents keep theirs).
  js-doc    JSDoc comments in node_modules: the description's first sentence <-> the code after it.
  deb-desc  `apt-cache dumpavail`: a package's short description <-> its long description.
  man       man pages (installed ones plus the extracted manpages/manpages-dev debs): the NAME line's
            description <-> the DESCRIPTION section.
  md        markdown files in node_modules and /usr/share/doc: a heading <-> its section's text.
  seed      the seed traces (seeds/): title <-> context and solution.

Every pair whose either side (or, for code, the function with or without its docstring) has the
same normalised text as any cosqa-dev or seamonkey-dup query or corpus document is dropped, and
the counts are reported. Walks are in sorted order, so the output is deterministic for a given set
of installed packages.
"""

import argparse
import ast
import collections
import glob
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap

MAX_DOC_CHARS = 2000
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`'\"])")


def norm_hash(text):
    """Lowercased letters and digits only: the same text with other spacing or quoting matches."""
    key = re.sub(r"[^0-9a-z]+", "", text.lower())
    return hashlib.sha1(key.encode()).hexdigest()[:16] if len(key) >= 8 else None


def first_sentence(text):
    para = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]
    para = " ".join(para.split())
    sentence = SENTENCE_END.split(para, maxsplit=1)[0]
    return sentence.strip()


def useful_query(q):
    words = q.split()
    return 3 <= len(words) <= 40 and len(q) <= 300 and re.search(r"[A-Za-z]{3}", q) is not None


def walk(root, suffixes, skip_dirs=()):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip_dirs and not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(suffixes):
                yield os.path.join(dirpath, name)


def read_text(path, limit=2_000_000):
    try:
        if os.path.getsize(path) > limit:
            return None
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return None


# ---------------------------------------------------------------- python docstrings


def strip_docstring(node, source_lines, drop_all):
    """The function's source without its docstring (drop_all) or without the docstring's first sentence."""
    start, end = node.lineno - 1, node.end_lineno
    decorators = getattr(node, "decorator_list", [])
    if decorators:
        start = min(d.lineno for d in decorators) - 1
    lines = source_lines[start:end]
    doc_node = node.body[0]
    ds, de = doc_node.lineno - 1 - start, doc_node.end_lineno - start
    if drop_all:
        kept = lines[:ds] + lines[de:]
    else:
        doc = ast.get_docstring(node) or ""
        rest = doc[len(first_sentence_raw(doc)) :].strip()
        indent = re.match(r"\s*", lines[ds]).group(0)
        middle = [indent + '"""' + rest + '"""'] if rest else []
        kept = lines[:ds] + middle + lines[de:]
    return textwrap.dedent("\n".join(kept))


def first_sentence_raw(doc):
    para = re.split(r"\n\s*\n", doc.strip(), maxsplit=1)[0]
    m = SENTENCE_END.search(para)
    return para[: m.start()] if m else para


def python_pairs(roots, per_package=4000):
    """per_package caps the pairs from one top-level package (generated SDKs such as azure or plotly
    would otherwise be most of the data, with near-identical docstrings)."""
    seen = set()
    taken = collections.Counter()
    for root in roots:
        skip = ("__pycache__", "test", "tests", "idle_test", "site-packages", "dist-packages")
        for path in walk(root, (".py",), skip_dirs=skip if not root.endswith("/dist-packages") else skip[:4]):
            package = os.path.relpath(path, root).split(os.sep)[0]
            if taken[(root, package)] >= per_package:
                continue
            src = read_text(path, 1_000_000)
            if not src:
                continue
            try:
                tree = ast.parse(src)
            except (SyntaxError, ValueError):
                continue
            lines = src.split("\n")
            for node in ast.walk(tree):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                doc = ast.get_docstring(node)
                if not doc or len(node.body) < 2:
                    continue
                q = first_sentence(doc)
                if not useful_query(q) or q.startswith((":", "@", ">>>")):
                    continue
                full = "\n".join(lines[node.lineno - 1 : node.end_lineno])
                h = hashlib.sha1(full.encode()).hexdigest()
                if h in seen:
                    continue
                seen.add(h)
                taken[(root, package)] += 1
                # Keep the rest of the docstring in half of the pairs, by a stable hash.
                drop_all = int(h[:2], 16) % 2 == 0
                code = strip_docstring(node, lines, drop_all)
                args = ast.unparse(node.args) if hasattr(ast, "unparse") else ""
                title = f"def {node.name}({args}):"
                bare = strip_docstring(node, lines, True)
                yield {
                    "s": "py-doc",
                    "q": q,
                    "d": f"{title}\npython\n{code[:MAX_DOC_CHARS]}",
                    "keys": [full, bare],
                }


# ---------------------------------------------------------------- JSDoc

JSDOC = re.compile(r"/\*\*((?:(?!\*/)[\s\S])*?)\*/\s*\n([^\n]*(?:\n[^\n]*){0,30})")


def js_pairs(root):
    seen = set()
    for path in walk(root, (".js", ".ts", ".mjs", ".cjs")):
        declarations = path.endswith(".d.ts") and "/@types/" not in path and "/typescript/lib/" not in path
        if ".min." in path or declarations:
            continue
        src = read_text(path, 500_000)
        if not src or "/**" not in src:
            continue
        for m in JSDOC.finditer(src):
            body = re.sub(r"^\s*\*\s?", "", m.group(1), flags=re.M)
            desc = body.split("\n@")[0]
            desc = re.sub(r"^@\w+.*$", "", desc, flags=re.M)
            desc = re.sub(r"\{@link\s+([^}|\s]+)[^}]*\}", r"\1", desc)
            q = first_sentence(desc)
            if not useful_query(q):
                continue
            code = m.group(2).split("/**")[0].strip()
            if len(code) < 40 or not re.search(r"[({=]", code):
                continue
            key = q + "\0" + code[:200]
            if key in seen:
                continue
            seen.add(key)
            rest = desc[len(q) :].strip() if desc.strip().startswith(q) else ""
            yield {"s": "js-doc", "q": q, "d": (rest + "\n" + code)[:MAX_DOC_CHARS], "keys": [code]}


# ---------------------------------------------------------------- Debian descriptions


def debian_pairs():
    """Short <-> long descriptions from apt's English translation lists (apt-get update -o Acquire::Languages=en)."""
    lists = sorted(glob.glob("/var/lib/apt/lists/*_i18n_Translation-en*"))
    if not lists:
        print("collect: no Translation-en list: run apt-get update -o Acquire::Languages=en", file=sys.stderr)
    records = []
    for path in lists:
        out = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], capture_output=True, text=True).stdout
        for block in out.split("\n\n"):
            name = re.search(r"^Package: (.+)$", block, re.M)
            m = re.search(r"^Description-en: (.*)\n((?: .*\n?)*)", block, re.M)
            if not name or not m:
                continue
            long_lines = [ln[1:] for ln in m.group(2).split("\n") if ln.startswith(" ")]
            long = "\n".join("" if ln.strip() == "." else ln for ln in long_lines).strip()
            if len(m.group(1).split()) >= 2 and len(long) >= 40:
                records.append((name.group(1).strip(), m.group(1).strip(), long))
    seen = set()
    for name, short, long in sorted(records):
        key = norm_hash(long)
        if key in seen:  # -dev, -doc, -dbg siblings share their long description
            continue
        seen.add(key)
        yield {"s": "deb-desc", "q": f"{name}: {short}", "d": long[:MAX_DOC_CHARS], "keys": []}


# ---------------------------------------------------------------- man pages

ROFF_ESCAPE = re.compile(r"\\f[BIRPC]|\\f\(..|\\f\[[^\]]*\]|\\\(..|\\\*\(..|\\\*.|\\[&|^%]|\\s[-+]?\d")


def roff_text(lines):
    out = []
    for ln in lines:
        if ln.startswith((".\\\"", "'\\\"")):
            continue
        if ln.startswith("."):
            parts = ln.split(None, 1)
            if parts[0] in (".B", ".I", ".BR", ".IR", ".RB", ".RI", ".BI", ".IB", ".SM") and len(parts) > 1:
                ln = parts[1].replace('"', "")
            else:
                continue
        ln = ROFF_ESCAPE.sub("", ln).replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ")
        out.append(ln)
    return " ".join(" ".join(out).split())


def man_pairs(roots):
    seen = set()
    family = collections.Counter()
    for root in roots:
        for path in walk(root, (".gz", ".1", ".2", ".3", ".5", ".7", ".8")):
            # English pages only (translations live in /usr/share/man/<lang>/man*)
            if not re.match(re.escape(root.rstrip("/")) + r"(/usr/share/man)?/man[1-8][^/]*/", path):
                continue
            # at most 30 pages per command family (gcloud alone installs thousands of near-copies)
            stem = re.split(r"[-_.]", os.path.basename(path))[0]
            family[stem] += 1
            if family[stem] > 30:
                continue
            text = read_text(path, 1_000_000)
            if not text or text.startswith(".so "):
                continue
            sections = re.split(r"^\.S[Hh]\s+", text, flags=re.M)
            by_name = {}
            for sec in sections[1:]:
                head, _, body = sec.partition("\n")
                by_name.setdefault(head.strip().strip('"').upper(), body)
            name = roff_text(by_name.get("NAME", "").split("\n"))
            desc = roff_text(by_name.get("DESCRIPTION", "").split("\n"))
            m = re.match(r"(.+?)\s+-+\s+(.+)", name)
            if not m or len(desc) < 60:
                continue
            q = f"{m.group(1).strip()}: {m.group(2).strip()}"
            if q in seen or not useful_query(m.group(2)):
                continue
            seen.add(q)
            yield {"s": "man", "q": q, "d": desc[:MAX_DOC_CHARS], "keys": []}


# ---------------------------------------------------------------- markdown sections

HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$", re.M)


def markdown_pairs(roots):
    seen = set()
    for root in roots:
        for path in walk(root, (".md", ".md.gz", ".markdown")):
            text = read_text(path, 500_000)
            if not text:
                continue
            heads = list(HEADING.finditer(text))
            for i, h in enumerate(heads):
                title = re.sub(r"[`*_\[\]]|\(#?[^)]*\)", "", h.group(2)).strip()
                end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
                body = text[h.end() : end].strip()
                if len(title.split()) < 2 or len(body) < 80 or len(title) > 200:
                    continue
                if re.fullmatch(r"(?i)(v?\d[\w.\-]*|table of contents|license|installation|install|usage|api|"
                                r"changelog|contributing|credits|authors|example|examples|features|options)"
                                r"(\s.*)?", title) and len(title.split()) < 3:
                    continue
                key = title + "\0" + body[:200]
                if key in seen:
                    continue
                seen.add(key)
                yield {"s": "md", "q": title, "d": body[:MAX_DOC_CHARS], "keys": []}


# ---------------------------------------------------------------- inverse cloze


def cloze_pairs(pairs, cap):
    """Inverse cloze for prose: one sentence of a long text <-> the text without it (the sentence is chosen by a
    stable hash). It teaches which words describe the same thing in plain English, as bug reports and traces do."""
    n = 0
    for pair in pairs:
        text = " ".join(pair["d"].split())
        sentences = [x for x in SENTENCE_END.split(text) if x]
        if len(sentences) < 3 or "```" in pair["d"]:
            continue
        i = int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) % len(sentences)
        if not useful_query(sentences[i]):
            continue
        rest = " ".join(sentences[:i] + sentences[i + 1 :])
        yield {"s": "cloze", "q": sentences[i], "d": rest[:MAX_DOC_CHARS], "keys": []}
        n += 1
        if n >= cap:
            return


# ---------------------------------------------------------------- seeds


def seed_pairs(root):
    for path in walk(root, (".md",)):
        text = read_text(path)
        m = re.search(r"^title:\s*(.+)$", text or "", re.M)
        if not m:
            continue
        title = m.group(1).strip().strip('"').strip("'")
        body = text.split("\n---", 2)[-1]
        context = re.search(r"## Context\n([\s\S]*?)(?=\n## |\Z)", body)
        solution = re.search(r"## Solution\n([\s\S]*?)(?=\n## |\Z)", body)
        parts = [p.group(1).strip() for p in (context, solution) if p]
        if parts:
            yield {"s": "seed", "q": title, "d": "\n".join(parts)[:MAX_DOC_CHARS], "keys": []}


# ---------------------------------------------------------------- evaluation sets


def eval_keys(eval_dir):
    """Normalised hashes of every dev query and corpus text (and, for code, its parts)."""
    keys = set()

    def add(text):
        h = norm_hash(text)
        if h:
            keys.add(h)

    for name in ("cosqa-dev", "seamonkey-dup"):
        for line in open(os.path.join(eval_dir, name, "queries.jsonl"), encoding="utf-8"):
            add(json.loads(line)["query"])
        for line in open(os.path.join(eval_dir, name, "corpus.jsonl"), encoding="utf-8"):
            doc = json.loads(line)
            add(doc["title"])
            add(doc["text"])
            code = re.sub(r"^```\w*\n|\n?```\s*$", "", doc["text"].strip())
            add(code)
            try:
                fn = ast.parse(textwrap.dedent(code)).body[0]
                if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    doc_str = ast.get_docstring(fn)
                    if doc_str:
                        add(doc_str)
                        add(first_sentence(doc_str))
                        lines = textwrap.dedent(code).split("\n")
                        add(strip_docstring(fn, lines, True))
            except (SyntaxError, ValueError, IndexError):
                pass
    return keys


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap.add_argument("--out", required=True)
    ap.add_argument("--eval", default=os.path.join(os.path.dirname(repo), "shared", "eval"))
    ap.add_argument("--cloze", type=int, default=40000, help="inverse cloze pairs from the prose sources (0: none)")
    ap.add_argument("--man-debs", default=None, help="folder with extracted man page debs")
    ap.add_argument("--py-extra", default=None, help="folder with extracted python3-* debs (their dist-packages)")
    ap.add_argument("--py-cap", type=int, default=4000, help="py-doc pairs per top-level package")
    args = ap.parse_args()

    dev = eval_keys(args.eval)
    print(f"collect: {len(dev)} normalised dev texts to keep out", file=sys.stderr)
    py_roots = [r for r in sorted(glob.glob("/usr/lib/python3.*")) if re.fullmatch(r".*/python3\.\d+", r)]
    py_roots.append("/usr/lib/python3/dist-packages")
    if args.py_extra:
        py_roots.append(os.path.join(args.py_extra, "usr/lib/python3/dist-packages"))
    man_roots = ["/usr/share/man"] + ([args.man_debs] if args.man_debs else [])
    sources = [
        ("seed", lambda: seed_pairs(os.path.join(repo, "seeds"))),
        ("py-doc", lambda: python_pairs(py_roots, args.py_cap)),
        ("js-doc", lambda: js_pairs(os.path.join(repo, "node_modules"))),
        ("deb-desc", debian_pairs),
        ("man", lambda: man_pairs(man_roots)),
        ("md", lambda: markdown_pairs([os.path.join(repo, "node_modules"), "/usr/share/doc"])),
    ]
    prose = []  # the prose pairs, for inverse cloze after them
    kept = collections.Counter()
    dropped = collections.Counter()
    with open(args.out, "w", encoding="utf-8") as out:
        for name, make in sources:
            for pair in make():
                texts = [pair["q"], pair["d"]] + pair.pop("keys")
                if any(norm_hash(t) in dev for t in texts):
                    dropped[name] += 1
                    continue
                kept[name] += 1
                out.write(json.dumps(pair, ensure_ascii=False) + "\n")
                if name in ("deb-desc", "man", "md"):
                    prose.append(pair)
            print(f"collect: {name}: {kept[name]} pairs, {dropped[name]} dropped (dev overlap)", file=sys.stderr)
        for pair in cloze_pairs(prose, args.cloze):
            if norm_hash(pair["q"]) in dev or norm_hash(pair["d"]) in dev:
                dropped["cloze"] += 1
                continue
            kept["cloze"] += 1
            pair.pop("keys")
            out.write(json.dumps(pair, ensure_ascii=False) + "\n")
        print(f"collect: cloze: {kept['cloze']} pairs, {dropped['cloze']} dropped (dev overlap)", file=sys.stderr)
    report = {"kept": dict(kept), "dropped_dev_overlap": dict(dropped), "dev_keys": len(dev)}
    with open(args.out + ".report.json", "w") as f:
        json.dump(report, f, indent=1)
    print(json.dumps(report), file=sys.stderr)


if __name__ == "__main__":
    main()
