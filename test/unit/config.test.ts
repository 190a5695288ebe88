import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../infra/config.ts';

const fail = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a configuration error');
};

describe('config', () => {
  it('has working defaults for development', () => {
    const c = loadConfig({});
    expect(c.NODE_ENV).toBe('development');
    expect(c.PORT).toBe(3978);
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.PUBLIC_BASE_URL).toBe('http://127.0.0.1:3978');
    expect(c.RUN_WORKERS).toBe(true);
    expect(c.SEED_DEMO).toBe(true);
    expect(c.anonymous).toBe(true);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.WAVE_SIZE).toBe(50);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(3978);
  });

  it('names the variable and the problem in one line', () => {
    const msg = fail({ PORT: 'abc' });
    expect(msg).toMatch(/^Configuration error: PORT must be a port number \(got "abc"\)$/);
    expect(msg).not.toContain('\n');
    expect(fail({ DATABASE_URL: 'mysql://x' })).toMatch(/^Configuration error: DATABASE_URL must be a URL starting with postgres:/);
    expect(fail({ RUN_WORKERS: 'maybe' })).toMatch(/^Configuration error: RUN_WORKERS must be true or false/);
  });

  it('never echoes secrets', () => {
    expect(fail({ API_TOKENS: 'sys:short' })).not.toContain('short');
    expect(fail({ DIRECTLINE_TOKEN_SECRET: 'tooshort' })).not.toContain('tooshort');
  });

  it('parses API tokens per system', () => {
    const c = loadConfig({ API_TOKENS: 'fagsystem:aaaaaaaaaaaaaaaaaaaaaaaaaaaa, gerica:bbbbbbbbbbbbbbbbbbbbbbbbbbbb' });
    expect(c.API_TOKENS.get('aaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBe('fagsystem');
    expect(c.API_TOKENS.get('bbbbbbbbbbbbbbbbbbbbbbbbbbbb')).toBe('gerica');
  });

  it('refuses production without credentials, Redis, database or public URL', () => {
    expect(fail({ NODE_ENV: 'production' })).toMatch(/MicrosoftAppId/);
    const base = { NODE_ENV: 'production', MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw' };
    expect(fail(base)).toMatch(/REDIS_URL is required in production/);
    expect(fail({ ...base, REDIS_URL: 'redis://r:6379' })).toMatch(/DATABASE_URL is required/);
    const c = loadConfig({ ...base, REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://db/x', PUBLIC_BASE_URL: 'https://dugnad.example' });
    expect(c.HOST).toBe('0.0.0.0');
    expect(c.RUN_WORKERS).toBe(false);
    expect(c.SEED_DEMO).toBe(false);
    expect(c.anonymous).toBe(false);
  });
});
