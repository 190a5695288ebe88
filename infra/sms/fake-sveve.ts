// A stand-in for Sveve in development and tests, speaking its documented API (sveve.ts): it takes
// POST /SMS/SendMessage as Sveve does (JSON, user/passwd, f=json) and answers in Sveve's format; it
// reports delivery to our webhook as Sveve does (number, status, id, ref, errorCode, errorDesc, form
// encoded); and a phone's answer reaches the webhook as Sveve passes it on (number, msg, id of the
// message answered). The phones are kept in memory: /dev/sms shows them (bot/dev-sms.ts).
import { smsParts } from '../../domain/sms.ts';

export interface FakeSms {
  id: number;
  direction: 'out' | 'in';
  /** Digits with country code, as Sveve writes numbers («4791234567»). */
  number: string;
  text: string;
  at: Date;
  /** Outgoing: what the delivery report said. */
  delivered?: boolean;
}

export interface FakeSveveOptions {
  user: string;
  password: string;
  /** Where Sveve would call us (the account's callback URL, secret included). */
  webhookUrl: string;
  now?: () => Date;
}

export interface FakeSveve {
  /** Sveve's send endpoint: the parsed JSON body in, Sveve's answer and status out. */
  handleSend(body: unknown): { status: number; body: unknown };
  /** A phone answers (as Sveve passes an answer on to our webhook). Resolves with our webhook's last status. */
  reply(number: string, text: string): Promise<number>;
  /** Delivery reports to this number say «not delivered» from now on (a phone that is off), or again delivered. */
  setUnreachable(number: string, unreachable: boolean): void;
  unreachable(number: string): boolean;
  /** Every message to and from a number, oldest first. */
  thread(number: string): FakeSms[];
  numbers(): string[];
  /** Waits until every delivery report sent so far has been answered by our webhook. */
  settled(): Promise<void>;
}

const digits = (n: string) => n.replace(/\D/g, '').replace(/^00/, '');

export function createFakeSveve(opts: FakeSveveOptions): FakeSveve {
  const now = opts.now ?? (() => new Date());
  const messages: FakeSms[] = [];
  const off = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  let nextId = 40_000_001;

  // Like Sveve, tries again (sooner: 0.1 s, 0.3 s, 1 s …) until the webhook answers 2xx.
  const callback = (params: Record<string, string>) => {
    const post = () =>
      fetch(opts.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() })
        .then((r) => r.status)
        .catch(() => 0);
    const p = (async () => {
      let status = await post();
      for (const wait of [100, 300, 1000, 2000]) {
        if (status >= 200 && status < 300) break;
        await new Promise((ok) => setTimeout(ok, wait));
        status = await post();
      }
      return status;
    })().finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };

  return {
    handleSend(body) {
      const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      if (b.user !== opts.user || b.passwd !== opts.password) return { status: 200, body: { response: { msgOkCount: 0, stdSMSCount: 0, fatalError: 'Feil brukernavn/passord' } } };
      if (typeof b.to !== 'string' || typeof b.msg !== 'string' || b.msg === '') return { status: 200, body: { response: { msgOkCount: 0, stdSMSCount: 0, fatalError: 'Mangler mottaker eller melding' } } };
      if (b.msg.length > 1071) return { status: 200, body: { response: { msgOkCount: 0, stdSMSCount: 0, fatalError: 'Meldingen er for lang' } } };
      const ids: number[] = [];
      const errors: Array<{ number: string; message: string }> = [];
      let parts = 0;
      for (const to of b.to.split(',').map((s) => digits(s.trim())).filter(Boolean)) {
        if (!/^\d{8,15}$/.test(to)) {
          errors.push({ number: to, message: 'Ugyldig mobilnummer' });
          continue;
        }
        const id = nextId++;
        ids.push(id);
        parts += smsParts(b.msg);
        const sms: FakeSms = { id, direction: 'out', number: to, text: b.msg, at: now() };
        messages.push(sms);
        // Sveve reports delivery a moment later, to the account's callback URL.
        setTimeout(() => {
          sms.delivered = !off.has(to);
          void callback({
            number: to, status: String(sms.delivered), id: String(id), ref: typeof b.ref === 'string' ? b.ref : '',
            errorCode: sms.delivered ? '' : '3', errorDesc: sms.delivered ? '' : 'Mottaker ikke tilgjengelig',
          });
        }, 20);
      }
      return { status: 200, body: { response: { msgOkCount: ids.length, stdSMSCount: parts, ids, ...(errors.length ? { errors } : {}) } } };
    },

    async reply(number, text) {
      const n = digits(number);
      const answered = [...messages].reverse().find((m) => m.number === n && m.direction === 'out');
      messages.push({ id: nextId++, direction: 'in', number: n, text, at: now() });
      return callback({ number: n, msg: text, ...(answered ? { id: String(answered.id) } : {}) });
    },

    setUnreachable(number, unreachable) {
      if (unreachable) off.add(digits(number));
      else off.delete(digits(number));
    },
    unreachable: (number) => off.has(digits(number)),
    thread: (number) => messages.filter((m) => m.number === digits(number)),
    numbers: () => [...new Set(messages.map((m) => m.number))],
    async settled() {
      // Reports are sent 20 ms after the message; wait for those queued and in flight.
      await new Promise((ok) => setTimeout(ok, 40));
      while (inFlight.size) await Promise.all([...inFlight]);
    },
  };
}
