"""Alias: ``python -m framing.agreement [--markdown]`` runs ``framing coding agreement``
(framing/cli/coding.py)."""

if __name__ == "__main__":
    __import__("sys").argv[1:1] = ["agreement"]
    __import__("runpy").run_module("framing.cli.coding", run_name="__main__", alter_sys=True)
