"""Narratives and explanations (SemEval-2025 Task 10 subtasks 2 and 3).

Modules, one job each:

* :mod:`.semeval_io` — the official file formats (documents, subtask-2/3 rows);
* :mod:`.scoring` — official samples-F1 (subtask 2) and the offline explanation proxy (subtask 3);
* :mod:`.dataset` — labelled training data, checked against the taxonomy;
* :mod:`.segment` / :mod:`.embedding` — sentence spans and cached sentence embeddings of raw texts;
* :mod:`.features` — document features from sentence embeddings;
* :mod:`.decode` — hierarchy-consistent label sets from probabilities;
* :mod:`.model` — the shipped classifier (numpy inference from a safetensors artifact);
* :mod:`.explain` — the explanation interface and the extractive generator;
* :mod:`.analyzer` — labels + evidence + explanation for one text (used by the component and SemEval mode);
* :mod:`.training` / :mod:`.build` — cross-validation, thresholds, artifact writing;
* :mod:`.semeval` — predict the official outputs for a documents folder.

The taxonomy lives in :mod:`narrascope.taxonomy.narratives`; the pipeline component is
:class:`narrascope.components.narratives.NarrativeClassifier`.
"""
