// typescript-eslint, re-exported from this package so that it resolves `typescript` to the
// TypeScript 6.0 installed here: it needs the compiler's JavaScript API, which TypeScript 7 (the
// project's type checker, in ../../node_modules) no longer ships. TypeScript 6.0 is the last
// release with that API and gives the same types as 7.0, so type-aware rules see what tsc sees.
export { default } from "typescript-eslint";
