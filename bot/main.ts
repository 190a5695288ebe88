// `npm start`: the bot server. In development it also runs the workers and seeds the demo centre,
// so one command gives a working Dugnad on embedded defaults (PGlite + a private redis-server).
import { configOrExit, onShutdown, openRuntime } from '../infra/runtime.ts';
import { producerConnection } from '../infra/redis.ts';
import { seedDemo, seedDemoSms, demoIdentities } from '../infra/seed-demo.ts';
import { createQueues } from '../jobs/queues.ts';
import { runWorkers } from '../jobs/run.ts';
import { createApp } from './app.ts';

const config = configOrExit();
const rt = await openRuntime(config, 'dugnad-bot');
const { log } = rt;
if (config.anonymous) {
  log.warn({ host: config.HOST }, 'No Microsoft app credentials: running anonymously (development only), bound to this machine');
}
if (config.SEED_DEMO) {
  const { created } = await seedDemo(rt.db, new Date(), { neighbour: true });
  if (created) log.info('demo centre seeded');
  // With the fake gateway, a few demo volunteers get offers by SMS: answer as them on /dev/sms.
  if (config.sms?.provider === 'fake') await seedDemoSms(rt.db);
}

const redis = producerConnection(rt.redis);
redis.on('error', () => undefined);
const queues = createQueues(redis, config.QUEUE_PREFIX);
const workers = config.RUN_WORKERS ? await runWorkers(rt) : null;
const app = createApp({ config, db: rt.db, redis, queues, log, now: () => new Date(), demoIdentities: config.dev ? demoIdentities(config.sms?.provider === 'fake') : [] });
const url = await app.listen();
log.info({ url, workers: Boolean(workers) }, 'Dugnad is listening');
if (config.dev) process.stdout.write(`\n  Dugnad kjører: åpne ${config.PUBLIC_BASE_URL} i nettleseren.${config.sms?.provider === 'fake' ? `\n  SMS-telefonene (uten ekte SMS): ${config.PUBLIC_BASE_URL}/dev/sms` : ''}\n\n`);

onShutdown(log, async () => {
  await app.close();
  await workers?.close();
  await queues.close();
  redis.disconnect();
  await rt.db.close();
  await rt.redis.stop();
});
