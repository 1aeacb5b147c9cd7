import { Fragment } from "react";

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/**
 * A plain-text email body. Links back to this server become clickable (an invitation, a
 * reset); anything else stays text, so the page never links out to another origin.
 */
export function MessageBody({ id, text }: { id: string; text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <pre id={id} className="message-body">
      {parts.map((part, index) => {
        if (index % 2 === 1 && sameOrigin(part)) {
          return (
            <a key={index} href={part}>
              {part}
            </a>
          );
        }
        return <Fragment key={index}>{part}</Fragment>;
      })}
    </pre>
  );
}

function sameOrigin(href: string): boolean {
  try {
    return new URL(href).origin === window.location.origin;
  } catch {
    return false;
  }
}
