import { render } from "@testing-library/react";
import { MemoryRouter, useLocation, useNavigate, type Location, type NavigateFunction } from "react-router";
import { App } from "../App";

/** Where the router is now (what the address bar would show), and a way to type a new address. */
export const current: { location: Location | null; navigate: NavigateFunction | null } = {
  location: null,
  navigate: null,
};

function LocationSpy() {
  current.location = useLocation();
  current.navigate = useNavigate();
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
