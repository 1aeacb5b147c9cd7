/** A page of a keyset-paginated list: its items and the cursor of the next page (null: last). */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The query string of a list request: the cursor of the page to read, if any. */
export const pageQuery = (cursor?: string | null) => ({ query: cursor ? { cursor } : {} });
