// The workers' Bot Connector client sends a card rendered once and only spliced per volunteer
// (jobs/offer-slices.ts) exactly as it sends the same activity given as an object.
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { anonymousTokens, createMessenger, type OutgoingActivity } from '../../infra/connector.ts';
import type { ConversationRef } from '../../infra/identities.ts';

const bodies: unknown[] = [];
let server: http.Server;
let ref: ConversationRef;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `a${bodies.length}` }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  ref = { serviceUrl: `http://127.0.0.1:${port}/`, channelId: 'webchat', conversation: { id: 'conv-1' }, bot: { id: 'bot', name: 'Dugnad' }, user: { id: 'u-1' } } as ConversationRef;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

it('sends a serialized activity as the same body as the object it was made from', async () => {
  const messenger = createMessenger({ tokens: anonymousTokens, allowedHosts: null });
  const activities: OutgoingActivity[] = [
    { attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Besøksvenn «æøå» \u2028' }] } }], summary: 'Ny forespørsel', locale: 'nb-NO' },
    { type: 'message', text: 'hei' },
    {},
  ];
  for (const activity of activities) {
    bodies.length = 0;
    expect((await messenger.send(ref, activity)).id).toBe('a1');
    expect((await messenger.send(ref, { json: JSON.stringify(activity) })).id).toBe('a2');
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[0]).toMatchObject({ type: 'message', channelId: 'webchat', conversation: { id: 'conv-1' }, from: { id: 'bot' }, recipient: { id: 'u-1' } });
  }
  messenger.close();
});
