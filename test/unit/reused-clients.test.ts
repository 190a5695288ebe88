// The bot's replies go through one ConnectorClient per service URL (bot/auth.ts), not a new one per
// turn, and a client that could not be made is made again on the next turn.
import { describe, expect, it, vi } from 'vitest';
import { ConfigurationServiceClientCredentialFactory, type Activity } from 'botbuilder';
import { loadConfig } from '../../infra/config.ts';
import { createChannelAuthentication } from '../../bot/auth.ts';

const activity = (serviceUrl: string) => ({ type: 'message', channelId: 'webchat', serviceUrl, from: { id: 'u1' }, recipient: { id: 'bot' }, conversation: { id: 'c1' } }) as Activity;

describe('connector clients across turns', () => {
  const auth = createChannelAuthentication(loadConfig({ NODE_ENV: 'development' }));

  it('a second turn to the same service URL replies through the same client; another URL gets its own', async () => {
    const first = await auth.authenticateRequest(activity('http://127.0.0.1:9/a/'), '');
    const second = await auth.authenticateRequest(activity('http://127.0.0.1:9/a/'), '');
    const a1 = await first.connectorFactory!.create('http://127.0.0.1:9/a/', first.audience);
    const a2 = await second.connectorFactory!.create('http://127.0.0.1:9/a/', second.audience);
    const b = await second.connectorFactory!.create('http://127.0.0.1:9/b/', second.audience);
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    expect(await auth.createUserTokenClient(first.claimsIdentity)).toBe(await auth.createUserTokenClient(second.claimsIdentity));
  });

  it('a client that could not be made is not kept: the next turn makes it again', async () => {
    const result = await auth.authenticateRequest(activity('http://127.0.0.1:9/c/'), '');
    const refused = vi.spyOn(ConfigurationServiceClientCredentialFactory.prototype, 'createCredentials').mockRejectedValueOnce(new Error('login.microsoftonline.com unreachable'));
    try {
      await expect(result.connectorFactory!.create('http://127.0.0.1:9/c/', result.audience)).rejects.toThrow('unreachable');
      await expect(result.connectorFactory!.create('http://127.0.0.1:9/c/', result.audience)).resolves.toBeDefined();
      expect(refused).toHaveBeenCalledTimes(2);
    } finally {
      refused.mockRestore();
    }
  });
});
