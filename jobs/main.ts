// `npm run worker`: the BullMQ workers alone. Run as many as you like against one Redis and one
// database; deterministic job ids and idempotent processors keep every message single.
import { configOrExit, onShutdown, openRuntime } from '../infra/runtime.ts';
import { runWorkers } from './run.ts';

const config = configOrExit();
const rt = await openRuntime(config, 'dugnad-worker');
const workers = await runWorkers(rt);
rt.log.info('workers running');
onShutdown(rt.log, async () => {
  await workers.close();
  await rt.db.close();
  await rt.redis.stop();
});
