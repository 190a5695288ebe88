// The Sveve adapter (infra/sms/sveve.ts) against a local HTTP server that speaks Sveve's documented API
// (sveve.no/apidok: POST /SMS/SendMessage with a JSON body and f=json; the answer {"response":
// {msgOkCount, stdSMSCount, ids, errors, fatalError}}; 429 beyond 5 requests at once; delivery reports
// and replies as number/status/id/ref/errorCode/errorDesc and number/msg/id parameters). This server is
// written from the documentation, not from our fake, so the adapter is held to what Sveve says it does.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sveveGateway } from '../../infra/sms/sveve.ts';
import { SmsSendError } from '../../infra/sms/gateway.ts';
import { freePort } from '../support/app.ts';

interface Seen { method: string; path: string; contentType: string; body: Record<string, unknown> }
let server: http.Server;
let base: string;
const seen: Seen[] = [];
let answer: (body: Record<string, unknown>) => { status: number; json?: unknown } = () => ({ status: 200 });
let running = 0;
let maxRunning = 0;
let delayMs = 0;

beforeAll(async () => {
  const port = await freePort();
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      seen.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
      if (delayMs) await new Promise((ok) => setTimeout(ok, delayMs));
      const a = answer(body);
      running--;
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.json === undefined ? '' : JSON.stringify(a.json));
    });
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
});

const gateway = () => sveveGateway({ baseUrl: base, user: 'dugnad', password: 'hemmelig', sender: 'Dugnad' });
const ok = (ids: number[], parts = ids.length) => ({ status: 200, json: { response: { msgOkCount: ids.length, stdSMSCount: parts, ids } } });

describe('sending through Sveve', () => {
  it('posts the documented JSON to /SMS/SendMessage and reads the id and the parts billed', async () => {
    answer = () => ok([42824112], 2);
    const sent = await gateway().send({ to: '+4791234567', text: 'Kan du hjelpe? Svar JA 4821 for å ta det.', ref: '17', replyTo: '42824000' });
    expect(sent).toEqual({ providerId: '42824112', parts: 2 });
    const req = seen.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/SMS/SendMessage');
    expect(req.contentType).toMatch(/^application\/json/);
    // Numbers as digits with the country code; f=json for a JSON answer; replies allowed, in the same thread.
    expect(req.body).toEqual({ user: 'dugnad', passwd: 'hemmelig', to: '4791234567', msg: 'Kan du hjelpe? Svar JA 4821 for å ta det.', from: 'Dugnad', f: 'json', reply: true, reply_to: 42824000, ref: '17' });
  });

  it('treats a refused number as final (another channel may reach them), and account or service trouble as passing', async () => {
    answer = () => ({ status: 200, json: { response: { msgOkCount: 0, stdSMSCount: 0, errors: [{ number: '4712', message: 'Ugyldig mobilnummer' }] } } });
    await expect(gateway().send({ to: '+4791234567', text: 'x', ref: '1' })).rejects.toMatchObject({ final: true });
    answer = () => ({ status: 200, json: { response: { msgOkCount: 0, stdSMSCount: 0, fatalError: 'Feil brukernavn/passord' } } });
    await expect(gateway().send({ to: '+4791234567', text: 'x', ref: '1' })).rejects.toMatchObject({ final: false });
    answer = () => ({ status: 429 });
    const busy = await gateway().send({ to: '+4791234567', text: 'x', ref: '1' }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(SmsSendError);
    expect(busy).toMatchObject({ final: false, retryAfterMs: 1000 });
    answer = () => ({ status: 503 });
    await expect(gateway().send({ to: '+4791234567', text: 'x', ref: '1' })).rejects.toMatchObject({ final: false, retryAfterMs: null });
  });

  it('keeps to Sveve\'s 5 requests at once per account', async () => {
    answer = () => ok([1]);
    delayMs = 30;
    maxRunning = 0;
    const g = gateway();
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => g.send({ to: '+4791234567', text: `melding ${i}`, ref: String(i) })));
    } finally {
      delayMs = 0;
    }
    expect(maxRunning).toBeGreaterThan(1);
    expect(maxRunning).toBeLessThanOrEqual(5);
  });
});

describe('reading Sveve\'s callbacks', () => {
  const g = sveveGateway({ baseUrl: 'http://unused', user: 'u', password: 'p', sender: 'Dugnad' });
  const query = (q: string) => Object.fromEntries(new URLSearchParams(q));

  it('reads a delivery report as the documentation\'s example sends it', () => {
    expect(g.parseCallback(query('number=4593654321&status=true&id=42824112&ref=ABC123&errorCode=&errorDesc='))).toEqual({ kind: 'report', providerId: '42824112', ref: 'ABC123', delivered: true, error: null });
    expect(g.parseCallback(query('number=4791234567&status=false&id=42824113&ref=18&errorCode=3&errorDesc=Ikke%20levert'))).toEqual({ kind: 'report', providerId: '42824113', ref: '18', delivered: false, error: '3 Ikke levert' });
  });

  it('reads a reply, and a message to a code word or dedicated number', () => {
    expect(g.parseCallback(query('number=4791234567&msg=JA%204821&id=42824112'))).toEqual({ kind: 'inbound', from: '+4791234567', text: 'JA 4821', replyTo: '42824112' });
    expect(g.parseCallback(query('number=91234567&msg=hjelp&shortnumber=2229&prefix=DUGNAD'))).toEqual({ kind: 'inbound', from: '+4791234567', text: 'hjelp', replyTo: null });
  });

  it('refuses what is neither', () => {
    expect(g.parseCallback({})).toBeNull();
    expect(g.parseCallback(query('number=4791234567'))).toBeNull();
    expect(g.parseCallback(query('number=abc&msg=hei'))).toBeNull();
    expect(g.parseCallback(query('number=4791234567&status=true'))).toBeNull();
  });
});
