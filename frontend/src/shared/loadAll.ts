import type { Page } from "../api/page";

// A coalition has tens of organizations, not thousands; the cap only guards against a loop.
const MAX_PAGES = 50;

/** Every item of a keyset-paginated list, page after page. */
export async function loadAll<T>(list: (cursor?: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result: Page<T> = await list(cursor);
    items.push(...result.items);
    cursor = result.next_cursor;
    if (!cursor) break;
  }
  return items;
}
