import { render } from "@testing-library/react";
import { MemoryRouter, useLocation, type Location } from "react-router";
import { App } from "../App";

/** Where the router is now (what the address bar would show). */
export const current: { location: Location | null } = { location: null };

function LocationSpy() {
  current.location = useLocation();
  return null;
}

/** Renders the whole shell at `path`, as the browser would after loading that URL. */
export function renderApp(path = "/") {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <App />
      <LocationSpy />
    </MemoryRouter>,
  );
}
