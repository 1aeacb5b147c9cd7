#!/usr/bin/env node
// Fails the build when dist/index.html would break the page's Content-Security-Policy
// (script-src 'self'; style-src 'self'; no third-party origins): inline <script> or <style>,
// style="…" or on…="…" attributes, javascript: URLs, or resources from another origin.
import { readFile } from "node:fs/promises";

const file = new URL("../dist/index.html", import.meta.url);
const html = await readFile(file, "utf8");
const problems = [];

for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
  const [, attributes, body] = match;
  if (!/\bsrc\s*=/i.test(attributes) || body.trim() !== "") problems.push(`inline script: ${match[0].slice(0, 80)}`);
}
if (/<style\b/i.test(html)) problems.push("inline <style> element");
if (/\sstyle\s*=/i.test(html)) problems.push("style attribute");
if (/\son[a-z]+\s*=/i.test(html)) problems.push("inline event handler attribute");
if (/javascript:/i.test(html)) problems.push("javascript: URL");
for (const match of html.matchAll(/\s(?:src|href)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi)) {
  problems.push(`resource from another origin: ${match[1]}`);
}

if (problems.length > 0) {
  console.error(`dist/index.html breaks the Content-Security-Policy:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("dist/index.html: no inline script or style, no third-party origins");
