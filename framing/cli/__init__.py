"""The commands: one thin module per command (parse, call one library function, exit code).

Nothing under ``framing`` outside this package imports it. ``framing COMMAND`` (``main.py``)
dispatches here; the one-line modules ``framing/<name>.py`` keep ``python -m framing.<name>``
working for the commands the README has always named.
"""
