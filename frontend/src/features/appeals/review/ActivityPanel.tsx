import type { Appeal } from "../api";

/** Placeholder: filled in by the review work (props are the contract with AppealPage). */
export function ActivityPanel(props: { appeal: Appeal; onChanged: () => void }) {
  void props;
  return null;
}
