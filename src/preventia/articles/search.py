"""The search language of ``q``: one parser, one AST, two compilers (tsquery and FTS5).

Grammar (operators in capitals; a space between two terms means AND)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*
    unary   := "NOT" unary | primary
    primary := "(" query ")" | '"' words '"' | word | word "*"

Words are case- and accent-insensitive runs of letters and digits (``cancer`` finds
``cáncer``; the index folds accents the same way, see :mod:`preventia.db.fts`);
``her2-positive`` is read as the phrase ``"her2 positive"``. A ``NOT`` must stand beside a
positive term inside an AND (``screening NOT mammography``): a query that only excludes is
refused, as FTS5 has no "everything but" and it would scan every article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from preventia.nlp.text import fold

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MIN_PREFIX_CHARS = 2
_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|"(?P<phrase>[^"]*)"|(?P<bare>[^\s()"]+))')
_OPERATORS = {"AND", "OR", "NOT"}


class SearchSyntaxError(ValueError):
    """The expression cannot be read; the message says why and where."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or several for a phrase
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Not | And | Or


def _words(text: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in _WORD.findall(text))


def _tokens(query: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = query.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None:
            raise SearchSyntaxError(f"unbalanced quote at character {position + 1}")
        position = match.end()
        if match.group("paren"):
            tokens.append(("paren", match.group("paren")))
        elif match.group("phrase") is not None:
            tokens.append(("phrase", match.group("phrase")))
        else:
            bare = match.group("bare")
            kind = "op" if bare in _OPERATORS else "word"
            tokens.append((kind, bare))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek() == ("op", "OR"):
            self.take()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while (token := self.peek()) is not None and token not in (("op", "OR"), ("paren", ")")):
            if token == ("op", "AND"):
                self.take()
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Node:
        if self.peek() == ("op", "NOT"):
            self.take()
            return Not(self.parse_unary())
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise SearchSyntaxError("the expression ends where a term was expected")
        kind, value = self.take()
        if token == ("paren", "("):
            node = self.parse_or()
            if self.peek() != ("paren", ")"):
                raise SearchSyntaxError("a '(' is not closed")
            self.take()
            return node
        if kind in ("op", "paren"):
            raise SearchSyntaxError(f"unexpected {value!r} where a term was expected")
        return _term(kind, value)


def _term(kind: str, value: str) -> Term:
    prefix = kind == "word" and value.endswith("*")
    words = _words(value[:-1] if prefix else value)
    if not words:
        raise SearchSyntaxError(f"{value!r} contains no letters or digits")
    if prefix and (len(words) > 1 or len(words[0]) < MIN_PREFIX_CHARS):
        raise SearchSyntaxError(
            f"a prefix search needs one word of at least {MIN_PREFIX_CHARS} characters"
        )
    if "*" in (value[:-1] if prefix else value) and kind == "word":
        raise SearchSyntaxError("'*' is allowed only at the end of a word")
    return Term(words, prefix)


def _check(node: Node, *, inside_and: bool = False) -> int:
    """Validate NOT placement; return the number of terms."""
    if isinstance(node, Term):
        return 1
    if isinstance(node, Not):
        if not inside_and:
            raise SearchSyntaxError("NOT must follow a positive term, as in 'a NOT b'")
        return _check(node.child)
    if isinstance(node, And) and all(isinstance(c, Not) for c in node.children):
        raise SearchSyntaxError("NOT must follow a positive term, as in 'a NOT b'")
    inside = isinstance(node, And)
    return sum(_check(child, inside_and=inside) for child in node.children)


def parse(query: str) -> Node:
    """Parse ``q``; raise :class:`SearchSyntaxError` with a readable reason."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchSyntaxError(f"at most {MAX_QUERY_CHARS} characters")
    tokens = _tokens(query)
    if not tokens:
        raise SearchSyntaxError("the expression is empty")
    parser = _Parser(tokens)
    node = parser.parse_or()
    if parser.peek() is not None:
        raise SearchSyntaxError(f"unexpected {parser.peek()[1]!r}")  # type: ignore[index]
    if _check(node) > MAX_TERMS:
        raise SearchSyntaxError(f"at most {MAX_TERMS} terms")
    return node


def to_tsquery(node: Node) -> str:
    """PostgreSQL ``to_tsquery('simple', …)`` text."""
    if isinstance(node, Term):
        text = " <-> ".join(node.words)
        if node.prefix:
            return f"{text}:*"
        return f"({text})" if len(node.words) > 1 else text
    if isinstance(node, Not):
        return f"!{to_tsquery(node.child)}"
    joiner = " & " if isinstance(node, And) else " | "
    return "(" + joiner.join(to_tsquery(child) for child in node.children) + ")"


def to_fts5(node: Node) -> str:
    """SQLite FTS5 ``MATCH`` text (every word quoted, so no word is read as an operator)."""
    if isinstance(node, Term):
        quoted = '"' + " ".join(node.words) + '"'
        return quoted + ("*" if node.prefix else "")
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts5(child) for child in node.children) + ")"
    if isinstance(node, Not):  # only reached inside an And, handled below
        return to_fts5(node.child)
    positive = [to_fts5(c) for c in node.children if not isinstance(c, Not)]
    negative = [to_fts5(c.child) for c in node.children if isinstance(c, Not)]
    text = "(" + " AND ".join(positive) + ")"
    for excluded in negative:
        text = f"({text} NOT {excluded})"
    return text
