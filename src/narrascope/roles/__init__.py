"""Entity framing: the role of every entity mention (SemEval-2025 Task 10 subtask 1).

Modules: :mod:`.st1_io` (official file formats), :mod:`.scorer` (official metrics),
:mod:`.features` (mention feature vectors from sentence embeddings), :mod:`.model`
(numpy inference from the shipped artifact), :mod:`.training` (heads + cross-validation),
:mod:`.component` (the ``roles`` pipeline component), :mod:`.semeval` (the official mode).
Nothing here loads a model at import time.
"""
