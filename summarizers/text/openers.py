"""Sentences that lean on the one before them.

A sentence that opens on a pronoun ("It began last Thursday"), a demonstrative ("This decision")
or a connective ("But the court...", "However, ...") points back at a sentence it does not
contain. Inside its article the reader has that sentence; lifted into a summary of several
articles it reads as a fragment ("It began last Thursday and will end today": what did?).
Extractive multi-document systems have long kept such sentences out of summaries or weighed them
down: dangling references are the first readability fault of extracts.

Only the first word is read (a simple, linear test); the lists are the pronouns, possessives,
demonstratives and connectives of the languages written here. Openers that are mostly
expletive, pointing at nothing ("There were...", German "Es gibt..."), are not in them. A
language without a list has no opener.
"""

from __future__ import annotations

from .words import lexical_words

_WORDS = {
    "en": """
        he she it they him her them his its their hers theirs this that these those such
        but however also and yet still so then thus hence therefore meanwhile instead
        moreover furthermore nevertheless nonetheless besides otherwise likewise
    """,
    "fr": """
        il elle ils elles lui leur leurs son sa ses ce cet cette ces cela ceci ça celui celle
        ceux celles mais cependant pourtant toutefois néanmoins donc puis ainsi aussi
    """,
    "de": """
        er sie ihm ihn ihr ihre sein seine dieser diese dieses diesen diesem jener jene
        aber jedoch doch dennoch trotzdem deshalb daher darum also auch außerdem
    """,
    "es": """
        él ella ellos ellas su sus este esta estos estas esto ese esa esos esas eso pero
        además también entonces así
    """,
    "it": """
        lui lei esso essa essi esse suo sua suoi sue loro questo questa questi queste quello
        quella quelli quelle ma però tuttavia inoltre anche quindi così
    """,
    "pt": """
        ele ela eles elas seu sua seus suas este esta estes estas isto esse essa esses essas
        isso mas porém contudo todavia também além assim então
    """,
}
#: ISO 639-1 code -> the words that, opening a sentence, point back at an earlier one.
OPENERS: dict[str, frozenset[str]] = {code: frozenset(words.split()) for code, words in _WORDS.items()}


def leans_back(sentence: str, language_code: str) -> bool:
    """Whether ``sentence`` opens on a word that points back at an earlier sentence (see the
    module's docstring); ``False`` for a language without a list."""
    words = OPENERS.get(language_code)
    if not words:
        return False
    first = lexical_words(sentence[:80])
    return bool(first) and first[0].lower() in words
