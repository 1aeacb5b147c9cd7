import createClient from "openapi-fetch";
import { reportSessionProblem } from "./authEvents";
import { addCsrfHeader } from "./csrf";
import type { paths } from "./schema";

/**
 * Typed client for the Accord API, generated from openapi.json (see `npm run gen:api`).
 *
 * The API is served by the same origin as this page. `baseUrl` is the page's own origin, which
 * is what "" means in a browser, spelled out so that `new Request()` also works where relative
 * URLs have no base (the test runner). Cookies are sent to that origin only.
 */
export const api = createClient<paths>({
  baseUrl: window.location.origin,
  credentials: "same-origin",
  // Look fetch up per request (not once at import), so wrappers and test stubs apply.
  fetch: (request) => globalThis.fetch(request),
});

api.use({
  onRequest: ({ request }) => addCsrfHeader(request),
  onResponse: async ({ response }) => {
    await reportSessionProblem(response);
    return response;
  },
});
