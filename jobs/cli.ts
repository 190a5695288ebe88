// `npm run jobs -- <command>`: look at and retry failed jobs (the dead-letter list BullMQ keeps as
// each queue's failed set). Commands: failed [queue], retry-failed [queue], counts.
import { z } from 'zod';
import { configOrExit } from '../infra/runtime.ts';
import { configuredRedis, producerConnection } from '../infra/redis.ts';
import { QUEUE, createQueues, type Queues } from './queues.ts';

const args = z
  .tuple([z.enum(['failed', 'retry-failed', 'counts']), z.enum(Object.values(QUEUE) as [string, ...string[]]).optional()])
  .safeParse(process.argv.slice(2));
if (!args.success) {
  process.stderr.write(`Usage: npm run jobs -- failed|retry-failed|counts [${Object.values(QUEUE).join('|')}]\n`);
  process.exit(1);
}
const [command, only] = args.data;
const config = configOrExit();
const target = configuredRedis(config);
if (!target) {
  process.stderr.write('Set REDIS_URL (or REDIS_CLUSTER_NODES) to the Redis the workers use.\n');
  process.exit(1);
}
const redis = producerConnection(target);
redis.on('error', () => undefined);
await new Promise<void>((ok) => (redis.status === 'ready' ? ok() : redis.once('ready', () => ok())));
const queues: Queues = createQueues(redis, config.QUEUE_PREFIX);
const selected = Object.values(QUEUE).filter((q) => !only || q === only);

for (const name of selected) {
  const queue = queues[name as keyof typeof QUEUE];
  if (command === 'counts') {
    process.stdout.write(`${name}: ${JSON.stringify(await queue.getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed'))}\n`);
    continue;
  }
  const failed = await queue.getFailed(0, 999);
  for (const job of failed) {
    // Job data holds ids only, so printing it shows no personal data.
    process.stdout.write(`${name} ${job.id} attempts=${job.attemptsMade} ${job.failedReason ?? ''} ${JSON.stringify(job.data)}\n`);
    if (command === 'retry-failed') await job.retry('failed');
  }
  process.stdout.write(`${name}: ${failed.length} failed${command === 'retry-failed' ? ', retried' : ''}\n`);
}
await queues.close();
redis.disconnect();
