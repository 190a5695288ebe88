// The web chat page registers a device for push notifications here (after the browser said yes to
// «Varsle meg»), or forgets it. The caller proves who it is with its chat token (bot/directline.ts):
// the same identity the chat itself runs under, so a device can only ever be added to one's own
// account. The service worker renews a subscription the browser replaced (pushsubscriptionchange)
// by naming the old endpoint, which only that browser knows.
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { verifyDirectLineToken } from './directline.ts';
import { clientAddress, sendTooManyRequests, type Limiter } from './rate-limit.ts';
import { memberIdOfAccount } from '../infra/identities.ts';
import { PushSubscriptionJson, removeSubscription, renewSubscription, saveSubscription } from '../infra/push-subscriptions.ts';
import { pushHostAllowed } from '../infra/web-push.ts';
import type { Database } from '../infra/db.ts';

export interface PushRoutesOptions {
  db: Database;
  tokenSecret: string;
  /** Push service hosts a subscription may name; null = any (development). */
  allowedHosts: readonly string[] | null;
  limiter: Limiter;
  trustProxy: boolean;
  now: () => Date;
}

const SubscribeBody = z.object({ subscription: PushSubscriptionJson });
const UnsubscribeBody = z.object({ endpoint: z.string().max(2048) });
const RenewBody = z.object({ oldEndpoint: z.string().max(2048), subscription: PushSubscriptionJson });

export function registerPushRoutes(server: Server, o: PushRoutesOptions): void {
  const reply = (res: Response, status: number, body: unknown = {}) => {
    res.setHeader('Cache-Control', 'no-store');
    res.send(status, body);
  };
  const refuse = (res: Response, status: number, code: string, message: string) => reply(res, status, { error: { code, message } });

  /** The member behind the request's chat token; null after answering 401/403. */
  const memberOf = async (req: Request, res: Response): Promise<string | null> => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.header('authorization', ''))?.[1];
    const verified = token ? verifyDirectLineToken(token, o.tokenSecret, Math.floor(o.now().getTime() / 1000)) : null;
    if (!verified?.ok) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      refuse(res, 401, 'Unauthorized', 'A valid chat token is required');
      return null;
    }
    const memberId = await memberIdOfAccount(o.db, 'webchat', verified.claims.sub);
    if (!memberId) refuse(res, 403, 'Forbidden', 'Sign up in the chat first');
    return memberId;
  };

  const acceptable = (endpoint: string) => {
    const url = new URL(endpoint);
    return o.allowedHosts === null || (url.protocol === 'https:' && pushHostAllowed(url.hostname, o.allowedHosts));
  };

  const handle = (fn: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    const verdict = await o.limiter.consume(clientAddress(req, o.trustProxy));
    if (!verdict.ok) return sendTooManyRequests(res, verdict.retryAfterSeconds);
    try {
      await fn(req, res);
    } catch {
      if (!res.headersSent) refuse(res, 500, 'ServiceError', 'Something went wrong');
    }
  };

  server.post('/webchat/push/subscriptions', handle(async (req, res) => {
    const body = SubscribeBody.safeParse(req.body);
    if (!body.success) return refuse(res, 400, 'BadArgument', 'Not a push subscription');
    if (!acceptable(body.data.subscription.endpoint)) return refuse(res, 400, 'BadArgument', 'Not a known push service');
    const memberId = await memberOf(req, res);
    if (!memberId) return;
    await saveSubscription(o.db, memberId, body.data.subscription, o.now());
    reply(res, 201);
  }));

  server.post('/webchat/push/unsubscribe', handle(async (req, res) => {
    const body = UnsubscribeBody.safeParse(req.body);
    if (!body.success) return refuse(res, 400, 'BadArgument', 'endpoint is required');
    const memberId = await memberOf(req, res);
    if (!memberId) return;
    await removeSubscription(o.db, body.data.endpoint, memberId);
    reply(res, 204);
  }));

  server.post('/webchat/push/renew', handle(async (req, res) => {
    const body = RenewBody.safeParse(req.body);
    if (!body.success) return refuse(res, 400, 'BadArgument', 'Not a push subscription');
    if (!acceptable(body.data.subscription.endpoint)) return refuse(res, 400, 'BadArgument', 'Not a known push service');
    reply(res, (await renewSubscription(o.db, body.data.oldEndpoint, body.data.subscription, o.now())) ? 204 : 404);
  }));
}
