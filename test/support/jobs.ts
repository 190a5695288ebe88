// Waiting for a job the workers schedule (a timer, a send) to appear in its queue, so a test can
// promote it instead of waiting for its time.
import type { Job } from 'bullmq';
import type { TestApp } from './app.ts';

/** The first delayed or waiting job of `queue` whose id starts with `prefix`, or undefined after 10 s. */
export async function scheduledJob(app: TestApp, queue: 'timers' | 'send', prefix: string): Promise<Job | undefined> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job = (await app.queues[queue].getJobs(['delayed', 'waiting'])).find((j) => j.id?.startsWith(prefix));
    if (job || Date.now() > deadline) return job;
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
