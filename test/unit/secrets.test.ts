// No secret in the repository (issue 7): every file git tracks is read and searched for what a leaked
// credential looks like, and every secret-bearing setting in .env.example is empty. Test keys and
// secrets that tests make up are generated at run time or obviously fake, so none of them match.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);

const LEAKS: Array<[string, RegExp]> = [
  ['a PEM private key', /-----BEGIN (?:RSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/],
  ['a signed JWT', /\beyJ[A-Za-z0-9_-]{20,}\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/],
  ['an AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36}\b/],
  ['a Slack token', /\bxox[abpr]-[A-Za-z0-9-]{10,}/],
  ['an Azure storage key', /AccountKey=[A-Za-z0-9+/]{40,}/],
  ['a connection string with a password', /\b(?:postgres(?:ql)?|redis|rediss|amqp):\/\/[^\s:@/'"`]+:[^\s@/'"`]{3,}@/],
];

describe('the repository holds no secret', () => {
  it('tracks no .env file (only .env.example)', () => {
    expect(files.filter((f) => /(^|\/)\.env(\.|$)/.test(f) && !f.endsWith('.env.example'))).toEqual([]);
  });

  it('has nothing that looks like a credential in any tracked file', () => {
    const found: string[] = [];
    for (const file of files) {
      if (file === 'package-lock.json' || statSync(file).size > 2_000_000) continue;
      const text = readFileSync(file, 'utf8');
      for (const [what, pattern] of LEAKS) if (pattern.test(text)) found.push(`${file}: ${what}`);
    }
    expect(found).toEqual([]);
  });

  it('leaves every secret setting in .env.example empty', () => {
    const lines = readFileSync('.env.example', 'utf8').split('\n').filter((l) => /^[A-Z][A-Za-z0-9_]*=/.test(l));
    const secretish = lines.filter((l) => /(SECRET|PASSWORD|TOKEN|KEY)[A-Z_]*=/i.test(l.split('=')[0]! + '='));
    expect(secretish.length).toBeGreaterThan(3); // the check looks at something
    expect(secretish.filter((l) => l.slice(l.indexOf('=') + 1).trim() !== '')).toEqual([]);
  });
});
