"""Cross-validate fine-tuning MPNet's top layers for the roles, alone and averaged with the linear heads.

An experiment (EVALUATION.md, entity framing), not a shipped model.  all-mpnet-base-v2 (torch, fp32, from the
five PyPI zip parts) encodes every EN training sentence that holds an annotated mention once; the input
states of layer ``12 - top_layers`` are kept, so only the top layers run while training.  Per mention:
the mean final state over its tokens and the mean over its sentence -> dropout 0.1 -> a fine-role and a
main-role linear head; loss, optimiser and schedule as ``narrascope train roles --kind marked``
(soft cross-entropy over the gold fine roles + cross-entropy over the main role; AdamW, weight decay
0.01, 10 % linear warm-up then linear decay, gradient norm 1; 16 sentences per step).

The folds, and the decoding (``w``, ``tau``) used in each, are those of the product's linear trainer
(``cross_validate_roles``: 5 folds by document, seed ``--seed``, C and decoding chosen on inner folds)
over the MPNet reader's features (``--encoder``: the ``export_mpnet`` build), so the rows
"linear" and "mix" differ only in the probabilities.  Needs the ``train`` extra and the MPNet parts.

    python scripts/roles_top_layers_cv.py --encoder DIR [--seed 13] [--top-layers 2] [--epochs 12] [--lr 1e-4]
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.models.encoder import SentenceEncoder
from narrascope.roles.dataset import RoleDataset, dataset_features, label_matrix, load_role_dataset
from narrascope.roles.embed_cache import CachedEncoder
from narrascope.roles.features import FeatureConfig, sentence_of, split_sentence_spans
from narrascope.roles.model import decode_roles
from narrascope.roles.scorer import St1Scores, score_st1
from narrascope.roles.training import HeadSettings, _folds, _rows_from, cross_validate_roles, tune_decoding
from narrascope.taxonomy.roles import RoleTaxonomy, load_role_taxonomy
from narrascope.train.export_mpnet import _unpack, find_mpnet_parts

MPNET_BLOCKS = ("sent", "entity", "doc", "name", "span")
MAX_TOKENS = 256
HIDDEN = 768
LAYERS = 12


@dataclass
class Sentence:
    ids: list[int]
    states: np.ndarray  # input states of the first trained layer, (n_tokens, 768)
    rows: list[int]  # dataset rows whose mention starts in it


def encode_sentences(dataset: RoleDataset, model_dir: Path, first_trained: int) -> tuple[list[Sentence], list[int], list[list[int]]]:
    """Sentences holding mentions, each row's sentence index, and the tokens each row's mention covers."""
    import torch
    import transformers
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    model = transformers.AutoModel.from_pretrained(str(model_dir)).eval()
    index: dict[tuple[str, int], int] = {}
    raw: list[tuple[list[int], list[tuple[int, int]], int]] = []
    row_sentence: list[int] = []
    row_tokens: list[list[int]] = []
    for i, row in enumerate(dataset.rows):
        text = dataset.documents[row.article]
        spans = split_sentence_spans(text)
        start, end = dataset.spans[i]
        j = sentence_of(spans, start)
        if (row.article, j) not in index:
            a, b = spans[j]
            enc = tokenizer.encode(text[a:b])
            ids, offsets = enc.ids[:MAX_TOKENS], enc.offsets[:MAX_TOKENS]
            if len(enc.ids) > MAX_TOKENS:
                ids[-1], offsets[-1] = 2, (0, 0)  # keep </s> last
            index[(row.article, j)] = len(raw)
            raw.append((ids, offsets, a))
        sid = index[(row.article, j)]
        _ids, offsets, a = raw[sid]
        row_sentence.append(sid)
        row_tokens.append([t for t, (x, y) in enumerate(offsets) if y > x and x < end - a and y > start - a])
    sentences: list[Sentence] = []
    with torch.inference_mode():
        for ids, _offsets, _a in raw:
            t = torch.tensor([ids])
            hidden = model(input_ids=t, attention_mask=torch.ones_like(t), output_hidden_states=True).hidden_states
            sentences.append(Sentence(ids, hidden[first_trained][0].numpy().astype(np.float32), []))
    for i, sid in enumerate(row_sentence):
        sentences[sid].rows.append(i)
    return sentences, row_sentence, row_tokens


def build_top_layers(base: Any, first_trained: int, n_fine: int) -> Any:
    """The trainable top of MPNet plus the two heads (a torch module; torch is imported here, being optional)."""
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(copy.deepcopy(base.encoder.layer[first_trained:]))
            self.bias = copy.deepcopy(base.encoder)  # only its relative position bias is used (frozen)
            self.bias.layer = torch.nn.ModuleList()
            for p in self.bias.parameters():
                p.requires_grad = False
            self.drop = torch.nn.Dropout(0.1)
            self.fine = torch.nn.Linear(2 * HIDDEN, n_fine)
            self.main = torch.nn.Linear(2 * HIDDEN, 3)

        def forward(self, h: Any, mask: Any, pool_span: Any, pool_sent: Any) -> tuple[Any, Any]:
            bias = self.bias.compute_position_bias(h)
            additive = (1.0 - mask[:, None, None, :]) * -1e9
            for layer in self.layers:
                h = layer(h, additive, bias)[0]
            flat = h.reshape(-1, h.shape[-1])
            rep = self.drop(torch.cat([pool_span @ flat, pool_sent @ flat], dim=1))
            return self.fine(rep), self.main(rep)

    return Net()


def batch(sentences: Sequence[Sentence], sids: Sequence[int], row_tokens: Sequence[list[int]]) -> tuple[Any, Any, Any, Any, list[int]]:
    """Padded states, mask, and per mention the pooling rows over the flattened tokens (span, sentence)."""
    import torch

    width = max(len(sentences[s].ids) for s in sids)
    h = torch.zeros((len(sids), width, HIDDEN))
    mask = torch.zeros((len(sids), width))
    rows: list[int] = []
    span_rows, sent_rows = [], []
    for b, s in enumerate(sids):
        n = len(sentences[s].ids)
        h[b, :n] = torch.from_numpy(sentences[s].states)
        mask[b, :n] = 1
        for r in sentences[s].rows:
            v = torch.zeros(len(sids) * width)
            v[[b * width + t for t in row_tokens[r]]] = 1.0 / len(row_tokens[r])
            w = torch.zeros(len(sids) * width)
            w[b * width : b * width + n] = 1.0 / n
            span_rows.append(v)
            sent_rows.append(w)
            rows.append(r)
    return h, mask, torch.stack(span_rows), torch.stack(sent_rows), rows


def train_fold(base: Any, sentences: Sequence[Sentence], sids: Sequence[int], row_tokens: Sequence[list[int]], y_fine: np.ndarray,
               y_main: np.ndarray, args: argparse.Namespace, seed: int) -> Any:
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    net = build_top_layers(base, LAYERS - args.top_layers, y_fine.shape[1])
    net.train()
    target_fine = torch.tensor(y_fine / y_fine.sum(axis=1, keepdims=True), dtype=torch.float32)
    target_main = torch.tensor(y_main)
    opt = torch.optim.AdamW([{"params": list(net.layers.parameters()), "lr": args.lr},
                             {"params": [*net.fine.parameters(), *net.main.parameters()], "lr": args.head_lr}], weight_decay=0.01)
    size = 16
    steps = args.epochs * math.ceil(len(sids) / size)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(steps - warm, 1))))
    for _epoch in range(args.epochs):
        order = list(sids)
        rng.shuffle(order)
        for i in range(0, len(order), size):
            h, mask, span_rows, sent_rows, rows = batch(sentences, order[i : i + size], row_tokens)
            fine, main = net(h, mask, span_rows, sent_rows)
            loss = -(target_fine[rows] * torch.log_softmax(fine, 1)).sum(1).mean() + torch.nn.functional.cross_entropy(main, target_main[rows])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
    net.eval()
    return net


def scores(p_fine: np.ndarray, p_main: np.ndarray, dataset: RoleDataset, taxonomy: RoleTaxonomy, folds: list, choices: list) -> St1Scores:
    """Official scores of out-of-fold probabilities decoded with each fold's (w, tau)."""
    fine_main = np.array([taxonomy.main_roles.index(taxonomy.main_of(f)) for f in taxonomy.fine_roles])
    pred: list[Any] = [None] * len(dataset.rows)
    for (_tr, te), (_C, w, tau) in zip(folds, choices):
        decoded = decode_roles(p_fine[te], p_main[te], fine_main, w=w, tau=tau)
        for j, row in zip(te, _rows_from(decoded, [dataset.rows[j] for j in te], taxonomy.fine_roles, taxonomy.main_roles)):
            pred[j] = row
    return score_st1(list(dataset.rows), pred)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data/semeval2025-task10/target_4_December_release")
    parser.add_argument("--encoder", required=True, help="the MPNet reader's encoder (python -m narrascope.train.export_mpnet --out DIR)")
    parser.add_argument("--cache-dir", default="/tmp/narrascope-cache")
    parser.add_argument("--seed", type=int, default=13, help="fold seed")
    parser.add_argument("--top-layers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--lr", type=float, default=1e-4, help="learning rate of the top layers")
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch
    import transformers

    torch.set_num_threads(args.threads)
    started = time.time()
    taxonomy = load_role_taxonomy()
    dataset = load_role_dataset(args.data, taxonomy=taxonomy, language="EN")
    encoder = CachedEncoder(SentenceEncoder.load(args.encoder, threads=1), args.cache_dir)
    x = dataset_features(dataset, encoder, FeatureConfig(blocks=MPNET_BLOCKS, window_words=8))
    encoder.save()
    linear = cross_validate_roles(x, dataset.rows, dataset.domains, taxonomy, folds=5, settings=HeadSettings(seed=args.seed))
    assert linear.proba is not None
    groups = np.array([r.article for r in dataset.rows])
    folds = _folds(groups, dataset.domains, 5, args.seed)  # the folds cross_validate_roles used
    y_fine, y_main = label_matrix(dataset.rows, taxonomy.fine_roles, taxonomy.main_roles)
    with tempfile.TemporaryDirectory(prefix="narrascope-mpnet-") as tmp:
        model_dir = _unpack(find_mpnet_parts(), Path(tmp))
        first = LAYERS - args.top_layers
        sentences, row_sentence, row_tokens = encode_sentences(dataset, model_dir, first)
        base = transformers.AutoModel.from_pretrained(str(model_dir)).eval()
    tuned_fine = np.zeros_like(linear.proba[0])
    tuned_main = np.zeros_like(linear.proba[1])
    for f, (tr, te) in enumerate(folds):
        net = train_fold(base, sentences, sorted({row_sentence[j] for j in tr}), row_tokens, y_fine, y_main, args, args.seed * 100 + f)
        held = sorted({row_sentence[j] for j in te})
        with torch.inference_mode():
            for i in range(0, len(held), 32):
                h, mask, span_rows, sent_rows, rows = batch(sentences, held[i : i + 32], row_tokens)
                fine, main = net(h, mask, span_rows, sent_rows)
                tuned_fine[rows] = torch.softmax(fine, 1).numpy()
                tuned_main[rows] = torch.softmax(main, 1).numpy()
        print(f"fold {f + 1}/5 trained ({time.time() - started:.0f} s)", flush=True)
    lin_fine, lin_main = linear.proba
    report = {"linear heads": (lin_fine, lin_main), "top layers alone": (tuned_fine, tuned_main)}
    for m in (0.25, 0.5, 0.75):
        report[f"mix {m}"] = ((1 - m) * lin_fine + m * tuned_fine, (1 - m) * lin_main + m * tuned_main)
    for name, (pf, pm) in report.items():
        s = scores(pf, pm, dataset, taxonomy, folds, linear.decode)
        print(f"{name:18s} EMR {s.emr:.3f}  micro-F1 {s.micro_f1:.3f}  main acc. {s.main_accuracy:.3f}")
    pf, pm = report["mix 0.5"]
    w, tau, (emr, main_acc) = tune_decoding(pf, pm, dataset.rows, taxonomy)
    print(f"mix 0.5, decoding tuned on the same predictions (optimistic): EMR {emr:.3f}, main acc. {main_acc:.3f} (w={w}, tau={tau})")
    print(f"{time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
