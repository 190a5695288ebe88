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

  it('parses API tokens per system, each scoped to the centres it may post for', () => {
    const c = loadConfig({ API_TOKENS: 'fagsystem@hamar:aaaaaaaaaaaaaaaaaaaaaaaaaaaa, gerica@hamar+stange:bbbbbbbbbbbbbbbbbbbbbbbbbbbb' });
    expect(c.API_TOKENS.get('aaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toEqual({ system: 'fagsystem', centreIds: ['hamar'] });
    expect(c.API_TOKENS.get('bbbbbbbbbbbbbbbbbbbbbbbbbbbb')).toEqual({ system: 'gerica', centreIds: ['hamar', 'stange'] });
  });

  it('refuses an API token without the centres it may post for, without echoing it', () => {
    const msg = fail({ API_TOKENS: 'fagsystem:aaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(msg).toMatch(/^Configuration error: API_TOKENS must be a comma-separated list of system@centre:token/);
    expect(msg).not.toContain('aaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(fail({ API_TOKENS: 'fagsystem@:aaaaaaaaaaaaaaaaaaaaaaaaaaaa' })).toMatch(/system@centre:token/);
  });

  it('refuses production without credentials, Redis, database or public URL', () => {
    expect(fail({ NODE_ENV: 'production' })).toMatch(/MicrosoftAppId/);
    const base = { NODE_ENV: 'production', MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw' };
    expect(fail(base)).toMatch(/REDIS_URL is required in production/);
    expect(fail({ ...base, REDIS_URL: 'redis://r:6379' })).toMatch(/DATABASE_URL is required/);
    const c = loadConfig({ ...base, REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://db/x', PUBLIC_BASE_URL: 'https://dugnad.example', ALLOWED_TENANT_IDS: '*', WEB_CHAT_ENABLED: 'false' });
    expect(c.HOST).toBe('0.0.0.0');
    expect(c.RUN_WORKERS).toBe(false);
    expect(c.SEED_DEMO).toBe(false);
    expect(c.anonymous).toBe(false);
    expect(c.ALLOWED_TENANT_IDS).toEqual([]);
  });

  it('takes a Redis Cluster by its nodes instead of REDIS_URL, in production too', () => {
    const c = loadConfig({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000, redis://10.0.0.2:7001,' });
    expect(c.REDIS_CLUSTER_NODES).toEqual(['redis://10.0.0.1:7000', 'redis://10.0.0.2:7001']);
    expect(loadConfig({}).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(fail({ REDIS_CLUSTER_NODES: '10.0.0.1:7000' })).toMatch(/^Configuration error: REDIS_CLUSTER_NODES must be a URL starting with redis:\/\/ or rediss:\/\//);
    expect(fail({ REDIS_CLUSTER_NODES: ',' })).toMatch(/REDIS_CLUSTER_NODES must name at least one node/);
    expect(fail({ REDIS_CLUSTER_NODES: 'rediss://10.0.0.1:7000,redis://10.0.0.2:7001' })).toMatch(/REDIS_CLUSTER_NODES must give every node the same scheme, user and password/);
    expect(fail({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000', REDIS_URL: 'redis://r:6379' })).toMatch(/REDIS_CLUSTER_NODES and REDIS_URL are alternatives/);
    const production = { NODE_ENV: 'production', MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', DATABASE_URL: 'postgres://db/x', PUBLIC_BASE_URL: 'https://dugnad.example', ALLOWED_TENANT_IDS: '*', WEB_CHAT_ENABLED: 'false' };
    expect(fail(production)).toMatch(/REDIS_URL is required in production \(or REDIS_CLUSTER_NODES for a Redis Cluster\)/);
    expect(loadConfig({ ...production, REDIS_CLUSTER_NODES: 'rediss://:pw@cache-1.example:6380' }).REDIS_CLUSTER_NODES).toEqual(['rediss://:pw@cache-1.example:6380']);
  });

  it('sizes the PostgreSQL pool per process', () => {
    expect(loadConfig({}).DATABASE_POOL_SIZE).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '4' }).DATABASE_POOL_SIZE).toBe(4);
    expect(loadConfig({}).DATABASE_PREPARED_STATEMENTS).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).DATABASE_PREPARED_STATEMENTS).toBe(false);
    expect(fail({ DATABASE_PREPARED_STATEMENTS: 'maybe' })).toMatch(/DATABASE_PREPARED_STATEMENTS must be true or false/);
    expect(fail({ DATABASE_POOL_SIZE: '0' })).toMatch(/^Configuration error: DATABASE_POOL_SIZE/);
    expect(fail({ DATABASE_POOL_SIZE: 'many' })).toMatch(/DATABASE_POOL_SIZE must be a whole number/);
  });

  it('never echoes a password given inside a URL', () => {
    const msg = fail({ REDIS_CLUSTER_NODES: 'rediss://:hemmelig@a:6380,rediss://:annet@b:6380' });
    expect(msg).toMatch(/REDIS_CLUSTER_NODES must give every node the same/);
    expect(msg).not.toContain('hemmelig');
    expect(fail({ DATABASE_URL: 'mysql://dugnad:hemmelig@db/x' })).not.toContain('hemmelig');
  });

  it('refuses production without a tenant allow-list, or a web chat without sign-in', () => {
    const base = { NODE_ENV: 'production', MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://db/x', PUBLIC_BASE_URL: 'https://dugnad.example' };
    expect(fail(base)).toMatch(/^Configuration error: ALLOWED_TENANT_IDS is required in production/);
    const tenants = { ...base, ALLOWED_TENANT_IDS: 'tenant-a' };
    expect(fail(tenants)).toMatch(/^Configuration error: OIDC_IDPORTEN_ISSUER or OIDC_ENTRA_ISSUER .* is required in production while WEB_CHAT_ENABLED is true/);
    const idporten = { OIDC_IDPORTEN_ISSUER: 'https://idporten.example', OIDC_IDPORTEN_CLIENT_ID: 'client', OIDC_IDPORTEN_CLIENT_SECRET: 'shh-secret' };
    expect(fail({ ...tenants, ...idporten })).toMatch(/DIRECTLINE_TOKEN_SECRET is required in production/);
    const secret = { DIRECTLINE_TOKEN_SECRET: 'x'.repeat(32) };
    expect(fail({ ...tenants, ...idporten, ...secret, OIDC_IDPORTEN_ISSUER: 'http://idporten.example' })).toMatch(/OIDC_IDPORTEN_ISSUER must be an https URL in production/);
    // Half a provider names the missing part, and never echoes the secret.
    const half = fail({ ...tenants, ...secret, OIDC_ENTRA_ISSUER: 'https://login.example/t/v2.0', OIDC_ENTRA_CLIENT_SECRET: 'shh-secret' });
    expect(half).toMatch(/OIDC_ENTRA_CLIENT_ID is required when OIDC_ENTRA_ISSUER is set/);
    expect(half).not.toContain('shh-secret');
    const c = loadConfig({ ...tenants, ...idporten, ...secret });
    expect(c.oidcProviders.map((p) => p.id)).toEqual(['idporten']);
    expect(c.OIDC_REDIRECT_URL).toBe('https://dugnad.example/auth/callback');
    expect(loadConfig({ ...tenants, WEB_CHAT_ENABLED: 'false' }).oidcProviders).toEqual([]);
  });

  it('chooses the SMS gateway: the fake in development, Sveve with its credentials and webhook secret, never the fake in production', () => {
    expect(loadConfig({}).sms).toMatchObject({ provider: 'fake', baseUrl: 'http://127.0.0.1:3978/dev/sms/gateway' });
    expect(loadConfig({ SMS_PROVIDER: 'none' }).sms).toBeNull();
    expect(loadConfig({ NODE_ENV: 'test' }).sms).toBeNull();
    const secret = 'a'.repeat(40);
    expect(loadConfig({ SMS_PROVIDER: 'sveve', SMS_SVEVE_USER: 'u', SMS_SVEVE_PASSWORD: 'p', SMS_WEBHOOK_SECRET: secret }).sms).toMatchObject({ provider: 'sveve', baseUrl: 'https://sveve.no', webhookSecret: secret });
    expect(fail({ SMS_PROVIDER: 'sveve', SMS_SVEVE_USER: 'u', SMS_SVEVE_PASSWORD: 'p' })).toMatch(/^Configuration error: SMS_WEBHOOK_SECRET is required when SMS_PROVIDER is sveve$/);
    expect(fail({ SMS_PROVIDER: 'sveve', SMS_SVEVE_USER: 'u', SMS_SVEVE_PASSWORD: 'p', SMS_WEBHOOK_SECRET: 'short' })).toMatch(/^Configuration error: SMS_WEBHOOK_SECRET must be at least 32/);
    const prod = { NODE_ENV: 'production', MicrosoftAppId: 'x', MicrosoftAppPassword: 'y', REDIS_URL: 'redis://r', DATABASE_URL: 'postgres://d', PUBLIC_BASE_URL: 'https://dugnad.example', ALLOWED_TENANT_IDS: '*', WEB_CHAT_ENABLED: 'false' };
    expect(loadConfig(prod).sms).toBeNull();
    expect(fail({ ...prod, SMS_PROVIDER: 'fake' })).toMatch(/^Configuration error: SMS_PROVIDER fake is for development only/);
  });
});
