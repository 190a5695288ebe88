// The pages around the chat (issue 14): «Personvern» and «Vilkår», which the Teams manifest links to,
// answer in Norwegian whether the web chat is on or off; an unknown address answers a Norwegian page
// to a browser and JSON to an API client, both 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { buildManifest } from '../../infra/teams/manifest.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
let chatOn: TestApp;
let chatOff: TestApp;

beforeAll(async () => {
  chatOn = await startTestApp({ workers: false });
  chatOff = await startTestApp({ workers: false, env: { WEB_CHAT_ENABLED: 'false', RETENTION_DAYS: '45' } });
});
afterAll(async () => {
  await chatOn?.close();
  await chatOff?.close();
});

describe('pages around the chat', () => {
  it('/personvern says what is stored, why, for how long and whom to ask, in Norwegian, in every mode', async () => {
    for (const [app, days] of [[chatOn, 30], [chatOff, 45]] as const) {
      const res = await fetch(`${app.url}/personvern`, { headers: BROWSER });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('<html lang="nb">');
      for (const heading of ['Hva vi lagrer', 'Hvorfor', 'Hvor lenge', 'hvem du kan spørre']) expect(html).toContain(heading);
      expect(html).toContain(`slettes ${days} dager etter oppdraget`);
      expect(html).toContain('«mine data»');
    }
  });

  it('/vilkar answers the terms, and both are the addresses the Teams manifest names', async () => {
    const res = await fetch(`${chatOff.url}/vilkar`, { headers: BROWSER });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Vilkår for bruk av Dugnad');
    const manifest = buildManifest({ appId: '00000000-0000-4000-8000-000000000001', botId: '00000000-0000-4000-8000-000000000002', baseUrl: chatOn.url, appVersion: '1.0.0' });
    expect(new URL(manifest.developer.privacyUrl).pathname).toBe('/personvern');
    expect(new URL(manifest.developer.termsOfUseUrl).pathname).toBe('/vilkar');
  });

  it('an unknown address: a Norwegian page for a browser, JSON for an API client', async () => {
    const page = await fetch(`${chatOn.url}/finnes/ikke`, { headers: BROWSER });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Denne siden finnes ikke');
    const api = await fetch(`${chatOn.url}/finnes/ikke`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect(await api.json()).toHaveProperty('message');
  });
});
