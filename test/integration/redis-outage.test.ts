// Redis goes away: /readyz turns 503 naming it, the bot tells people in Norwegian that it is
// temporarily unavailable, and everything recovers by itself when Redis is back.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';

let redisPort: number;
let redis: ChildProcess | null = null;
let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(async () => (await readyz()).status === 200 || !app, 10_000).catch(() => undefined);
}
async function stopRedis(): Promise<void> {
  const r = redis;
  if (!r || r.exitCode !== null) return;
  await new Promise((ok) => {
    r.once('exit', ok);
    r.kill('SIGKILL');
  });
}
const readyz = async () => {
  const res = await fetch(`${app.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { down?: string[] } };
};
async function waitFor(pred: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  redisPort = await freePort();
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  connector = await startFakeConnector();
  app = await startTestApp({ redisUrl: `redis://127.0.0.1:${redisPort}` });
  chat = chatDriver(app, connector);
});
afterAll(async () => {
  await app?.close();
  await stopRedis();
  await connector?.close();
});

describe('when Redis goes down', () => {
  it('is ready while Redis answers', async () => {
    expect((await readyz()).status).toBe(200);
    const [reply] = await chat.say('demo-frivillig-03', 'hei');
    expect(hasAction(reply!.activity, 'tasks.mine')).toBe(true);
  });

  it('reports 503 naming Redis and tells the user in Norwegian', async () => {
    await stopRedis();
    await waitFor(async () => (await readyz()).status === 503, 10_000);
    expect((await readyz()).body.down).toEqual(['redis']);
    const [reply] = await chat.say('demo-frivillig-03', 'hei');
    expect(visibleText(reply!.activity)).toContain('midlertidig utilgjengelig');
  });

  it('recovers by itself when Redis is back', async () => {
    await startRedis();
    await waitFor(async () => (await readyz()).status === 200, 15_000);
    const [reply] = await chat.say('demo-frivillig-03', 'hei');
    expect(hasAction(reply!.activity, 'tasks.mine')).toBe(true);
  });
});
