from pypinyin import Style, lazy_pinyin


def name_initials(name: str) -> str:
    """Lower-case pinyin initials of a Chinese name: 林园小区 → lyxq."""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(p[:1] for p in parts if p and p[0].isalnum()).lower()
