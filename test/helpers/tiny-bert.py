"""Writes a tiny, random, BERT-shaped transformers.js model folder for tests.

No real weights are reachable offline, so test/integration/transformers.test.ts builds this instead:
the same files and tensor names a real `Xenova/*` feature-extraction model has (config.json,
tokenizer.json, tokenizer_config.json, onnx/model.onnx), small enough to build and load in well
under a second. The vectors mean nothing, but each word gets its own seeded random embedding, so
texts that share words end up closer than texts that do not.

Usage: python3 tiny-bert.py <folder>   (needs the `onnx` module: apt-get install python3-onnx)
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HIDDEN = 32
SEED = 1234
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """
the a an and or not no is are was be to of in on at for with by from as it this that if then else
when how why what use using used run running error errors fail fails failed failure fix fixed
build test tests install update upgrade start stop restart wait timeout connection refused
network port host server client request response file files path folder directory read write
open close permission denied user root config configuration setting settings option flag
version package module import export function class method object string number list array map
set value key type null undefined true false return async await promise callback event loop
thread process memory cache disk cpu log logs debug warning message exception stack trace
database table query index schema migration postgres postgresql mysql sqlite redis mongo
docker compose container image volume kubernetes pod service deploy node npm yarn python pip
java go rust typescript javascript git branch commit merge push pull clone remote http https
api json yaml env variable shell bash script command line linux mac windows ssl certificate
token auth login password secret healthcheck ready slow fast memory leak crash
""".split()
PUNCTUATION = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def vocabulary():
    # Letters and digits, whole and as `##` continuations, let WordPiece spell any ASCII word
    # instead of collapsing everything unknown into [UNK].
    chars = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    tokens = SPECIALS + list(dict.fromkeys(WORDS)) + chars + ["##" + c for c in chars] + PUNCTUATION
    return {token: i for i, token in enumerate(dict.fromkeys(tokens))}


def tokenizer_json(vocab):
    special = lambda t: {"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
    cls, sep = {"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(t) for t in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [cls, {"Sequence": {"id": "A", "type_id": 0}}, sep],
            "pair": [cls, {"Sequence": {"id": "A", "type_id": 0}}, sep, {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab},
    }


def model(vocab_size):
    """last_hidden_state = (x + tanh(x @ W + b)) * mask, with x = word[input_ids] + type[token_type_ids]."""
    rng = np.random.default_rng(SEED)
    weights = {
        "word_embeddings": rng.normal(0, 1, (vocab_size, HIDDEN)),
        "token_type_embeddings": rng.normal(0, 0.1, (2, HIDDEN)),
        "dense_weight": rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, HIDDEN)),
        "dense_bias": rng.normal(0, 0.1, (HIDDEN,)),
    }
    initializers = [numpy_helper.from_array(w.astype(np.float32), name) for name, w in weights.items()]
    initializers.append(numpy_helper.from_array(np.array([-1], dtype=np.int64), "last_axis"))
    nodes = [
        helper.make_node("Gather", ["word_embeddings", "input_ids"], ["words"]),
        helper.make_node("Gather", ["token_type_embeddings", "token_type_ids"], ["types"]),
        helper.make_node("Add", ["words", "types"], ["x"]),
        helper.make_node("MatMul", ["x", "dense_weight"], ["xw"]),
        helper.make_node("Add", ["xw", "dense_bias"], ["xwb"]),
        helper.make_node("Tanh", ["xwb"], ["h"]),
        helper.make_node("Add", ["x", "h"], ["residual"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask"]),
        helper.make_node("Mul", ["residual", "mask"], ["last_hidden_state"]),
    ]
    ids = lambda name: helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"])
    graph = helper.make_graph(
        nodes,
        "tiny-bert",
        [ids("input_ids"), ids("attention_mask"), ids("token_type_ids")],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", HIDDEN])],
        initializers,
    )
    # Opset 13 / IR 7: within what Debian's onnx 1.12 writes and onnxruntime-node 1.14 reads.
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="commontrace-tiny-bert")
    m.ir_version = 7
    onnx.checker.check_model(m)
    return m


def main(folder):
    vocab = vocabulary()
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    config = {
        "model_type": "bert",
        "architectures": ["BertModel"],
        "hidden_size": HIDDEN,
        "intermediate_size": HIDDEN * 2,
        "num_attention_heads": 2,
        "num_hidden_layers": 1,
        "max_position_embeddings": 128,
        "type_vocab_size": 2,
        "vocab_size": len(vocab),
        "pad_token_id": 0,
    }
    tokenizer_config = {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "model_max_length": 128,
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "mask_token": "[MASK]",
    }
    for name, data in (("config.json", config), ("tokenizer_config.json", tokenizer_config), ("tokenizer.json", tokenizer_json(vocab))):
        with open(os.path.join(folder, name), "w", encoding="utf8") as f:
            json.dump(data, f, indent=1)
    onnx.save(model(len(vocab)), os.path.join(folder, "onnx", "model.onnx"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tiny-bert.py <folder>")
    main(sys.argv[1])
