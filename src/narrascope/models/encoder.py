"""The shared sentence encoder: all-MiniLM-L6-v2 as int8 ONNX, run with onnxruntime (no torch).

``SentenceEncoder.load()`` opens the artifact shipped in the package
(``models/artifacts/minilm-l6-v2-int8``: ``model.onnx``, ``tokenizer.json``,
``config.json``, ``meta.json``); ``encode(texts)`` returns L2-normalised float32
vectors (mean pooling over the attention mask), ``encode_long(text)`` one vector
per token window so that a long text is used whole, not cut at 256 tokens;
``encode_tokens(texts)`` gives the same vectors together with every token's final state
and character offsets (:class:`TokenStates`, e.g. the state of an entity mention).
Other artifacts of the same layout load too: the optional all-mpnet-base-v2
encoder built by :mod:`narrascope.train.export_mpnet` (its ``config.json`` names
its own special tokens, ``cls_token``/``sep_token``, and padding id).

Each text runs through the model at its own length, one onnxruntime thread per
run and ``threads`` runs at once.  Dynamic int8 quantisation scales activations
per call, so padded batches would make a vector depend on its batch neighbours
(cosine down to 0.975 between a sentence embedded alone and in a batch); run
one by one, a text always gets the same vector, and short sentences go faster
than in padded batches.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.errors import Codes, InputError, ModelError

__all__ = ["SentenceEncoder", "TokenStates", "DEFAULT_ENCODER"]

#: Name of the packaged artifact directory.
DEFAULT_ENCODER = "minilm-l6-v2-int8"

_REQUIRED_FILES = ("config.json", "meta.json", "model.onnx", "tokenizer.json")


def default_threads() -> int:
    """Cores this process may run on (the default number of texts run at once)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def open_single_thread_session(model_file: Path) -> Any:
    """An onnxruntime CPU session with one thread per run (callers run several sequences at once);
    a model onnxruntime cannot load raises ModelError naming the file."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(model_file), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelError(f"corrupt ONNX model: {exc}", source=str(model_file)) from None


def _clean(text: Any, index: int) -> str:
    """Accept ``str`` only; replace lone surrogates (mis-decoded input) so the tokenizer never fails."""
    if not isinstance(text, str):
        raise InputError(
            f"text {index} is {type(text).__name__}, not str", code=Codes.BAD_RECORD, source=f"texts[{index}]"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return (v / max(norm, 1e-12)).astype(np.float32)


@dataclass(frozen=True)
class TokenStates:
    """One text through the encoder: its sentence ``vector`` (exactly what :meth:`SentenceEncoder.encode`
    gives), the final hidden ``states`` of its tokens ``(n_tokens, dim)``, and each token's ``[start, end)``
    in the text (``(0, 0)`` for the special tokens)."""

    vector: np.ndarray
    states: np.ndarray
    offsets: tuple[tuple[int, int], ...]

    def span_vector(self, start: int, end: int) -> np.ndarray | None:
        """The L2-normalised mean state of the tokens that overlap ``[start, end)`` of the text, or
        ``None`` when no token does (an empty span, or one cut off by the ``max_tokens`` truncation)."""
        if end <= start:
            return None
        rows = [i for i, (a, b) in enumerate(self.offsets) if b > a and a < end and b > start]
        return _unit(self.states[rows].mean(axis=0)) if rows else None


class SentenceEncoder:
    """Sentence embeddings from an ONNX transformer + ``tokenizers`` tokenizer; build it with :meth:`load`."""

    def __init__(
        self, session: Any, tokenizer: Any, config: dict[str, Any], meta: dict[str, Any], path: Path, *, threads: int = 1
    ) -> None:
        self._session = session
        self._threads = max(int(threads), 1)
        self._tokenizer = tokenizer
        self.config = config
        self.meta = meta
        self.path = path
        self._dim = int(config["dim"])
        self._max_tokens = int(config.get("max_tokens", 256))
        self._input_names = {i.name for i in session.get_inputs()}
        self._cls_id = tokenizer.token_to_id(str(config.get("cls_token", "[CLS]")))
        self._sep_id = tokenizer.token_to_id(str(config.get("sep_token", "[SEP]")))
        self._pad_id = int(config.get("pad_id", 0))
        # A second tokenizer without truncation or padding, for encode_long's token windows.
        self._raw_tokenizer = type(tokenizer).from_str(tokenizer.to_str())
        self._raw_tokenizer.no_truncation()
        self._raw_tokenizer.no_padding()

    # -- loading ------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None, *, threads: int | None = None) -> SentenceEncoder:
        """Open an encoder artifact directory (default: the one shipped in the package).

        ``threads``: texts embedded in parallel, one onnxruntime thread each (default: every
        core this process may use).
        Missing or corrupt files raise :class:`~narrascope.errors.ModelError` naming the path.
        """
        from tokenizers import Tokenizer

        if path is None:
            from narrascope.models.artifact import packaged_artifact_dir

            path = packaged_artifact_dir(DEFAULT_ENCODER)
        directory = Path(path)
        if not directory.is_dir():
            raise ModelError("encoder artifact directory does not exist", source=str(directory))
        for name in _REQUIRED_FILES:
            if not (directory / name).is_file():
                raise ModelError(f"not an encoder artifact: {name} is missing", source=str(directory))
        config: dict[str, Any] = {}
        meta: dict[str, Any] = {}
        for name in ("config.json", "meta.json"):
            file = directory / name
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
                raise ModelError(f"corrupt {name}: {exc}", source=str(file)) from None
            if not isinstance(data, dict):
                raise ModelError(f"{name} is not a JSON object", source=str(file))
            if name == "config.json":
                config = data
            else:
                meta = data
        if not isinstance(config.get("dim"), int) or config["dim"] <= 0:
            raise ModelError("config.json lacks a positive integer 'dim'", source=str(directory / "config.json"))
        max_tokens = config.get("max_tokens", 256)
        if not isinstance(max_tokens, int) or max_tokens < 3:
            raise ModelError("config.json 'max_tokens' must be an integer >= 3", source=str(directory / "config.json"))

        try:
            tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises plain Exception on bad JSON
            raise ModelError(f"corrupt tokenizer: {exc}", source=str(directory / "tokenizer.json")) from None
        cls_token, sep_token = str(config.get("cls_token", "[CLS]")), str(config.get("sep_token", "[SEP]"))
        if tokenizer.token_to_id(cls_token) is None or tokenizer.token_to_id(sep_token) is None:
            raise ModelError(f"tokenizer has no {cls_token}/{sep_token} tokens", source=str(directory / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=max_tokens)
        # Pad to the longest text of each batch (the shipped tokenizer.json pads to a fixed 128).
        tokenizer.enable_padding(pad_id=int(config.get("pad_id", 0)), pad_token=str(config.get("pad_token", "[PAD]")))

        workers = threads if threads and threads > 0 else default_threads()
        # One thread per run; ``workers`` texts run at once (faster than intra-op threads for
        # short sentences: 922 vs 490 sentences/s on 2 cores, and batch-independent).
        model_file = directory / "model.onnx"
        session = open_single_thread_session(model_file)
        names = {i.name for i in session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= names:
            raise ModelError(f"ONNX model inputs {sorted(names)} lack input_ids/attention_mask", source=str(model_file))
        return cls(session, tokenizer, config, meta, directory, threads=workers)

    # -- properties -----------------------------------------------------------
    @property
    def dim(self) -> int:
        """Vector size (384 for MiniLM-L6)."""
        return self._dim

    @property
    def max_tokens(self) -> int:
        """Longest input in tokens (incl. [CLS]/[SEP]); longer texts are truncated by :meth:`encode`."""
        return self._max_tokens

    @property
    def threads(self) -> int:
        """Texts embedded in parallel."""
        return self._threads

    @property
    def tokenizer(self) -> Any:
        """The configured ``tokenizers.Tokenizer`` (truncation at ``max_tokens``, padding to the longest)."""
        return self._tokenizer

    def token_count(self, text: str) -> int:
        """Word pieces in ``text`` without [CLS]/[SEP] and without truncation (to choose encode vs encode_long)."""
        return len(self._raw_tokenizer.encode(_clean(text, 0), add_special_tokens=False).ids)

    # -- inference --------------------------------------------------------------
    def _hidden(self, ids: Sequence[int]) -> np.ndarray:
        """The final hidden states ``(len(ids), dim)`` of one token sequence, run unpadded: the int8 model
        quantises activations per call, so running texts one by one keeps every vector independent of its batch."""
        input_ids = np.asarray([ids], dtype=np.int64)
        mask = np.ones_like(input_ids)
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        return np.asarray(self._session.run(None, feeds)[0][0], dtype=np.float32)

    def _embed_one(self, ids: Sequence[int]) -> np.ndarray:
        """Embed one token sequence: the L2-normalised mean of its hidden states."""
        return _unit(self._hidden(ids).mean(axis=0))

    def _embed_many(
        self, sequences: Sequence[Sequence[int]], out: np.ndarray, rows: Sequence[int], pool: ThreadPoolExecutor | None
    ) -> None:
        """Fill ``out[rows[k]]`` with the embedding of ``sequences[k]`` (on ``pool``'s threads when given)."""
        vectors = pool.map(self._embed_one, sequences) if pool is not None else map(self._embed_one, sequences)
        for row, vector in zip(rows, vectors):
            out[row] = vector

    def _pool(self, n_items: int) -> ThreadPoolExecutor | None:
        workers = min(self._threads, n_items)
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="encoder") if workers > 1 else None

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """L2-normalised embeddings, float32 ``(len(texts), dim)``, in the order given.

        Texts longer than ``max_tokens`` tokens are truncated (use :meth:`encode_long` for
        those); empty strings are allowed.  ``batch_size`` texts are tokenised at a time,
        longest first; each text is then run at its own length (no padding), so a
        vector never depends on the other texts of the call (and a text given several
        times is run once).
        """
        if isinstance(texts, str):
            raise InputError("encode() takes a sequence of texts, not one string", source="texts")
        cleaned = [_clean(t, i) for i, t in enumerate(texts)]
        if not cleaned:
            return np.zeros((0, self._dim), dtype=np.float32)
        # A repeated text (a recurring line, the same sentence in two articles) is embedded once:
        # every text runs alone, so its copies would get the very same vector anyway.
        slot: dict[str, int] = {}
        rows_of = [slot.setdefault(text, len(slot)) for text in cleaned]
        if len(slot) < len(cleaned):
            return self.encode(list(slot), batch_size=batch_size)[rows_of]
        out = np.zeros((len(cleaned), self._dim), dtype=np.float32)
        size = max(int(batch_size), 1)
        # Longest first: balances the worker threads (and bounds padding if the tokenizer is used in batches).
        order = sorted(range(len(cleaned)), key=lambda i: -len(cleaned[i]))
        pool = self._pool(len(cleaned))
        try:
            for start in range(0, len(order), size):
                chunk = order[start : start + size]
                encodings = self._tokenizer.encode_batch([cleaned[i] for i in chunk])
                sequences = [e.ids[: sum(e.attention_mask)] for e in encodings]
                self._embed_many(sequences, out, chunk, pool)
        finally:
            if pool is not None:
                pool.shutdown()
        return out

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        """Like :meth:`encode` (same truncation, the same vectors), and with each text's token states
        and offsets, so that one pass gives both a sentence's vector and the state of a span in it."""
        if isinstance(texts, str):
            raise InputError("encode_tokens() takes a sequence of texts, not one string", source="texts")
        cleaned = [_clean(t, i) for i, t in enumerate(texts)]
        if not cleaned:
            return []
        encodings = self._tokenizer.encode_batch(cleaned)
        lengths = [sum(e.attention_mask) for e in encodings]  # the tokens before any padding
        ids = [e.ids[:n] for e, n in zip(encodings, lengths)]
        pool = self._pool(len(cleaned))
        try:
            hidden = list(pool.map(self._hidden, ids)) if pool is not None else [self._hidden(seq) for seq in ids]
        finally:
            if pool is not None:
                pool.shutdown()
        return [
            TokenStates(_unit(h.mean(axis=0)), h, tuple((int(a), int(b)) for a, b in e.offsets[:n]))
            for h, e, n in zip(hidden, encodings, lengths)
        ]

    def encode_long(self, text: str, *, window: int = 200, stride: int = 150) -> np.ndarray:
        """One embedding per token window of ``text``: ``(n_windows, dim)``, at least one row.

        Windows hold up to ``window`` word-piece tokens (plus [CLS]/[SEP]) and start every
        ``stride`` tokens; the last window reaches the end of the text.  An empty text
        gives one row (the embedding of "").
        """
        text = _clean(text, 0)
        if not isinstance(window, int) or window < 1 or window > self._max_tokens - 2:
            raise InputError(f"window must be 1..{self._max_tokens - 2} tokens, got {window!r}", source="window")
        if not isinstance(stride, int) or stride < 1 or stride > window:
            raise InputError(f"stride must be 1..window ({window}), got {stride!r}", source="stride")
        tokens = self._raw_tokenizer.encode(text, add_special_tokens=False).ids
        starts = [0]
        while starts[-1] + window < len(tokens):
            starts.append(starts[-1] + stride)
        windows = [[self._cls_id, *tokens[s : s + window], self._sep_id] for s in starts]
        out = np.zeros((len(windows), self._dim), dtype=np.float32)
        pool = self._pool(len(windows))
        try:
            self._embed_many(windows, out, range(len(windows)), pool)
        finally:
            if pool is not None:
                pool.shutdown()
        return out
