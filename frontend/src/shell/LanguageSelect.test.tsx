import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { LANGUAGE_STORAGE_KEY } from "../i18n";
import { renderApp } from "../test/renderApp";

describe("language switch", () => {
  it("is a labelled select offering every language by its own name", () => {
    renderApp();
    const select = screen.getByLabelText("Language");
    expect(select.id).toBe("language-select");
    expect(select.tagName).toBe("SELECT");
    const options = screen.getAllByRole("option").map((o) => [(o as HTMLOptionElement).value, o.textContent]);
    expect(options).toEqual([
      ["en", "English"],
      ["be", "Беларуская"],
      ["ru", "Русский"],
    ]);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Welcome to Accord");
    expect(document.documentElement.lang).toBe("en");
  });

  it("switches the visible text to Belarusian and sets html lang", async () => {
    const user = userEvent.setup();
    renderApp();
    await user.selectOptions(screen.getByLabelText("Language"), "be");

    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Вітаем у Accord");
    expect(screen.getByRole("link", { name: "Галоўная" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Стан" })).toBeTruthy();
    expect(screen.getByLabelText("Мова")).toBe(document.getElementById("language-select"));
    expect(document.documentElement.lang).toBe("be");
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("be");
  });

  it("switches the visible text to Russian and back to English", async () => {
    const user = userEvent.setup();
    renderApp();
    await user.selectOptions(screen.getByLabelText("Language"), "ru");

    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Добро пожаловать в Accord");
    expect(screen.getByRole("navigation", { name: "Главное меню" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("ru");

    await user.selectOptions(screen.getByLabelText("Язык"), "en");
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Welcome to Accord");
    expect(document.documentElement.lang).toBe("en");
  });
});
