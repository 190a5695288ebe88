import type { Queues } from '../../jobs/queues.ts';
// Waiting for something the workers do in their own time: poll until it holds, or fail saying what
// did not happen.
export async function until(pred: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A timer job not yet run whose id starts with `prefix` (to promote it), once it is queued; undefined after `ms`. */
export async function queuedTimer(queues: Pick<Queues, 'timers'>, prefix: string, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const job = (await queues.timers.getJobs(['delayed', 'waiting'])).find((j) => j.id?.startsWith(prefix));
    if (job || Date.now() > end) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}
