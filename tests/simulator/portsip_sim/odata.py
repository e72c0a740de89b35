# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The slice of the OData filter language that the PBX documents for lists:
#   name eq 'Sales' and (extension_number ne '8000' or startswith(name,'Sa'))
# with comparisons eq/ne, the functions startswith/endswith/contains, and/or and parentheses.
# Strings are single-quoted; a quote inside one is doubled ('').

import re

FUNCTIONS = {
    'startswith': str.startswith,
    'endswith': str.endswith,
    'contains': str.__contains__,
}
COMPARISONS = {
    'eq': lambda left, right: left == right,
    'ne': lambda left, right: left != right,
}
_TOKEN = re.compile(r"\s*(?:(?P<punct>[(),])|'(?P<string>(?:[^']|'')*)'|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")


class FilterError(ValueError):
    pass


def compile_filter(text, fields):
    """Turn a filter expression into a predicate over dicts; only the given field names may be used."""
    parser = _Parser(_tokenize(text), fields)
    predicate = parser.expression()
    if parser.peek() is not None:
        raise FilterError('unexpected %r' % parser.peek()[1])
    return predicate


def _tokenize(text):
    tokens, position = [], 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if not match:
            raise FilterError('cannot read %r' % text[position:].strip())
        kind = match.lastgroup
        value = match.group(kind)
        tokens.append((kind, value.replace("''", "'") if kind == 'string' else value))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens, fields):
        self.tokens = tokens
        self.fields = fields

    def peek(self):
        return self.tokens[0] if self.tokens else None

    def take(self, kind, value=None):
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            raise FilterError('expected %s, found %s' % (value or kind, repr(token[1]) if token else 'the end'))
        return self.tokens.pop(0)[1]

    def accept(self, word):
        if self.peek() == ('word', word):
            self.tokens.pop(0)
            return True
        return False

    def expression(self):
        terms = [self.term()]
        while self.accept('or'):
            terms.append(self.term())
        return lambda item: any(term(item) for term in terms)

    def term(self):
        factors = [self.factor()]
        while self.accept('and'):
            factors.append(self.factor())
        return lambda item: all(factor(item) for factor in factors)

    def factor(self):
        if self.peek() == ('punct', '('):
            self.take('punct', '(')
            inner = self.expression()
            self.take('punct', ')')
            return inner
        word = self.take('word')
        if word in FUNCTIONS:
            self.take('punct', '(')
            field = self.field()
            self.take('punct', ',')
            value = self.take('string')
            self.take('punct', ')')
            function = FUNCTIONS[word]
            return lambda item: isinstance(item.get(field), str) and function(item[field], value)
        field = self.field(word)
        operator = self.take('word')
        if operator not in COMPARISONS:
            raise FilterError('unsupported operator %r' % operator)
        value = self.take('string')
        compare = COMPARISONS[operator]
        return lambda item: compare(item.get(field), value)

    def field(self, word=None):
        word = word or self.take('word')
        if word not in self.fields:
            raise FilterError('cannot filter on %r' % word)
        return word
