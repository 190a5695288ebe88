// Sveve (sveve.no), a Norwegian SMS gateway, against its documented HTTP API:
// - send: POST {baseUrl}/SMS/SendMessage with a JSON body {user, passwd, to, msg, from, f: "json",
//   reply, reply_to, ref}; the answer is {"response": {msgOkCount, stdSMSCount, ids, errors,
//   fatalError}}. `reply: true` lets the phone answer (Sveve then sends from a number of its own);
//   `reply_to` keeps the thread. At most 5 requests at once per account (429 beyond).
// - delivery reports: Sveve calls the URL configured on the account with number, status (true|false),
//   id, ref, errorCode, errorDesc; it retries until it gets a 2xx.
// - replies: the same, with number, msg and id (the message answered); messages to a code word or a
//   dedicated number carry shortnumber (and prefix) instead of id.
// Sveve signs none of these: the account's callback URL carries our secret (smsWebhookPath).
import { SmsSendError, type OutgoingSms, type SmsCallback, type SmsGateway, type SmsSent } from './gateway.ts';
import { normalizeMsisdn } from '../../domain/sms.ts';

export interface SveveOptions {
  baseUrl: string;
  user: string;
  password: string;
  sender: string;
  /** Sveve's limit per account. */
  maxConcurrent?: number;
  timeoutMs?: number;
}

interface SveveResponse {
  response?: {
    msgOkCount?: number;
    stdSMSCount?: number;
    ids?: number[];
    errors?: Array<{ number?: string; message?: string }>;
    fatalError?: string;
  };
}

export function sveveGateway(opts: SveveOptions): SmsGateway {
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/SMS/SendMessage`;
  const limit = opts.maxConcurrent ?? 5;
  let running = 0;
  const waiting: Array<() => void> = [];
  const acquire = async () => {
    if (running >= limit) await new Promise<void>((ok) => waiting.push(ok));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };

  return {
    name: 'sveve',
    async send(sms: OutgoingSms): Promise<SmsSent> {
      // Sveve takes numbers as digits with the country code.
      const to = sms.to.replace(/^\+/, '');
      const body: Record<string, unknown> = { user: opts.user, passwd: opts.password, to, msg: sms.text, from: opts.sender, f: 'json', reply: true, ref: sms.ref };
      const replyTo = sms.replyTo && /^\d+$/.test(sms.replyTo) ? Number(sms.replyTo) : null;
      if (replyTo !== null) body.reply_to = replyTo;
      await acquire();
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) });
      } catch {
        throw new SmsSendError(false, null, 'gateway unreachable');
      } finally {
        release();
      }
      if (res.status === 429) throw new SmsSendError(false, 1000, 'gateway busy');
      if (!res.ok) throw new SmsSendError(false, null, `gateway answered ${res.status}`);
      const json = (await res.json().catch(() => ({}))) as SveveResponse;
      const r = json.response ?? {};
      // A wrong password or an empty account is ours to fix, not this number's: retried, never a fallback.
      if (r.fatalError) throw new SmsSendError(false, null, 'gateway refused the account');
      const id = r.ids?.find((n) => n > 0);
      if ((r.msgOkCount ?? 0) > 0 && id !== undefined) return { providerId: String(id), parts: Math.max(1, r.stdSMSCount ?? 1) };
      // Refused for this number (not a mobile number, blocked): another channel may still reach them.
      if ((r.errors ?? []).length > 0) throw new SmsSendError(true, null, 'number refused');
      throw new SmsSendError(false, null, 'gateway sent nothing');
    },

    parseCallback(params: Readonly<Record<string, unknown>>): SmsCallback | null {
      const str = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : typeof params[k] === 'number' || typeof params[k] === 'boolean' ? String(params[k]) : null);
      const number = str('number');
      if (!number) return null;
      const status = str('status');
      if (status === 'true' || status === 'false') {
        const id = str('id');
        if (!id) return null;
        const error = [str('errorCode'), str('errorDesc')].filter(Boolean).join(' ') || null;
        return { kind: 'report', providerId: id, ref: str('ref'), delivered: status === 'true', error };
      }
      const msg = str('msg');
      const from = normalizeMsisdn(number);
      if (msg === null || !from) return null;
      return { kind: 'inbound', from, text: msg, replyTo: str('id') };
    },
  };
}
