"""Hydra search-path plugin: a framing command sees the study's ``conf/`` before the package's.

Hydra discovers plugins in the ``hydra_plugins`` namespace package. This one acts only on the
apps whose primary configs are framing's (``pkg://framing.conf``) and puts the study folder's
``conf/`` first (see ``framing.study``), so ``conf/study.yaml`` and any config the study adds
or overrides (``model/``, ``experiment/``, ...) win over the package defaults.
"""

from __future__ import annotations

from hydra.core.config_search_path import ConfigSearchPath
from hydra.plugins.search_path_plugin import SearchPathPlugin

FRAMING_CONF = ("pkg://framing.conf", "framing.conf")


class FramingStudySearchPathPlugin(SearchPathPlugin):
    def manipulate_search_path(self, search_path: ConfigSearchPath) -> None:
        if not any(entry.path in FRAMING_CONF for entry in search_path.get_path()):
            return  # not a framing command
        from framing.errors import FramingInputError
        from framing.study import STUDY_CONFIG, find_study_root

        try:
            root = find_study_root()
        except FramingInputError:
            return  # a bad FRAMING_STUDY is reported by the command itself, in one line
        if root is not None:
            search_path.prepend(
                provider="framing-study", path=f"file://{(root / STUDY_CONFIG).parent}"
            )
