"""Persuasion techniques (SemEval-2023 Task 3 subtask 3) and article genre.

- :mod:`.taxonomy` — the technique list and our definitions (``narrascope/taxonomy/techniques.json``)
- :mod:`.semeval_io` — official paragraph templates and label files (glued rows repaired)
- :mod:`.scorer` — the official micro/macro-F1
- :mod:`.features`, :mod:`.model` — featurisation and numpy inference of the linear model
- :mod:`.analyzer` — paragraph / sentence / span detections for one text
- :mod:`.lexicon`, :mod:`.lexicon_mining` — span localisation (curated + mined lexicon)
- :mod:`.dataset`, :mod:`.embedding_cache`, :mod:`.training` — training and cross-validation (``train`` extra)
- :mod:`.semeval_predict` — SemEval mode over a template
- :mod:`.genre`, :mod:`.genre_eval` — the opinion/reporting rule and its measurement
"""
