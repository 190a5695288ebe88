// What a route of the tab's API is and answers with; shared by the tab (tab.ts) and the coordinator's
// pages (tab-coordinator.ts) so neither imports the other for it.
import type { Request } from 'restify';
import type { MessageKey } from '../adaptive-cards/texts.ts';
import type { Locale } from '../domain/types.ts';
import type { Member } from '../infra/identities.ts';
import type { TabIdentity } from './tab-auth.ts';

/** One route of the tab's API: who asks (already verified), in which language, and when. */
export type TabHandler = (ctx: { req: Request; member: Member; identity: TabIdentity; locale: Locale; now: Date }) => Promise<unknown>;

export class TabError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: MessageKey,
  ) {
    super(code);
  }
}

/** An answer that is a file to save (the report download), not JSON for the page. */
export class TabFile {
  constructor(
    readonly name: string,
    readonly contentType: string,
    readonly body: Buffer,
  ) {}
}
