"""Inline markup: what is a link, what is refused, what a renderer gets."""

from __future__ import annotations

import random
import time

import pytest

from app.appeals.text.blocks import TextInvalid
from app.appeals.text.inline import (
    Span,
    SpanKind,
    check_inline,
    drop_unsafe_links,
    parse_inline,
    plain_text,
    url_problem,
)

T, EM, STRONG, LINK = SpanKind.TEXT, SpanKind.EMPHASIS, SpanKind.STRONG, SpanKind.LINK

UNSAFE_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](java script:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)",
    "[x](/relative/path)",
    "[x](relative.html)",
    "[x](//evil.example/path)",
    "[x](https:evil.example)",
    "[x](https://)",
    "[x](https:///path)",
    "[x](<javascript:alert(1)>)",
    "[x](https://trusted.example@evil.example/)",
    "[x](https://ok.example/a b)",
    "[x](https://ok.example/\u200bzero-width)",
    "[x](https://ok.example/\u202egpj.exe)",
    "[x](https://ok.example/\u00a0nbsp)",
    '[x](https://ok.example/" onclick="alert(1))',
    "[x](https://ok.example\\@evil.example)",
    "[x](https://en.wikipedia.org/wiki/Foo_(bar))",
    "[x](mailto:someone@example.org)",
    "[](https://ok.example/)",
    "[  ](https://ok.example/)",
    # Not links for our parser, but links for CommonMark: refused as a stray "](".
    "[x](javascript:alert((1)))",
    "[a [b]](javascript:alert(1))",
    "[a](https://ok.example/)](javascript:x)",
]

SAFE = [
    "[report](https://example.org/report?id=1&lang=be#p2)",
    "[the law](HTTPS://EXAMPLE.ORG/LAW)",
    "[сайт](http://пример.бел/навіны)",
    "[a](https://a.example) and [b](http://b.example:8080/x)",
    "[parens encoded](https://en.wikipedia.org/wiki/Foo_%28bar%29)",
    "no links at all, just [brackets] and (parentheses)",
    "<script>alert(1)</script> <a href='javascript:x'>y</a>",
    "",
]


@pytest.mark.parametrize("text", UNSAFE_LINKS)
def test_check_refuses_every_link_that_is_not_plain_http(text: str) -> None:
    with pytest.raises(TextInvalid) as caught:
        check_inline(f"Please read {text} today.")
    assert "link" in str(caught.value)


@pytest.mark.parametrize("text", UNSAFE_LINKS)
def test_parse_never_makes_a_link_of_an_unsafe_address(text: str) -> None:
    links = [s for s in parse_inline(text) if s.kind is LINK]
    assert all(s.href is not None and url_problem(s.href) is None for s in links)
    assert all("javascript" not in (s.href or "").lower() for s in links)


@pytest.mark.parametrize("text", SAFE)
def test_check_accepts_http_links_and_plain_text(text: str) -> None:
    check_inline(text)


def test_the_message_names_the_link_and_says_what_to_do() -> None:
    with pytest.raises(TextInvalid, match=r"the link “our report”: .*https://"):
        check_inline("See [our report](javascript:alert(1)).")
    with pytest.raises(TextInvalid, match="%28"):
        check_inline("[w](https://en.wikipedia.org/wiki/A_(b))")
    with pytest.raises(TextInvalid, match="user name"):
        check_inline("[bank](https://bank.example@evil.example)")


def test_parse_spans() -> None:
    text = "We **demand** the *immediate* release, see [the list](https://example.org/l)."
    assert parse_inline(text) == [
        Span(T, "We "),
        Span(STRONG, "demand"),
        Span(T, " the "),
        Span(EM, "immediate"),
        Span(T, " release, see "),
        Span(LINK, "the list", "https://example.org/l"),
        Span(T, "."),
    ]


def test_plain_text_is_a_single_span() -> None:
    assert parse_inline("Свабоду палітвязням!") == [Span(T, "Свабоду палітвязням!")]
    assert parse_inline("") == []


@pytest.mark.parametrize(
    "text",
    [
        "an *unclosed emphasis",
        "an **unclosed strong",
        "closing only* here",
        "** spaced** is not strong",
        "*spaced * is not emphasis",
        "5 * 3 * 2 = 30",
        "a [label](https://unclosed.example",
        "[label] (https://space-between.example)",
        "*across\nlines*",
        "****",
    ],
)
def test_unclosed_or_malformed_markers_are_plain_text(text: str) -> None:
    assert parse_inline(text) == [Span(T, text)]
    assert plain_text(text) == text


def test_raw_html_stays_literal_text() -> None:
    text = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    check_inline(text)
    assert parse_inline(text) == [Span(T, text)]


def test_markup_is_flat_and_links_win() -> None:
    # No nesting: markers inside strong are literal; emphasis does not span a link.
    assert parse_inline("**a *b* c**") == [Span(STRONG, "a *b* c")]
    assert parse_inline("*see [x](https://x.example) now*") == [
        Span(T, "*see "),
        Span(LINK, "x", "https://x.example"),
        Span(T, " now*"),
    ]
    assert parse_inline("[**bold label**](https://x.example)") == [
        Span(LINK, "**bold label**", "https://x.example")
    ]


def test_plain_text_strips_markup_and_keeps_link_labels() -> None:
    text = "**Free** all *political* prisoners: [Viasna list](https://example.org/v)."
    assert plain_text(text) == "Free all political prisoners: Viasna list."
    # An unsafe link is not a link, so its source stays (it never reaches a stored text).
    assert plain_text("[x](javascript:y)") == "[x](javascript:y)"


def test_drop_unsafe_links_keeps_labels_and_safe_links() -> None:
    assert drop_unsafe_links("Read [this](javascript:alert(1)) now.") == "Read this now."
    assert drop_unsafe_links("[ok](https://ok.example) [bad](data:x)") == (
        "[ok](https://ok.example) bad"
    )
    assert drop_unsafe_links("[](https://ok.example)") == "https://ok.example"
    assert drop_unsafe_links("[a [b]](javascript:x)") == "[a [b]] (javascript:x)"


def test_drop_unsafe_links_always_gives_text_that_passes_the_check() -> None:
    rng = random.Random(8785)
    alphabet = ["[", "]", "(", ")", "](", "x", " ", "javascript:", "https://a.example", "*"]
    for text in UNSAFE_LINKS + SAFE:
        check_inline(drop_unsafe_links(text))
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        cleaned = drop_unsafe_links(text)
        check_inline(cleaned)
        for span in parse_inline(cleaned):
            assert span.kind is not LINK or url_problem(span.href or "") is None


def test_hostile_input_does_not_backtrack_catastrophically() -> None:
    """A guard against regular-expression denial of service, not a speed test: linear
    scans of these inputs take milliseconds, quadratic or exponential backtracking over
    20,000 characters takes minutes — the ceiling sits far from both, so a busy machine
    cannot make it fail."""
    hostile = ["[a](" * 5000, "[" * 20000, "](" * 10000, "*a" * 10000, "**" * 10000]
    started = time.perf_counter()
    for text in hostile:
        try:
            check_inline(text)
        except TextInvalid:
            pass
        parse_inline(text)
        drop_unsafe_links(text)
    assert time.perf_counter() - started < 30.0
