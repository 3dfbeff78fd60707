"""Chinese-aware word segmentation shared by indexing and querying.

Text is cut into words with rjieba (jieba's algorithm in Rust; see README for the measurement)
and stored space-separated, so SQLite FTS5's unicode61 tokenizer and PostgreSQL's 'simple'
configuration see whole words: two-character words such as 漏水 and 物业 are ordinary terms.
Documents are cut "for search" (a long word also yields its shorter words: 地下车库 gives 地下,
车库 and 地下车库) while queries are cut plainly, so a query word is always among a document's.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import rjieba

# A user's query beyond this is noise; it is cut here rather than refused.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 32
_PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”')


# Characters that are neither letters nor digits only separate words here: a token keeps its
# letters and digits (str.isalnum), lower-cased, and a token with none is dropped. Done with one
# regular expression over all tokens joined, not per character in Python: that loop cost ten
# times the segmenter itself (issue #8).
_SEPARATOR = "\x00"
_NOT_ALNUM = re.compile(r"[^\w\x00]|_")


def _words(tokens: list[str]) -> list[str]:
    joined = _NOT_ALNUM.sub("", _SEPARATOR.join(tokens)).lower()
    return [word for word in joined.split(_SEPARATOR) if word]


def words_for_index(text: str) -> list[str]:
    return _words(rjieba.cut_for_search((text or "").replace(_SEPARATOR, " ")))


def words_for_query(text: str) -> list[str]:
    return _words(rjieba.cut((text or "").replace(_SEPARATOR, " ")))


def segment_for_index(text: str) -> str:
    return " ".join(words_for_index(text))


@dataclass(frozen=True)
class ParsedQuery:
    """What the reader asked for: words that must all occur, and exact phrases."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    text: str = ""
    highlight_terms: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.words


# SearchQuery.parsed asks again at each step of one search; the answer is a frozen value.
@lru_cache(maxsize=256)
def parse_query(raw: str) -> ParsedQuery:
    text = " ".join((raw or "").split())[:MAX_QUERY_CHARS]
    phrases = []
    words: list[str] = []
    for match in _PHRASE.finditer(text):
        phrase = " ".join((match.group(1) or match.group(2) or "").split())
        phrase_words = words_for_query(phrase)
        if phrase_words:
            phrases.append(phrase)
            words.extend(phrase_words)
    words.extend(words_for_query(_PHRASE.sub(" ", text)))
    unique = tuple(dict.fromkeys(words))[:MAX_QUERY_WORDS]
    terms = tuple(dict.fromkeys([*phrases, *unique]))
    return ParsedQuery(words=unique, phrases=tuple(phrases), text=text, highlight_terms=terms)
