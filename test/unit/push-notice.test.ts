// What a push may say (domain/push-notice.ts), how it reads (adaptive-cards/push-notice.ts), and the
// sender's real encryption against a push service on loopback (infra/web-push.ts).
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRedacted, pushAlert, pushFacts, pushLifetimeSeconds } from '../../domain/push-notice.ts';
import { findPersonalData } from '../../domain/confidentiality.ts';
import { pushPayload } from '../../adaptive-cards/push-notice.ts';
import { createPushSender, pushHostAllowed, PushEndpointRefused, resolveVapidKeys } from '../../infra/web-push.ts';
import { startPushService, type PushService } from '../support/push-service.ts';
import type { HelpRequest, PrivateRequestDetails } from '../../domain/types.ts';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIME_ZONE } from '../../domain/time-zone.ts';

const startsAt = new Date('2026-12-08T13:00:00Z'); // Tuesday 14:00 in Oslo
const request = {
  id: 'r1', centreId: 'hamar', group: 'handlehjelp', district: 'Sentrum', startsAt, durationMinutes: 60, flexibleUntil: null,
  summary: 'Gerd trenger melk fra Kiwi', requirements: { language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false },
  urgent: false, status: 'open', personId: 'p1', createdBy: 'm1', location: { lat: 60.79, lon: 11.07 }, wave: 1,
} satisfies HelpRequest;
const details: PrivateRequestDetails = {
  personName: 'Gerd Solberg', address: 'Storgata 12, 2317 Hamar', phone: '62 51 00 12', meetingPlace: 'Ved inngangen',
  handoverNote: 'Ring på to ganger', contactName: 'Ola Solberg', contactPhone: '+47 912 34 567',
};
const QUIET = { quietStart: '21:00', quietEnd: '08:00', timeZone: TIME_ZONE };

describe('what a push may carry (domain/push-notice.ts)', () => {
  it('takes only kind, group, area, time and urgency from the request', () => {
    const facts = pushFacts('offer', request);
    expect(facts).toEqual({ kind: 'offer', group: 'handlehjelp', district: 'Sentrum', startsAt, urgent: false });
    expect(JSON.stringify(facts)).not.toMatch(/Gerd|Kiwi|60\.79|p1|m1/);
  });

  it('a general notice carries no facts at all', () => {
    expect(pushFacts('general', request)).toEqual({ kind: 'general', group: null, district: null, startsAt: null, urgent: false });
    expect(pushFacts('offer', null).kind).toBe('general');
  });

  it('refuses a text that names the person, the address, a phone, or another person named', () => {
    expect(isRedacted('Handlehjelp i Sentrum, tirsdag kl. 14:00', details)).toBe(true);
    expect(isRedacted('Handlehjelp hos Solberg', details)).toBe(false);
    expect(isRedacted('Storgata 12 kl. 14', details)).toBe(false);
    expect(isRedacted('Ring 62510012', details)).toBe(false);
    expect(isRedacted('Astrid kommer tirsdag', null, ['Astrid'])).toBe(false);
    expect(isRedacted('En frivillig kommer tirsdag', null, ['Astrid'])).toBe(true);
  });

  it('never sounds during quiet hours unless urgent', () => {
    const night = new Date('2026-12-08T22:30:00Z'); // 23:30 in Oslo
    const day = new Date('2026-12-08T10:00:00Z');
    expect(pushAlert(night, false, QUIET)).toBe('silent');
    expect(pushAlert(night, true, QUIET)).toBe('alert');
    expect(pushAlert(day, false, QUIET)).toBe('alert');
  });

  it('keeps an offer at the push service no longer than until its start', () => {
    const now = new Date(startsAt.getTime() - 2 * 3600_000);
    expect(pushLifetimeSeconds(pushFacts('offer', request), now)).toBe(7200);
    expect(pushLifetimeSeconds(pushFacts('offer', request), new Date(startsAt.getTime() + 1000))).toBe(60);
    expect(pushLifetimeSeconds(pushFacts('taken', request), now)).toBe(24 * 3600);
  });
});

