// What a route of the tab's API is and answers with, and the wrapper every route runs in: who asks
// (tab-auth.ts checks the token, or the web sign-in session speaks), which member that is, in which
// language, and the answer's headers and refusals. Shared by the tab (tab.ts) and the coordinator's
// pages (tab-coordinator.ts) so neither imports the other for it.
import type { Request, Response } from 'restify';
import { z } from 'zod';
import { t, type MessageKey } from '../adaptive-cards/texts.ts';
import type { Locale } from '../domain/types.ts';
import type { Queryable } from '../infra/db.ts';
import { DEV_CHANNEL, getMember, type Member } from '../infra/identities.ts';
import { memberIdForChannelUser, memberIdForTeamsUser } from '../infra/overview.ts';
import type { AppDeps } from './deps.ts';
import { authenticateTab, type TabAuthPolicy, type TabAuthResult, type TabIdentity } from './tab-auth.ts';

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

async function memberFor(db: Queryable, identity: TabIdentity): Promise<Member | null> {
  const memberId =
    identity.kind === 'teams'
      ? await memberIdForTeamsUser(db, { objectId: identity.user.objectId, tenantId: identity.user.tenantId })
      : // The web chat's own accounts first (people who signed up there), then the seeded demo ids.
        await memberIdForChannelUser(db, { userId: identity.userId, channelIds: ['webchat', DEV_CHANNEL] });
  return memberId ? getMember(db, memberId) : null;
}

const LangQuery = z.enum(['nb', 'nn', 'en']);

export interface TabRouteDeps extends Pick<AppDeps, 'db' | 'log' | 'now'> {
  /** The web chat user id of a signed-in browser session, when web sign-in is configured. */
  webSession?: ((req: Request) => Promise<string | null>) | null;
}

/** Makes a route of the tab's API: `handler` runs only for a member whose identity `policy` (or the web session) vouched for. */
export type TabRoute = (name: string, handler: TabHandler) => (req: Request, res: Response) => Promise<void>;

export function tabRoute(deps: TabRouteDeps, policy: TabAuthPolicy): TabRoute {
  const { db, log } = deps;
  return function route(name: string, handler: TabHandler) {
    return async (req: Request, res: Response): Promise<void> => {
      const started = Date.now();
      const lang = LangQuery.safeParse((req.query as Record<string, unknown> | undefined)?.lang);
      let locale: Locale = lang.success ? lang.data : 'nb';
      const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
        // Personal data in these answers: never cached, never shared between users by a proxy.
        res.header('Cache-Control', 'no-store');
        res.header('X-Content-Type-Options', 'nosniff');
        for (const [k, v] of Object.entries(extra)) res.header(k, v);
        res.send(status, body);
      };
      const refuse = (status: number, code: string, key: MessageKey) => {
        send(status, { error: { code, message: t(locale, key) } }, status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
      };
      try {
        // A bearer token (Teams SSO, development) speaks for itself; without one, the web sign-in session may.
        const webUserId = req.header('authorization') ? null : ((await deps.webSession?.(req)) ?? null);
        const auth: TabAuthResult = webUserId
          ? { ok: true, identity: { kind: 'web', channelId: 'webchat', userId: webUserId } }
          : await authenticateTab(req.header('authorization') ?? '', policy);
        if (!auth.ok) {
          log.info({ route: `tab.${name}`, status: auth.status, code: auth.code, reason: auth.reason, ms: Date.now() - started }, 'tab refused');
          const key: MessageKey = auth.code === 'tenant_not_allowed' ? 'tab.error.tenant' : auth.code === 'sso_unavailable' ? 'system.unavailable' : 'tab.error.signIn';
          return refuse(auth.status, auth.code, key);
        }
        const member = await memberFor(db, auth.identity);
        if (!member) {
          log.info({ route: `tab.${name}`, status: 403, code: 'not_a_member', kind: auth.identity.kind }, 'tab refused');
          return refuse(403, 'not_a_member', 'tab.error.notMember');
        }
        if (!lang.success) locale = member.locale;
        const body = await handler({ req, member, identity: auth.identity, locale, now: deps.now() });
        if (body instanceof TabFile) {
          res.writeHead(200, {
            'Content-Type': body.contentType,
            'Content-Length': String(body.body.length),
            // RFC 6266: a plain ASCII name (ours is) needs no filename* form.
            'Content-Disposition': `attachment; filename="${body.name}"`,
            'Cache-Control': 'no-store',
            'X-Content-Type-Options': 'nosniff',
          });
          res.end(body.body);
        } else {
          send(200, body);
        }
        log.info({ route: `tab.${name}`, status: 200, kind: auth.identity.kind, ms: Date.now() - started }, 'tab');
      } catch (err) {
        if (err instanceof TabError) return refuse(err.status, err.code, err.messageKey);
        log.error({ err: { name: (err as Error).name }, route: `tab.${name}` }, 'tab request failed');
        if (!res.headersSent) refuse(500, 'internal', 'system.unavailable');
      }
    };
  };
}
