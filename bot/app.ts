// The bot server: restify with the Bot Framework endpoint, health checks, the integration API and,
// in development, the local web chat. Composition only: behaviour lives in the modules it wires.
import restify from 'restify';
import type { Redis } from 'ioredis';
import type { Config } from '../infra/config.ts';
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import type { Queues } from '../jobs/queues.ts';
import { createAdapter } from './adapter.ts';
import { DugnadBot } from './dugnad-bot.ts';
import { registerDirectLine, type DemoIdentity } from './directline.ts';
import { registerWebChatPage } from './webchat-page.ts';
import { registerApi } from './api.ts';
import { randomBytes } from 'node:crypto';

export interface AppDeps {
  config: Config;
  db: Database;
  /** Producer connection: fails fast while Redis is down. */
  redis: Redis;
  queues: Queues;
  log: Logger;
  now: () => Date;
  demoIdentities: DemoIdentity[];
}

export interface App {
  server: restify.Server;
  bot: DugnadBot;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): App {
  const { config, log } = deps;
  const server = restify.createServer({ name: 'dugnad', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 256 * 1024, rejectUnknown: false }));
  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error & { statusCode?: number }, cb: () => void) => {
    // Never a stack trace to a client: restify's default error body carries only code and message.
    (err as { toJSON?: () => unknown }).toJSON = () => ({ code: (err as { code?: string }).code ?? 'Error', message: (err.statusCode ?? 500) >= 500 ? 'Internal error' : err.message });
    return cb();
  });

  const adapter = createAdapter(config, log);
  const bot = new DugnadBot({ ...deps, isRedisReady: () => deps.redis.status === 'ready' });

  server.post('/api/messages', async (req, res) => {
    const started = Date.now();
    await adapter.process(req, res, (context) => bot.run(context));
    const a = req.body as { type?: string; channelId?: string; id?: string } | undefined;
    log.info({ route: 'messages', status: res.statusCode, type: a?.type, channelId: a?.channelId, activityId: a?.id, ms: Date.now() - started }, 'turn');
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    const [redisOk, dbOk] = await Promise.all([
      withTimeout(deps.redis.ping().then(() => true), 1000).catch(() => false),
      withTimeout(deps.db.ping().then(() => true), 1000).catch(() => false),
    ]);
    const down = [!redisOk && 'redis', !dbOk && 'database'].filter(Boolean);
    res.send(down.length ? 503 : 200, down.length ? { status: 'unavailable', down } : { status: 'ready' });
  });

  registerApi(server, deps);

  let directLine: { close(): void } | null = null;
  if (config.dev) {
    const tokenSecret = config.DIRECTLINE_TOKEN_SECRET ?? randomBytes(32).toString('hex');
    directLine = registerDirectLine(server, {
      serviceUrl: config.PUBLIC_BASE_URL,
      tokenSecret,
      // The web chat's messages take the same path as any channel's: a real POST to /api/messages.
      deliverToBot: async (activity) => {
        const res = await fetch(`${config.PUBLIC_BASE_URL}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity),
        });
        if (!res.ok && res.status !== 202) throw new Error(`bot answered ${res.status}`);
      },
    });
    registerWebChatPage(server, { identities: deps.demoIdentities, allowIdentityPicker: true, directLineDomain: '/v3/directline' });
  } else {
    registerWebChatPage(server, { identities: [], allowIdentityPicker: false, directLineDomain: '/v3/directline' });
  }

  return {
    server,
    bot,
    listen(port = config.PORT, host = config.HOST) {
      return new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(port, host, () => {
          const addr = server.address();
          ok(`http://${host}:${addr.port}`);
        });
      });
    },
    async close() {
      directLine?.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        ok(v);
      },
      (e) => {
        clearTimeout(timer);
        fail(e);
      },
    );
  });
}
