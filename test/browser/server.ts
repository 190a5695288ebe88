/** Starts restify on 127.0.0.1 with the Direct Line endpoint, the Web Chat page and the fake bot. */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { registerDirectLine, type DemoIdentity, type DirectLineOptions } from '../../bot/directline.ts';
import { registerWebChatPage } from '../../bot/webchat-page.ts';
import { postToBot, registerFakeBot } from '../support/fake-bot.ts';
import { obliterate, testRedisClient } from '../support/redis.ts';

export const TEST_IDENTITIES: DemoIdentity[] = [
  { id: 'demo-frivillig-kari', name: 'Kari Nordmann', role: 'volunteer' },
  { id: 'demo-frivillig-ola', name: 'Ola Hansen', role: 'volunteer' },
  { id: 'demo-ansatt-ingrid', name: 'Ingrid Berg', role: 'staff' },
  { id: 'demo-parorende-per', name: 'Per Olsen', role: 'caregiver' },
  { id: 'demo-ny-aase', name: 'Åse Lie', role: 'new' },
];

export interface TestServer {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Pick<DirectLineOptions, 'deliverToBot' | 'now' | 'limits'>> & { allowIdentityPicker?: boolean } = {},
): Promise<TestServer> {
  const server = restify.createServer({ name: 'dugnad-test' });
  server.use(restify.plugins.bodyParser());
  server.use(restify.plugins.queryParser());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  // The conversations live in the real Redis, under a prefix of this server's own.
  const prefix = `dugnad-dltest-${randomBytes(4).toString('hex')}`;
  const redis = await testRedisClient();

  // Routes after listen: the serviceUrl has to name the port the OS picked.
  registerFakeBot(server);
  const directLine = registerDirectLine(server, {
    serviceUrl: baseUrl,
    deliverToBot: overrides.deliverToBot ?? postToBot(() => baseUrl),
    tokenSecret: 'test-only-secret-0123456789abcdef',
    redis,
    keyPrefix: prefix,
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(overrides.limits ? { limits: overrides.limits } : {}),
  });
  registerWebChatPage(server, {
    identities: TEST_IDENTITIES,
    allowIdentityPicker: overrides.allowIdentityPicker ?? true,
    directLineDomain: '/v3/directline',
  });

  return {
    baseUrl,
    async close() {
      directLine.close();
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
      await obliterate(prefix);
    },
  };
}
