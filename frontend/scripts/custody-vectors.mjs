#!/usr/bin/env node
// Writes the browser's half ("from_js") of tests/kit/crypto/custody_vectors.json: Shamir shares,
// sealed blobs and key files made by src/kit/custody, which the Python tests must read. The
// Python half comes from scripts/custody_vectors.py. `make custody-vectors` runs both; the tests
// read the committed file and never regenerate it.
//
// Run from frontend/: node scripts/custody-vectors.mjs  (Vite loads the TypeScript modules.)
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "vite";

const file = new URL("../../tests/kit/crypto/custody_vectors.json", import.meta.url);

const server = await createServer({
  configFile: false,
  root: new URL("..", import.meta.url).pathname,
  logLevel: "error",
  server: { middlewareMode: true, hmr: false },
  appType: "custom",
});
try {
  const kit = await server.ssrLoadModule("/src/kit/custody/index.ts");
  const { createBackend } = await server.ssrLoadModule("/src/kit/custody/backend.ts");
  const { sealWith } = await server.ssrLoadModule("/src/kit/custody/sealing.ts");
  const { toHex } = await server.ssrLoadModule("/src/kit/custody/bytes.ts");

  const utf8 = (text) => new TextEncoder().encode(text);
  const decode = (value) => ("utf8" in value ? utf8(value.utf8) : Uint8Array.from(Buffer.from(value.hex, "hex")));
  const custodyKey = await kit.generateCustodyKeyPair();

  const shamir = [];
  for (const [description, secret, n, k] of [
    ["a custody private key, 2 of 3", { hex: toHex(custodyKey.privateKey) }, 3, 2],
    ["Cyrillic text, 3 of 5", { utf8: "Алесь Бяляцкі, «Вясна», Мінск" }, 5, 3],
    ["Latin with diacritics, 2 of 2", { utf8: "Łukasz Żółć, Ștefan Tănase, Zoë Ñúñez" }, 2, 2],
    ["one byte, 4 of 4", { hex: "00" }, 4, 4],
    ["64 bytes, 4 of 7", { hex: toHex(crypto.getRandomValues(new Uint8Array(64))) }, 7, 4],
  ]) {
    const shares = await kit.split(decode(secret), n, k);
    shamir.push({ description, secret, n, k, shares: shares.map(toHex) });
  }

  const sealed = [];
  const share = (await kit.split(custodyKey.privateKey, 3, 2))[0];
  for (const [description, kind, plaintext, info, aad] of [
    [
      "a signer's identity (Cyrillic JSON), with aad",
      "native",
      { utf8: '{"name":"Алесь Бяляцкі","organization":"Праваабарончы цэнтр «Вясна»","contact":"+375 29 000 00 00"}' },
      { utf8: "accord/appeal/01HZX3Q9/signatory" },
      { utf8: "signature:7c1e" },
    ],
    [
      "Latin with diacritics, empty aad",
      "native",
      { utf8: "Zoë Ñúñez — Ștefan Tănase — Ģirts Ķēniņš — Łódź" },
      { utf8: "accord/appeal/01HZX3Q9/signatory" },
      { utf8: "" },
    ],
    [
      "a Shamir share re-sealed to a requester",
      "native",
      { hex: toHex(share) },
      { utf8: "accord/custody/share" },
      { hex: "0102" },
    ],
    ["empty plaintext, binary info", "native", { utf8: "" }, { hex: "00ff00ff" }, { utf8: "aad" }],
    [
      "sealed by the portable backend (@hpke/dhkem-x25519)",
      "portable",
      { utf8: "Алесь Бяляцкі — sealed without WebCrypto X25519" },
      { utf8: "accord/appeal/01HZX3Q9/signatory" },
      { utf8: "signature:0001" },
    ],
  ]) {
    const pair = await kit.generateCustodyKeyPair();
    const context = { info: decode(info), aad: decode(aad) };
    const blob = await sealWith(await createBackend(kind), pair.publicKey, decode(plaintext), context);
    sealed.push({
      description,
      backend: kind,
      private_key: toHex(pair.privateKey),
      public_key: toHex(pair.publicKey),
      info,
      aad,
      plaintext,
      blob: toHex(blob),
    });
  }

  const keyFiles = [];
  for (const [description, passphrase, iterations] of [
    ["Belarusian passphrase", "Жыве Беларусь! вясна-2026 ў", 600_000],
    [
      "Latin passphrase with diacritics, written in NFD",
      "Zoe\u0301 Ñan\u0303du\u0301 — Łódź 42".normalize("NFD"),
      600_000,
    ],
    ["more iterations", "correct horse battery staple", 700_000],
  ]) {
    const pair = await kit.generateCustodyKeyPair();
    const keyFile = await kit.writeKeyFile(pair.privateKey, passphrase, { iterations });
    keyFiles.push({
      description,
      passphrase,
      private_key: toHex(pair.privateKey),
      public_key: toHex(pair.publicKey),
      key_file: keyFile,
    });
  }

  let vectors = {};
  try {
    vectors = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  const from_js = { shamir, sealed, key_files: keyFiles };
  const out = { about: vectors.about, from_js, from_python: vectors.from_python };
  await writeFile(file, JSON.stringify(out, null, 2) + "\n");
  console.log(`wrote from_js to ${file.pathname}`);
} finally {
  await server.close();
}
