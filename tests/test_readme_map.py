"""The README's module map is the code's: every module of agent/ is listed with its job."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))

from module_map import module_names, tree  # noqa: E402


def test_readme_shows_the_current_module_map():
    readme = (REPO / "README.md").read_text()
    assert tree() in readme, "README is stale: paste the output of scripts/module_map.py"
    names = module_names()
    assert len(names) > 100
    for name in names:
        assert name.split("/")[-1] in readme, name
