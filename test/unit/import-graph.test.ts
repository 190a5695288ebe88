// The layers' import rules (.dependency-cruiser.cjs): no new circle, nothing importing against a layer.
// The circles not yet broken are the known violations file's; this fails on any other.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('import graph', () => {
  it('has no circle and no import against a layer beyond the known ones', async () => {
    const result = await run(
      process.execPath,
      ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', 'bot', 'infra', 'jobs', 'domain', 'adaptive-cards',
        '--config', '.dependency-cruiser.cjs', '--ignore-known', '--output-type', 'err'],
      { cwd: new URL('../..', import.meta.url).pathname },
    ).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(result.out.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/error /);
    expect(result.code).toBe(0);
  }, 120_000);

  it('knows no circle inside bot/', async () => {
    const known = (await import('../../.dependency-cruiser-known-violations.json', { with: { type: 'json' } })).default as { from: string }[];
    expect(known.filter((v) => v.from.startsWith('bot/'))).toEqual([]);
  });
});
