"""Strategies for hostile input: text with NULs and lone surrogates, odd numbers, forged cursors."""

import base64
import json

from hypothesis import strategies as st

from catalog.filters import AUTHOR_ORDERING_FIELDS, BOOK_ORDERING_FIELDS
from catalog.pagination import CURSOR_PREFIX

GRAPHQL_INT = st.integers(min_value=-(2**31), max_value=2**31 - 1)

# Characters that break things: NUL, lone surrogates, controls, blanks, other scripts' digits.
_HOSTILE = st.sampled_from(["\x00", "\ud800", "\udfff", "\x1f", "\x85", "\u00a0", " ", "\n", "\u0663", "_", "-", "X"])


def texts(*, surrogates: bool = True, max_size: int = 40) -> st.SearchStrategy[str]:
    """Text of any kind, often with a hostile character mixed in; without surrogates for URLs."""
    alphabet = st.characters(codec="utf-8") if not surrogates else st.characters()
    hostile = _HOSTILE.filter(lambda c: surrogates or not ("\ud800" <= c <= "\udfff"))
    plain = st.text(alphabet, max_size=max_size)
    mixed = st.lists(st.one_of(st.text(alphabet, max_size=8), hostile), max_size=6).map("".join)
    return st.one_of(plain, mixed, st.sampled_from(["", " ", "0", "1_000", "1e3", "12.50", "-1", "NaN", "٣"]))


def number_texts() -> st.SearchStrategy[str]:
    """Numbers written every which way: plain, signed, with underscores, exponents, other digits."""
    return st.one_of(
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(str),
        st.sampled_from(["1_0", "1_000.00", " 5", "5 ", "+5", "٣", "1e3", "0x10", "", "-0", "00012.50", "12.", ".5"]),
        texts(surrogates=False, max_size=12),
    )


def orderings(fields: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    """Lists of ordering keys: valid, repeated, too many, empty, unknown."""
    keys = st.sampled_from([f"{sign}{name}" for name in fields for sign in ("", "-")])
    junk = st.sampled_from(["", "-", "--title", "id", "pk", "?", "title ", "name__x", "TITLE"])
    return st.lists(st.one_of(keys, keys, junk), max_size=len(fields) + 3)


BOOK_ORDERINGS = orderings(BOOK_ORDERING_FIELDS)
AUTHOR_ORDERINGS = orderings(AUTHOR_ORDERING_FIELDS)

_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    texts(max_size=300),
)
_TAGGED = st.one_of(
    st.builds(lambda v: {"d": v}, st.one_of(number_texts(), _JSON_SCALARS)),
    st.builds(lambda v: {"t": v}, st.one_of(st.datetimes().map(lambda d: d.isoformat()), texts(), _JSON_SCALARS)),
    st.builds(lambda v: {"D": v}, st.one_of(st.dates().map(lambda d: d.isoformat()), texts(), _JSON_SCALARS)),
    st.dictionaries(st.sampled_from(["d", "t", "D", "x"]), _JSON_SCALARS, max_size=3),
)
_CURSOR_VALUES = st.one_of(_JSON_SCALARS, _TAGGED)


def _encoded(values) -> str:
    raw = json.dumps(values, separators=(",", ":")).encode("utf-8", "surrogatepass")
    return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursors() -> st.SearchStrategy[str]:
    """Forged cursors: well-encoded lists of wrong or out-of-range values, and plain garbage."""
    lists = st.lists(_CURSOR_VALUES, max_size=4).map(_encoded)
    objects = st.one_of(_JSON_SCALARS, st.dictionaries(st.text(max_size=3), _JSON_SCALARS)).map(_encoded)
    raw = st.text(st.characters(codec="ascii"), max_size=60).map(lambda t: CURSOR_PREFIX + t)
    return st.one_of(lists, lists, objects, raw, texts(surrogates=False))
