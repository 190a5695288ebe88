// The layers' import rules (.dependency-cruiser.cjs): no circle anywhere in bot/, infra/, jobs/,
// domain/, adaptive-cards/ and use-cases/, and nothing importing against a layer.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('import graph', () => {
  it('has no circle and no import against a layer', async () => {
    const result = await run(
      process.execPath,
      ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', 'bot', 'infra', 'jobs', 'domain', 'adaptive-cards', 'use-cases',
        '--config', '.dependency-cruiser.cjs', '--output-type', 'err'],
      { cwd: new URL('../..', import.meta.url).pathname },
    ).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(result.out.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/error /);
    expect(result.code).toBe(0);
  }, 120_000);
});
