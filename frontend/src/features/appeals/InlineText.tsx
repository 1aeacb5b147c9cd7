import { parseInline } from "./inline";

/**
 * A block's text with its inline markup as React elements: text, <em>, <strong> and links
 * whose address passed the same check as on the server (http/https only). Never HTML: every
 * piece of text is a text node, so `<script>` in a draft is only ever shown as text.
 *
 * `mapped`: every span is an element carrying `data-start`, the UTF-16 index in the raw
 * text where its visible text starts, so a selection can be mapped back (selection.ts).
 */
export function InlineText({ text, mapped = false }: { text: string; mapped?: boolean }) {
  return (
    <>
      {parseInline(text).map((span) => {
        const at = mapped ? { "data-start": span.start } : {};
        const key = `${span.kind}-${span.start}`;
        switch (span.kind) {
          case "strong":
            return (
              <strong key={key} {...at}>
                {span.text}
              </strong>
            );
          case "emphasis":
            return (
              <em key={key} {...at}>
                {span.text}
              </em>
            );
          case "link":
            return (
              <a key={key} {...at} href={span.href} target="_blank" rel="noopener noreferrer nofollow">
                {span.text}
              </a>
            );
          default:
            return mapped ? (
              <span key={key} {...at}>
                {span.text}
              </span>
            ) : (
              <span key={key}>{span.text}</span>
            );
        }
      })}
    </>
  );
}
