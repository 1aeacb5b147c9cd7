#!/usr/bin/env node
// Generates src/api/schema.d.ts from openapi.json (the schema the backend exports).
//
//   node tools/api-gen/gen-api.mjs           write src/api/schema.d.ts   (npm run gen:api)
//   node tools/api-gen/gen-api.mjs --check   regenerate in memory and exit 1 when the
//                                            committed file differs      (npm run check:api)
//
// This lives in its own tiny package because openapi-typescript drives the TypeScript 5
// compiler API, which TypeScript 7 (used for type checking) no longer ships.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

const root = fileURLToPath(new URL("../../", import.meta.url));
const schemaPath = path.join(root, "openapi.json");
const outputPath = path.join(root, "src/api/schema.d.ts");
const check = process.argv.includes("--check");

const HEADER = `${COMMENT_HEADER.trimEnd()}
// Source: frontend/openapi.json. Regenerate with \`npm run gen:api\`.

`;

async function generate() {
  const document = JSON.parse(await readFile(schemaPath, "utf8"));
  const ast = await openapiTS(document, { silent: true });
  return HEADER + astToString(ast);
}

async function main() {
  const generated = await generate();
  if (!check) {
    await writeFile(outputPath, generated, "utf8");
    console.log(`Wrote ${path.relative(root, outputPath)}`);
    return;
  }
  let committed = null;
  try {
    committed = await readFile(outputPath, "utf8");
  } catch {
    // missing file: reported as stale below
  }
  if (committed !== generated) {
    const reason =
      committed === null
        ? `${path.relative(root, outputPath)} is missing`
        : `${path.relative(root, outputPath)} differs from what openapi.json generates ` +
          `(first difference at line ${firstDifferentLine(committed, generated)})`;
    console.error(`API client is stale: run npm run gen:api\n  ${reason}`);
    process.exit(1);
  }
  console.log(`${path.relative(root, outputPath)} is up to date with openapi.json`);
}

function firstDifferentLine(a, b) {
  const left = a.split("\n");
  const right = b.split("\n");
  let i = 0;
  while (i < left.length && i < right.length && left[i] === right[i]) i += 1;
  return i + 1;
}

main().catch((error) => {
  console.error(`API generation failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
