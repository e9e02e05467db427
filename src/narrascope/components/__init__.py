"""Built-in pipeline components (language identification, sentences and entities).

Import the modules directly (``narrascope.components.entities``); nothing here
loads a model.  The registry (:mod:`narrascope.pipeline.registry`) names them.
"""
