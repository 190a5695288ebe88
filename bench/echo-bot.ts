// The reference point for turn cost: a botbuilder CloudAdapter echo bot on restify 12, anonymous like
// the Dugnad dev server, replying to the activity's serviceUrl (the same local fake connector).
import restify from 'restify';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

export async function startEchoBot(): Promise<BenchServer> {
  const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
  server.use(restify.plugins.jsonBodyParser({ mapParams: false }));
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  adapter.onTurnError = async (context, error) => {
    process.stderr.write(`echo bot turn failed: ${error.message}\n`);
    await context.sendActivity('error').catch(() => undefined);
  };
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`Echo: ${context.activity.text ?? ''}`);
    await next();
  });
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  return listen(server);
}

/** The machine's own ceiling for a restify handler: GET /hello answers a constant. */
export async function startHelloWorld(): Promise<BenchServer> {
  const server = restify.createServer({ name: 'hello', handleUncaughtExceptions: false });
  server.get('/hello', async (_req, res) => {
    res.send(200, { hello: 'world' });
  });
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  return listen(server);
}

export function listen(server: restify.Server): Promise<BenchServer> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ok({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => {
          server.server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
