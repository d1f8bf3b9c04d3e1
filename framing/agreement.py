"""Alias: ``python -m framing.agreement`` runs ``framing coding agreement``
(framing/cli/aliases.py)."""

if __name__ == "__main__":
    from framing.cli.aliases import run_alias

    run_alias(__spec__.name)
