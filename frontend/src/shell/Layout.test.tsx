import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderApp } from "../test/renderApp";

describe("page shell", () => {
  it("has a skip link to the main region and the header, navigation and main landmarks", () => {
    renderApp();
    const skip = screen.getByRole("link", { name: "Skip to main content" });
    expect(skip.getAttribute("href")).toBe("#main");
    expect(screen.getByRole("main").id).toBe("main");
    expect(screen.getByRole("banner")).toBeTruthy();
    expect(screen.getByRole("navigation", { name: "Main menu" })).toBeTruthy();
  });

  it("marks the current page in the navigation and moves focus to main after navigating", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(() => new Promise<Response>(() => {})),
    );
    const user = userEvent.setup();
    renderApp();
    expect(screen.getByRole("link", { name: "Home" }).getAttribute("aria-current")).toBe("page");

    await user.click(screen.getByRole("link", { name: "Status" }));
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Server status");
    expect(screen.getByRole("link", { name: "Status" }).getAttribute("aria-current")).toBe("page");
    expect(document.activeElement).toBe(screen.getByRole("main"));
  });

  it("shows a not-found page for unknown paths", () => {
    renderApp("/no-such-page");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Page not found");
  });
});
