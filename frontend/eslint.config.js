// ESLint flat config: `npm run lint` (eslint . --max-warnings 0), part of `make lint` and CI.
//
// TypeScript rules are type-aware: typescript-eslint's project service reads tsconfig.json and
// its references (tsconfig.app.json for src/, tsconfig.node.json for vite.config.ts). It comes
// from tools/lint/, which pairs it with TypeScript 6.0 because TypeScript 7 has no JavaScript
// API (see tools/lint/index.js); `tsc -b` (TypeScript 7) remains the type checker.
import js from "@eslint/js";
import tseslint from "@accord/lint";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";

export default defineConfig(
  // Build output, installed packages and the generated API client (npm run gen:api).
  globalIgnores(["dist/", "**/node_modules/", "src/api/schema.d.ts"]),

  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Numbers in template literals (`http_${status}`, `h${level}`, padded dates) print as
      // expected; the strict preset forbids them, the recommended one does not.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // `onClick={() => setOpen(false)}` and `waitFor(() => expect(…))` are the React and
      // Testing Library idiom; only void values used elsewhere (assigned, returned from a
      // block) are confusing.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
    },
  },

  {
    files: ["src/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    extends: [jsxA11y.flatConfigs.recommended],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // The browser's own dialogs cannot be translated, styled or read out properly:
      // consequential changes are confirmed in the page (shared/Confirm.tsx).
      "no-restricted-globals": [
        "error",
        { name: "confirm", message: "Use useConfirm() from shared/Confirm.tsx." },
        { name: "alert", message: "Say it in the page (<Notice>, <ErrorAlert>)." },
        { name: "prompt", message: "Ask in the page, with a labelled field." },
      ],
      "no-restricted-properties": [
        "error",
        { object: "window", property: "confirm", message: "Use useConfirm() from shared/Confirm.tsx." },
        { object: "window", property: "alert", message: "Say it in the page (<Notice>, <ErrorAlert>)." },
        { object: "window", property: "prompt", message: "Ask in the page, with a labelled field." },
      ],
    },
  },

  // One way to reach the backend: each feature's api.ts wraps the generated client in typed
  // functions (features/<domain> mirrors app/<domain>, features/<domain>/<part> its
  // subpackages); components call those, never `api`.
  {
    files: ["src/**/*.{ts,tsx}"],
    ignores: [
      "src/features/*/api.ts",
      "src/features/*/*/api.ts",
      "src/api/**",
      "src/test/**",
      "src/**/*.test.{ts,tsx}",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)api/client$",
              message: "Call the backend through the feature's api.ts (features/<domain>/api.ts), not the client.",
            },
          ],
        },
      ],
    },
  },

  // Node scripts (build checks, the API generator, this file) and the Vite config.
  {
    files: ["**/*.{js,mjs}", "vite.config.ts"],
    languageOptions: { globals: globals.node },
  },
  // Plain JavaScript belongs to no tsconfig, so it gets the syntactic rules only.
  {
    files: ["**/*.{js,mjs}"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
