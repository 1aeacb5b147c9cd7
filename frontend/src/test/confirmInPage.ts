import { screen, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";

/** Answer the page's confirmation dialog (shared/Confirm.tsx) by pressing `button`. */
export async function confirmInPage(user: UserEvent, question: string | RegExp, button: string) {
  const dialog = await screen.findByRole("dialog", { name: question });
  await user.click(within(dialog).getByRole("button", { name: button }));
}
