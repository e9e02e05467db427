"""Entity framing: the role of every entity mention (SemEval-2025 Task 10 subtask 1).

Modules: :mod:`.st1_io` (official file formats), :mod:`.scorer` (official metrics),
:mod:`.features` (mention feature vectors from sentence embeddings), :mod:`.model`
(numpy inference of the linear heads), :mod:`.training` (heads + cross-validation),
:mod:`.marking` (entity-marked encoder inputs), :mod:`.marked_model` (the fine-tuned marked
encoder, onnxruntime), :mod:`.finetune` and :mod:`.marked_training` (its training, torch),
:mod:`.loader` (opens an artifact of either kind), :mod:`.component` (the ``roles`` pipeline
component), :mod:`.semeval` (the official mode).
Nothing here loads a model at import time.
"""
