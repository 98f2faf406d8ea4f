"""Compile every govhall .po file to .mo with polib, so a fresh machine needs no GNU gettext.

Run by `make run` and `make test`; compiles only catalogues whose .po is newer than their .mo.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_all(root: Path = ROOT, *, force: bool = False) -> list[Path]:
    compiled = []
    for po_path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            compiled.append(mo_path)
    return compiled


if __name__ == "__main__":
    done = compile_all(force="--force" in sys.argv)
    if done:
        print(f"compiled {len(done)} translation catalogue(s)")
