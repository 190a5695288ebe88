// Where the SMS gateway calls us: /sms/<provider>/<secret>, GET or POST (form or JSON), with a phone's
// reply or a delivery report. The secret in the path is the gateway's authentication (Sveve signs
// nothing; its callback URL is configured on the account). A reply runs as a turn of channel `sms`,
// through the same bot and commands as a tap in a chat; what the turn answers is queued as SMS (the send
// queue paces it and keeps the global limit). A report of an SMS that did not arrive moves its message
// on to the person's next channel (jobs/reach.ts).
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Activity, TurnContext } from 'botbuilder';
import type { AppDeps } from './deps.ts';
import type { DugnadAdapter } from './adapter.ts';
import type { DugnadBot } from './dugnad-bot.ts';
import type { Limiter } from './rate-limit.ts';
import { inProcessTurnAuth, SMS_ISSUER } from './auth.ts';
import { createLimiter } from './rate-limit.ts';
import type { SmsGateway } from '../infra/sms/gateway.ts';
import { createSmsGateway } from '../infra/sms/configured-gateway.ts';
import { SMS_SERVICE_URL } from '../infra/channels.ts';
import { queueSms, recordSmsIn } from '../infra/sms-log.ts';
import { onSmsReport } from '../jobs/reach.ts';
import { sendJobId, type SendJob } from '../jobs/queues.ts';

export interface SmsWebhookDeps extends AppDeps {
  adapter: DugnadAdapter;
  bot: DugnadBot;
  limiter: Limiter;
}

/** The params of a gateway's call: its query string and its body (form-encoded or JSON), together. */
function callbackParams(req: Request): Record<string, unknown> {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const body = req.body as unknown;
  if (body && typeof body === 'object' && !Buffer.isBuffer(body)) return { ...query, ...(body as Record<string, unknown>) };
  const raw = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  return { ...query, ...Object.fromEntries(new URLSearchParams(raw)) };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerSmsWebhook(server: Server, deps: SmsWebhookDeps): { gateway: SmsGateway } | null {
  const sms = deps.config.sms;
  if (!sms) return null;
  const gateway = createSmsGateway(sms);
  const provider = gateway.name;
  const auth = inProcessTurnAuth(deps.config, SMS_ISSUER, randomUUID());
  // A number that is no one's yet gets a few replies a day (enough to sign up), then silence: every
  // reply costs the centre money. Counted under a hash, so Redis never holds the number itself.
  const unknownLimiter = createLimiter({ redis: deps.redis, keyPrefix: deps.config.QUEUE_PREFIX, name: 'sms-unknown', perDay: sms.unknownPerDay });
  const mayAnswerUnknown = async (msisdn: string) =>
    sms.unknownPerDay > 0 && (await unknownLimiter.consume(createHash('sha256').update(`sms-unknown:${msisdn}`).digest('base64url'))).ok;

  const handler = async (req: Request, res: Response) => {
    const params = (req.params ?? {}) as { provider?: string; secret?: string };
    if (params.provider !== provider || !sameSecret(params.secret ?? '', sms.webhookSecret)) {
      res.send(404, { error: 'not_found' });
      return;
    }
    const callback = gateway.parseCallback(callbackParams(req));
    if (!callback) {
      res.send(400, { error: 'not_a_gateway_callback' });
      return;
    }
    try {
      if (callback.kind === 'report') {
        const early = await onSmsReport({ db: deps.db, queues: deps.queues, now: deps.now }, { provider, providerId: callback.providerId, ref: callback.ref, delivered: callback.delivered, error: callback.error });
        // Its send is not recorded yet: the gateway tries again shortly (Sveve retries until a 2xx).
        if (early === 'early') {
          res.send(503, { error: 'try_again' });
          return;
        }
      } else {
        // A number that writes too fast is answered no further (200: the gateway must not send it again).
        const known = (await memberOfNumber(deps, callback.from)) !== null;
        if ((await deps.limiter.consume(`sms:${callback.from}`)).ok && (known || (await mayAnswerUnknown(callback.from)))) {
          await runSmsTurn(deps, auth, provider, callback.from, callback.text);
        }
      }
      res.send(200, 'OK');
    } catch (err) {
      // The gateway tries again later; the log gets the error's name, never the message or the number.
      deps.log.error({ err: { name: (err as Error).name }, route: 'sms' }, 'sms callback failed');
      res.send(500, { error: 'try_again' });
    }
  };
  server.post('/sms/:provider/:secret', handler);
  server.get('/sms/:provider/:secret', handler);
  return { gateway };
}

/** The member an SMS number is, if any (someone who left counts as no one). */
async function memberOfNumber(deps: Pick<SmsWebhookDeps, 'db'>, msisdn: string): Promise<string | null> {
  const rows = await deps.db.query<{ member_id: string }>(
    `SELECT c.member_id FROM chat_identities c JOIN members m ON m.id = c.member_id AND m.left_at IS NULL WHERE c.channel_id = 'sms' AND c.user_id = $1`,
    [msisdn],
  );
  return rows[0]?.member_id ?? null;
}

/** A phone's message as a turn of channel `sms`; its answers leave as queued SMS to that number. */
async function runSmsTurn(deps: SmsWebhookDeps, auth: ReturnType<typeof inProcessTurnAuth>, provider: string, msisdn: string, text: string): Promise<void> {
  const now = deps.now();
  const activity = {
    type: 'message',
    id: `sms-in-${randomUUID()}`,
    timestamp: now.toISOString(),
    channelId: 'sms',
    serviceUrl: SMS_SERVICE_URL,
    from: { id: msisdn, role: 'user' },
    recipient: { id: 'dugnad', name: 'Dugnad' },
    conversation: { id: `sms:${msisdn}` },
    text: text.slice(0, 2000),
  } as unknown as Activity;
  const member = async () => (await deps.db.query<{ member_id: string | null }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'sms' AND user_id = $1`, [msisdn]))[0]?.member_id ?? null;
  await recordSmsIn(deps.db, { memberId: await member(), provider, at: now });
  const replies: string[] = [];
  await deps.adapter.runAuthenticated(auth, activity, async (context: TurnContext) => {
    // Registered after the text middleware's own handler, so what arrives here is text already.
    context.onSendActivities(async (_ctx, activities) => {
      for (const a of activities) if (a.type === 'message' && a.text) replies.push(a.text);
      return activities.map(() => ({ id: `sms-out-${randomUUID()}` }));
    });
    await deps.bot.run(context);
  });
  if (replies.length === 0) return;
  const memberId = await member();
  for (const body of replies) {
    const smsId = await queueSms(deps.db, { memberId, centreId: null, msisdn, body, provider, at: now });
    const job: SendJob = { kind: 'sms', smsId };
    await deps.queues.send.add(job.kind, job, { jobId: sendJobId(job) });
  }
}
