// The Redis settings a user gets: the redis-server Dugnad starts itself has the ones README advises for
// production (AOF, noeviction, compact job hashes), and a Redis that lacks them is named in the
// workers' log instead of going unnoticed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { producerConnection, provideRedis, REDIS_SERVER_SETTINGS, settingsAgainstAdvice, type RedisEndpoint } from '../../infra/redis.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services.ts';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

async function settingsOf(target: RedisEndpoint | PrivateRedis): Promise<string[]> {
  const client = producerConnection('kind' in target ? target : { kind: 'server', url: target.url });
  client.on('error', () => undefined);
  try {
    await new Promise<void>((ok) => (client.status === 'ready' ? ok() : client.once('ready', () => ok())));
    return await settingsAgainstAdvice(client);
  } finally {
    client.disconnect();
  }
}

describe('Redis settings', () => {
  it('starts its own redis-server with the advised settings', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dugnad-redis-settings-'));
    stops.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const own = await provideRedis({ dataDir });
    stops.push(() => own.stop());
    expect(own.kind).toBe('server');
    expect(await settingsOf(own)).toEqual([]);
  });

  it('names each setting a Redis left at its defaults lacks', async () => {
    const plain = await startPrivateRedis(); // appendonly no, Redis's own defaults otherwise (noeviction is one)
    stops.push(() => plain.kill());
    expect(await settingsOf(plain)).toEqual(['appendonly no (advised yes)', 'hash-max-listpack-value 64 (advised 512)']);
  });

  it('README asks the same of a production Redis', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(REDIS_SERVER_SETTINGS)) expect(readme).toContain(`${name} ${value}`);
  });
});
