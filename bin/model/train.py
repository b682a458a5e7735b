"""Trains the static embedding (ct-static-v3) contrastively and exports it as an int8 table.

    python3 bin/model/train.py --work WORK --out src/embed/data [--dim 256] [--init ppmi] [--epochs 4]

Model (model2vec / static-retrieval style): a text is the weighted sum of its rows,
sum_i share_i * softplus(w[row_i]) * E[row_i], L2-normalised; E holds one vector per vocabulary word
and per hashed character n-gram bucket (the out-of-vocabulary words), w one learned weight per row.
Loss: symmetric InfoNCE over in-batch negatives (query -> document and document -> query).
Inputs are the CSR token-row files of prepare.mjs, so the words and rows are exactly the runtime's.
Deterministic for a given WORK folder and thread count (seeded numpy and torch).
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

FORMAT = "commontrace-static-embedding/2"


def load_set(work, name):
    off = np.fromfile(os.path.join(work, f"{name}.off.i32"), dtype=np.int32).astype(np.int64)
    rows = np.fromfile(os.path.join(work, f"{name}.rows.i32"), dtype=np.int32).astype(np.int64)
    w = np.fromfile(os.path.join(work, f"{name}.w.f32"), dtype=np.float32)
    return off, rows, w


def csr_slices(off, idx):
    """Positions of the entries of CSR rows idx, and the bag offsets of those rows."""
    starts, ends = off[idx], off[idx + 1]
    lens = ends - starts
    flat = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends)]) if len(idx) else np.zeros(0, np.int64)
    bag = np.zeros(len(idx), np.int64)
    bag[1:] = np.cumsum(lens)[:-1]
    return flat, bag


def gather(ts, idx):
    """The rows (numpy), shares and bag offsets (torch) of texts idx of a CSR set."""
    off, rows, w = ts
    flat, bag = csr_slices(off, idx)
    return rows[flat], torch.from_numpy(w[flat]), torch.from_numpy(bag)


class StaticModel(torch.nn.Module):
    """E: a vector per row; w: a weight per row. A vocabulary word's effective vector is its own row plus
    the mean of its n-gram bucket rows (ngrams: CSR over the V words), so buckets are trained by known words
    too and a misspelt word lands near the word. Only the words of a batch are composed in a step."""

    def __init__(self, emb, weight, V, ngrams=None):
        super().__init__()
        self.E = torch.nn.Parameter(torch.from_numpy(emb.astype(np.float32)))
        self.w = torch.nn.Parameter(torch.from_numpy(weight.astype(np.float32)))
        self.V = V
        self.ngrams = ngrams

    def compose(self, words):
        own = self.E[torch.from_numpy(words)]
        if self.ngrams is None:
            return own
        off, rows = self.ngrams
        flat, bag = csr_slices(off, words)
        grams = torch.from_numpy(rows[flat])
        return own + F.embedding_bag(grams, self.E, torch.from_numpy(bag), mode="mean")

    def forward(self, rows, shares, bags, table=None):
        """rows: numpy row ids; table: a precomputed full table (evaluation), else the batch's words are composed."""
        V = self.V
        if table is None:
            words = np.unique(rows[rows < V])
            table = torch.cat([self.compose(words), self.E[V:]])
            local = np.where(rows < V, np.searchsorted(words, np.minimum(rows, V - 1)), len(words) + rows - V)
        else:
            local = rows
        pw = shares * F.softplus(self.w[torch.from_numpy(rows)])
        out = F.embedding_bag(torch.from_numpy(local), table, bags, mode="sum", per_sample_weights=pw)
        return F.normalize(out, dim=-1)

    def rows_table(self):
        return torch.cat([self.compose(np.arange(self.V)), self.E[self.V :]])

    def table(self):
        with torch.no_grad():
            return (F.softplus(self.w)[:, None] * self.rows_table()).numpy()


def embed_all(model, ts, batch=4096):
    n = len(ts[0]) - 1
    out = []
    with torch.no_grad():
        table = model.rows_table()
        for i in range(0, n, batch):
            out.append(model(*gather(ts, np.arange(i, min(n, i + batch))), table=table))
    return torch.cat(out)


def evaluate(model, work, sets):
    """Vector-only recall@10 and MRR@10 on the dev sets (for monitoring; the product figures come from TS)."""
    labels = json.load(open(os.path.join(work, "eval.json")))
    res = {}
    for name in sets:
        D = embed_all(model, sets[name][1])
        Q = embed_all(model, sets[name][0])
        S = Q @ D.T
        r10 = mrr = 0.0
        for i, lab in enumerate(labels[name]):
            s = S[i].clone()
            for j in lab["exclude"]:
                s[j] = -9
            top = torch.topk(s, 10).indices.tolist()
            rel = set(lab["relevant"])
            hits = [k for k, j in enumerate(top) if j in rel]
            r10 += len(hits) / len(rel)
            mrr += 1 / (hits[0] + 1) if hits else 0
        n = len(labels[name])
        res[name] = {"r10": round(r10 / n, 4), "mrr10": round(mrr / n, 4)}
    return res


