"""The commands: one thin module per command (parse, call one library function, exit code).

Nothing under ``framing`` outside this package imports it. ``framing COMMAND`` (``main.py``)
dispatches here; the alias modules (``framing/<name>.py``, ``framing/corpus/__main__.py``) keep
``python -m framing.<name>`` working through one table (``aliases.py``).
"""