describe('the words of a push (adaptive-cards/push-notice.ts)', () => {
  it('says what, where and when in the reader’s language, and nothing private', () => {
    const nb = pushPayload('nb', pushFacts('offer', request), { groupLabel: 'Handlehjelp', tag: 'offer-o1', url: '/?open=offer.o1', silent: false });
    expect(nb).toMatchObject({ v: 1, title: 'Nytt oppdrag', lang: 'nb', tag: 'offer-o1', url: '/?open=offer.o1', silent: false });
    expect(nb.body).toMatch(/^Handlehjelp i Sentrum, tirsdag .*14:00/);
    const en = pushPayload('en', pushFacts('offer', { ...request, urgent: true }), { groupLabel: 'Shopping', tag: 't', url: '/', silent: false });
    expect(en.title).toBe('New task');
    expect(en.body).toMatch(/^Urgent: Shopping in Sentrum, /);
    for (const p of [nb, en]) expect(findPersonalData(JSON.stringify(p), details)).toEqual([]);
    expect(JSON.stringify(nb)).not.toContain('Kiwi');
    const general = pushPayload('nb', pushFacts('general', null), { groupLabel: null, tag: 'x', url: '/', silent: false });
    expect(general.body).toBe('Du har en ny melding. Åpne Dugnad for å lese den.');
  });
});

describe('sending (infra/web-push.ts) with real encryption', () => {
  let service: PushService;
  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:personvern@dugnad.invalid' };
  beforeAll(async () => {
    service = await startPushService();
  });
  afterAll(async () => service?.close());

  it('encrypts to the device and signs VAPID: only the device’s keys read it', async () => {
    const sender = createPushSender({ vapid, allowedHosts: null });
    try {
      const device = service.device();
      const body = JSON.stringify({ v: 1, title: 'Nytt oppdrag', body: 'Handlehjelp i Sentrum' });
      expect(await sender.send(device.subscription, body, { ttlSeconds: 600, urgency: 'high' })).toEqual({ outcome: 'sent' });
      const got = service.received.at(-1)!;
      expect(got.text).toBe(body);
      expect(got.vapidKey).toBe(vapid.publicKey);
      expect(got.headers.urgency).toBe('high');
      expect(got.headers.ttl).toBe('600');
      expect(service.rejected).toEqual([]);
    } finally {
      sender.close();
    }
  });

  it('says «gone» for 404 and 410, «failed» for anything else', async () => {
    const sender = createPushSender({ vapid, allowedHosts: null });
    try {
      for (const [status, outcome] of [[410, 'gone'], [404, 'gone'], [500, 'failed'], [429, 'failed']] as const) {
        const device = service.device(status);
        expect(await sender.send(device.subscription, '{}', { ttlSeconds: 60, urgency: 'normal' })).toEqual({ outcome, status });
      }
    } finally {
      sender.close();
    }
  });

  it('in production, posts only to known push services over https', async () => {
    const sender = createPushSender({ vapid, allowedHosts: ['fcm.googleapis.com', '.push.apple.com'] });
    try {
      await expect(sender.send(service.device().subscription, '{}', { ttlSeconds: 60, urgency: 'normal' })).rejects.toBeInstanceOf(PushEndpointRefused);
    } finally {
      sender.close();
    }
    expect(pushHostAllowed('web.push.apple.com', ['.push.apple.com'])).toBe(true);
    expect(pushHostAllowed('push.apple.com.evil.example', ['.push.apple.com'])).toBe(false);
    expect(pushHostAllowed('fcm.googleapis.com', ['fcm.googleapis.com'])).toBe(true);
    expect(pushHostAllowed('x.fcm.googleapis.com', ['fcm.googleapis.com'])).toBe(false);
  });

  it('generates the development key pair once, readable by the owner only, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dugnad-vapid-'));
    try {
      const cfg = { VAPID_SUBJECT: 'mailto:a@b.invalid', DATA_DIR: dir, dev: true };
      const first = resolveVapidKeys(cfg)!;
      const again = resolveVapidKeys(cfg)!;
      expect(again).toEqual(first);
      expect(JSON.parse(readFileSync(join(dir, 'vapid.json'), 'utf8')).publicKey).toBe(first.publicKey);
      expect(statSync(join(dir, 'vapid.json')).mode & 0o077).toBe(0);
      expect(resolveVapidKeys({ ...cfg, dev: false })).toBeNull();
      expect(resolveVapidKeys({ ...cfg, dev: false, VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey })).toMatchObject({ publicKey: vapid.publicKey });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