def ppmi_svd(train_sets, V, R, dim, window, seed):
    """PPMI of word co-occurrences (within `window` rows, vocabulary rows only) factorised by truncated SVD."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import svds

    rows_all, cols_all = [], []
    for off, rows, _ in train_sets:
        text_id = np.repeat(np.arange(len(off) - 1), np.diff(off))
        for k in range(1, window + 1):
            a, b = rows[:-k], rows[k:]
            same = text_id[:-k] == text_id[k:]  # only pairs inside one text
            keep = same & (a < V) & (b < V)
            rows_all += [a[keep], b[keep]]
            cols_all += [b[keep], a[keep]]
    r = np.concatenate(rows_all)
    c = np.concatenate(cols_all)
    C = sp.coo_matrix((np.ones(len(r), np.float32), (r, c)), shape=(V, V)).tocsr()
    C.sum_duplicates()
    total = C.sum()
    rs = np.asarray(C.sum(axis=1)).ravel() + 1e-9
    cs = np.asarray(C.sum(axis=0)).ravel() ** 0.75
    cs = cs / cs.sum() * total + 1e-9
    C = C.tocoo()
    pmi = np.log(C.data * total / (rs[C.row] * cs[C.col]))
    keep = pmi > 0
    P = sp.csr_matrix((pmi[keep].astype(np.float32), (C.row[keep], C.col[keep])), shape=(V, V))
    rng = np.random.RandomState(seed)
    U, S, _ = svds(P, k=dim, v0=rng.rand(V))
    order = np.argsort(-S)
    emb = U[:, order] * np.sqrt(S[order])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    out = rng.normal(0, 0.1, (R, dim)) / math.sqrt(dim)
    out[:V] = emb
    return out


def initial_table(args, vocab, V, R, train_sets):
    rng = np.random.RandomState(args.seed)
    dim = args.dim
    if args.init == "random":
        return rng.normal(0, 1, (R, dim)) / math.sqrt(dim)
    if args.init == "use":
        use = np.fromfile(os.path.join(args.work, "init-use.f32"), dtype=np.float32).reshape(V, vocab["useDim"])
        out = rng.normal(0, 0.1, (R, dim)) / math.sqrt(dim)
        k = min(dim, use.shape[1])
        out[:V, :k] = use[:, :k]
        return out
    if args.init == "ppmi":
        cached = os.path.join(args.work, f"init-ppmi-{dim}-{args.window}-{args.seed}.npy")
        if os.path.exists(cached):
            return np.load(cached)
        out = ppmi_svd(train_sets, V, R, dim, args.window, args.seed)
        np.save(cached, out)
        return out
    raise SystemExit(f"unknown --init {args.init}")


def export(model, args, vocab, meta, out_dir):
    table = model.table()
    R, dim = table.shape
    m = np.abs(table).max(axis=1)
    scales = np.where(m > 0, m / 127, 0).astype(np.float32)
    q = np.where(scales[:, None] > 0, np.round(table / np.maximum(scales, 1e-30)[:, None]), 0).astype(np.int8)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"{args.name}.bin"), "wb") as f:
        f.write(b"CTS2" + struct.pack("<III", 1, R, dim))
        f.write(scales.tobytes())
        f.write(q.tobytes())
    info = {
        "format": FORMAT,
        "model": args.name,
        "dim": dim,
        "rows": R,
        "buckets": vocab["buckets"],
        "ngrams": [3, 4],
        "tokenizer": "src/embed/token-rows.ts: embeddingWords (tokenize whole:false); OOV words -> hashed n-grams",
        "training": meta,
        "words": vocab["words"],
    }
    with open(os.path.join(out_dir, f"{args.name}.json"), "w") as f:
        json.dump(info, f, ensure_ascii=False, separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", default=None, help="folder for <name>.bin/.json (default: WORK/model)")
    ap.add_argument("--name", default="ct-static-v3")
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--init", default="ppmi", choices=["random", "use", "ppmi"])
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--epochs", type=float, default=3)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--lr", type=float, default=0.02)
    ap.add_argument("--tau", type=float, default=0.05)
    ap.add_argument("--cap", type=str, default="py-doc=200000", help="per-source pairs per epoch, e.g. py-doc=100000,md=20000 (py-doc: 200,000 of its ~380,000 keep the prose sources in the mix)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--batch-by-source", type=int, default=1, help="1: each batch holds pairs of one source")
    ap.add_argument("--ngram-words", type=int, default=1, help="1: known words also get their n-gram mean")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t0 = time.time()
    vocab = json.load(open(os.path.join(args.work, "vocab.json")))
    V = len(vocab["words"])
    R = V + vocab["buckets"]
    tq, td = load_set(args.work, "train-q"), load_set(args.work, "train-d")
    src = np.fromfile(os.path.join(args.work, "train.src.u8"), dtype=np.uint8)
    eval_sets = {}
    if not args.no_eval:
        for name in ("cosqa-dev", "seamonkey-dup"):
            eval_sets[name] = (load_set(args.work, f"{name}-q"), load_set(args.work, f"{name}-d"))

    emb = initial_table(args, vocab, V, R, [tq, td])
    counts = np.array(vocab["counts"], dtype=np.float64)
    p = counts / counts.sum()
    a = 1e-3
    sif = np.ones(R)
    sif[:V] = a / (a + p)  # the usual SIF weight: frequent words count less from the start
    sif = np.clip(sif, 0.05, None)
    weight = np.log(np.expm1(sif))  # softplus^-1
    ngrams = None
    if args.ngram_words:
        ng_off = np.fromfile(os.path.join(args.work, "vocab-ngrams.off.i32"), dtype=np.int32).astype(np.int64)
        ng_rows = np.fromfile(os.path.join(args.work, "vocab-ngrams.rows.i32"), dtype=np.int32).astype(np.int64)
        ngrams = (ng_off, ng_rows)
    model = StaticModel(emb, weight, V, ngrams)
    init_eval = evaluate(model, args.work, eval_sets) if eval_sets else {}
    print(f"init {args.init}: {init_eval} ({time.time() - t0:.0f}s)", file=sys.stderr)

    caps = dict((k, int(v)) for k, v in (c.split("=") for c in args.cap.split(",") if c))
    rng = np.random.RandomState(args.seed)
    by_source = {s: np.flatnonzero(src == i) for i, s in enumerate(vocab["sources"])}

    def epoch_order():
        parts = []
        for s, idx in by_source.items():
            n = caps.get(s, len(idx))
            parts.append(rng.permutation(idx)[:n])
        if not args.batch_by_source:
            return rng.permutation(np.concatenate(parts))
        # Batches of one source: negatives from the same kind of text are harder than a man page against code.
        # What does not fill a batch of its own (the 218 seed traces, each source's remainder) goes to mixed batches.
        full = [len(p) - len(p) % args.batch for p in parts]
        mixed = rng.permutation(np.concatenate([p[n:] for p, n in zip(parts, full)]))
        parts = [p[:n] for p, n in zip(parts, full)] + [mixed]
        batches = [p[i : i + args.batch] for p in parts for i in range(0, len(p), args.batch)]
        order = [batches[i] for i in rng.permutation(len(batches))]
        return np.concatenate(sorted(order, key=lambda b: len(b) < args.batch))  # a short batch last: it is dropped

    per_epoch = len(epoch_order())
    steps = int(math.ceil(per_epoch / args.batch) * args.epochs)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1, (s + 1) / 100) * 0.5 * (1 + math.cos(math.pi * s / steps)))
    labels = torch.arange(args.batch)
    step, history = 0, []
    while step < steps:
        order = epoch_order()
        for i in range(0, len(order) - args.batch + 1, args.batch):
            if step >= steps:
                break
            idx = order[i : i + args.batch]
            q = model(*gather(tq, idx))
            d = model(*gather(td, idx))
            logits = q @ d.T / args.tau
            loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            if step % 200 == 0 or step == steps:
                msg = {"step": step, "of": steps, "loss": round(loss.item(), 4), "s": round(time.time() - t0)}
                if eval_sets and (step % 1000 == 0 or step == steps):
                    msg["eval"] = evaluate(model, args.work, eval_sets)
                history.append(msg)
                print(json.dumps(msg), file=sys.stderr)
    final = evaluate(model, args.work, eval_sets) if eval_sets else {}
    meta = {
        "init": args.init,
        "dim": args.dim,
        "epochs": args.epochs,
        "batch": args.batch,
        "lr": args.lr,
        "tau": args.tau,
        "seed": args.seed,
        "caps": caps,
        "ngram_words": args.ngram_words,
        "batch_by_source": args.batch_by_source,
        "pairs_per_epoch": int(per_epoch),
        "steps": steps,
        "seconds": round(time.time() - t0),
        "dev_vector_only": final,
    }
    export(model, args, vocab, meta, args.out or os.path.join(args.work, "model"))
    print(json.dumps(meta), file=sys.stderr)


if __name__ == "__main__":
    main()
