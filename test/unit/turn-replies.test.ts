// A turn's replies to the Bot Connector (bot/turn-replies.ts), against a local HTTP server that answers
// as the connector does: where each call goes, how it is signed, and what is tried again.
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TurnReplies, waitBeforeRetry } from '../../bot/turn-replies.ts';
import { SendError } from '../../infra/connector.ts';

interface Seen { method: string; url: string; authorization: string | undefined; body: Record<string, unknown> }
let seen: Seen[] = [];
/** What the connector answers next, in order; then 200 with an id. */
let answers: Array<{ status: number; headers?: Record<string, string> }> = [];
let server: http.Server;
let serviceUrl: string;
const replies = new TurnReplies();
let signed = 0;
const credentials = { signRequest: async (r: { headers: { set(n: string, v: string): void } }) => r.headers.set('authorization', `Bearer token-${++signed}`) };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body: JSON.parse(body) as Record<string, unknown> });
      const next = answers.shift();
      if (next) {
        res.writeHead(next.status, next.headers);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${seen.length}` }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  serviceUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/teams/`;
});
afterAll(async () => {
  replies.close();
  await new Promise<void>((ok) => server.close(() => ok()));
});
beforeEach(() => {
  seen = [];
  answers = [];
});

const teamsConversation = { id: '19:abc@thread.tacv2;messageid=1700000000000' };

describe('a turn’s replies', () => {
  it('a reply to an activity goes to that activity, a new message to the conversation, an update to the message; each signed', async () => {
    expect(await replies.send(serviceUrl, credentials, { type: 'message', text: 'Hei', conversation: teamsConversation as never, replyToId: 'act-1' })).toEqual({ id: 'sent-1' });
    await replies.send(serviceUrl, credentials, { type: 'message', text: 'Hei igjen', conversation: teamsConversation as never });
    await replies.update(serviceUrl, credentials, { type: 'message', id: 'act-2', text: 'Oppdatert', conversation: teamsConversation as never });
    const conv = encodeURIComponent(teamsConversation.id);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      `POST /teams/v3/conversations/${conv}/activities/act-1`,
      `POST /teams/v3/conversations/${conv}/activities`,
      `PUT /teams/v3/conversations/${conv}/activities/act-2`,
    ]);
    expect(seen.every((s) => s.authorization?.startsWith('Bearer token-'))).toBe(true);
    expect(seen[2]!.body).toMatchObject({ type: 'message', id: 'act-2', text: 'Oppdatert' });
  });

  it('a throttled reply waits as long as the channel asks and is sent, signed afresh', async () => {
    answers = [{ status: 429, headers: { 'retry-after': '0.05' } }];
    await replies.send(serviceUrl, credentials, { type: 'message', text: 'Hei', conversation: teamsConversation as never });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.authorization).not.toBe(seen[1]!.authorization);
  });

  it('asked to wait longer than a person would, it gives up at once; a refusal is not tried again', async () => {
    answers = [{ status: 429, headers: { 'retry-after': '120' } }];
    await expect(replies.send(serviceUrl, credentials, { type: 'message', text: 'Hei', conversation: teamsConversation as never })).rejects.toMatchObject({ status: 429 });
    answers = [{ status: 403 }];
    await expect(replies.update(serviceUrl, credentials, { type: 'message', id: 'a', conversation: teamsConversation as never })).rejects.toMatchObject({ status: 403 });
    expect(seen).toHaveLength(2);
  });

  it('a server error is tried again, three times in all', async () => {
    answers = [{ status: 502 }, { status: 500 }, { status: 500 }];
    await expect(replies.send(serviceUrl, credentials, { type: 'message', text: 'Hei', conversation: teamsConversation as never })).rejects.toMatchObject({ status: 500 });
    expect(seen).toHaveLength(3);
    answers = [{ status: 500 }];
    await replies.send(serviceUrl, credentials, { type: 'message', text: 'Hei', conversation: teamsConversation as never });
    expect(seen).toHaveLength(5);
  });

  it('what is tried again, and after how long', () => {
    expect(waitBeforeRetry(new SendError(429, 2000), 1)).toBe(2000);
    expect(waitBeforeRetry(new SendError(503, null), 2)).toBe(2000);
    expect(waitBeforeRetry(new SendError(429, 30_000), 1)).toBeNull();
    expect(waitBeforeRetry(new SendError(500, null), 2)).toBe(1000);
    expect(waitBeforeRetry(new SendError(504, null), 1)).toBeNull(); // our own 15 s timeout: already waited
    for (const status of [400, 401, 403, 404, 501]) expect(waitBeforeRetry(new SendError(status, null), 1)).toBeNull();
    expect(waitBeforeRetry(new Error('signing failed'), 1)).toBeNull();
  });
});
