/** The notifications domain (app/notifications): the development mailbox. */
import { api } from "../../api/client";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

export type MailboxMessage = components["schemas"]["MailboxMessage"];

/** The mail the server would have sent, newest first (404 outside development mail mode). */
export const listMailbox = () => unwrap(api.GET("/api/dev/mailbox"));

/** Whether this server has the mailbox: a route that always answers 200. */
export const getMailboxAvailability = () => unwrap(api.GET("/api/dev/mailbox-availability"));
