"""When two names are the same name: compared after Unicode compatibility normalization
(NFKC), case folding and collapsing whitespace, so that "Viasna", "VIASNA" and "Ｖｉａｓｎａ"
(full-width) are one name, as a person reading a dropdown would take them to be."""

from __future__ import annotations

import unicodedata


def comparable_name(value: str) -> str:
    """The form of ``value`` under which names are compared (and blind-indexed)."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    # casefold can leave compatibility forms behind (e.g. "ﬁ" → "fi" needs NFKC again).
    return " ".join(unicodedata.normalize("NFKC", folded).split())


# By name, for column metadata (``normalize=`` next to a blind index's ``source``): the
# form a blind index is computed from, at write time and when keys rotate.
NORMALIZERS = {"name": comparable_name}
