"""Pinyin initials (拼音首字母) of a Chinese name, so clerks can find 食品经营许可 by typing `spjyxk`."""

from __future__ import annotations


def pinyin_initials(text: str) -> str:
    """First letter of each Chinese character, lowercase; Latin letters and digits are kept, the rest dropped.

    pypinyin's phrase dictionary resolves most polyphones by context (银行 → yh, 行政 → xz).
    """
    # Imported here: pypinyin's phrase dictionary costs half a second, which every command would pay.
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())


def pinyin_full(text: str) -> str:
    """The whole pinyin without tones or spaces (国税 → guoshui), lowercase, Latin letters and digits only."""
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(text or "", style=Style.NORMAL, errors="default")
    return "".join(ch for ch in "".join(parts).lower() if ch.isascii() and ch.isalnum())
