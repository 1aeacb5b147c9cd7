import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fakeServer } from "../../test/fakeServer";
import { APPEAL_ID, ORG_ID } from "../appeals/fixtures";
import { OpenSigningForm } from "./OpenSigningForm";

const OTHER_ORG = "0190b7a0-0000-7000-8000-00000000a002";
const candidate = (n: number, organization: string) => ({
  user_id: `0190b7a0-0000-7000-8000-00000000c00${n}`,
  name: `Custodian ${n}`,
  organization_id: organization,
  organization_name: `Organization ${n}`,
});

describe("opening for signatures", () => {
  it("lets the public sign only when the coordinator says so", async () => {
    const server = fakeServer({
      [`GET /api/appeals/${APPEAL_ID}/custodian-candidates`]: {
        body: { items: [candidate(1, ORG_ID), candidate(2, OTHER_ORG)] },
      },
      [`POST /api/appeals/${APPEAL_ID}/signing`]: { status: 201, body: {} },
    });
    const opened = vi.fn();
    render(<OpenSigningForm appealId={APPEAL_ID} onOpened={opened} />);
    const user = userEvent.setup({ delay: null });
    const form = screen.getByTestId("open-signing-form");
    const anyone = within(form).getByRole("checkbox", {
      name: "Anyone may sign on a public page (confirmed by an emailed code)",
    });
    expect((anyone as HTMLInputElement).checked).toBe(false);
    await user.click(await within(form).findByRole("checkbox", { name: /Custodian 1/ }));
    await user.click(within(form).getByRole("checkbox", { name: /Custodian 2/ }));
    await user.click(anyone);
    await user.click(within(form).getByRole("button", { name: "Open for signatures" }));
    await waitFor(() => expect(opened).toHaveBeenCalled());
    expect(server.calls("POST", `/api/appeals/${APPEAL_ID}/signing`)[0]?.body).toMatchObject({
      allow_organizations: true,
      allow_members: true,
      allow_public: true,
      threshold: 2,
    });
  });
});
