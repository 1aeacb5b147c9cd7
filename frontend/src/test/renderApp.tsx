import { render } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { App } from "../App";

/** Renders the whole shell at `path`, as the browser would after loading that URL. */
export function renderApp(path = "/") {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <App />
    </MemoryRouter>,
  );
}
