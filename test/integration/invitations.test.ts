// Invitations (issue 18), at the HTTP level as the channels and the tab talk to Dugnad: the coordinator
// imports volunteers and makes invitations in the tab; an imported volunteer uses theirs in the web
// chat (the page posts the code from the link), checks their details, signs the declaration and then
// gets an offer. Single use, refused for an account that is someone else's, and the coordinator sees
// who has connected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import jsQRModule from 'jsqr';
import QRCode from 'qrcode';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { utf8Csv, VOLUNTEER_HEADINGS } from '../support/import-files.ts';
import { issueDirectLineToken } from '../../bot/directline.ts';
import { invitationCodeIn } from '../../infra/invitations.ts';
import { osloDate } from '../../domain/time-zone.ts';

const DEV_SECRET = 'invite-test-directline-secret-0123456789abcdef';
let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;

const FILE = utf8Csv(VOLUNTEER_HEADINGS, [
  ['Åsmund Tangen', '912 00 001', 'asmund@example.no', '2337', 'Tangen', 'Handlehjelp', 'norsk', '', '', ''],
  ['Brit Tangen', '912 00 002', '', '2337', 'Tangen', 'Besøksvenn', 'norsk', '', '', ''],
]);
const tabToken = (userId: string) => issueDirectLineToken({ sub: userId, name: userId, exp: Math.floor(Date.now() / 1000) + 600 }, DEV_SECRET);
const tab = async (method: 'GET' | 'POST', path: string, userId: string, body?: unknown) => {
  const res = await fetch(`${app.url}/api/tab${path}`, {
    method,
    headers: { authorization: `Bearer ${tabToken(userId)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
};

// jsQR is CommonJS whose default export is the function itself; its types say `export default`.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

/** The QR symbol for `text` as the sheet draws it, rendered to pixels and read by a QR reader. */
function decodeQr(text: string): { data: string } | null {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const scale = 4;
  const quiet = 4;
  const side = (modules.size + 2 * quiet) * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < modules.size; y++) {
    for (let x = 0; x < modules.size; x++) {
      if (!modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const at = (((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx) * 4;
          pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
        }
      }
    }
  }
  return jsQR(pixels, side, side);
}

let invitations: Array<{ memberId: string; name: string; code: string; link: string }> = [];
const ASMUND = 'web-asmund-phone';

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { DIRECTLINE_TOKEN_SECRET: DEV_SECRET, WAVE_SIZE: '1000', PUBLIC_BASE_URL: 'https://dugnad.example.no' } });
  chat = chatDriver(app, connector);
  const res = await fetch(`${app.url}/api/tab/import?kind=volunteers&apply=true`, {
    method: 'POST', headers: { authorization: `Bearer ${tabToken('demo-ansatt-1')}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(FILE),
  });
  expect((await res.json()).counts.create).toBe(2);
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('the coordinator makes invitations', () => {
  it('lists the imported volunteers as not invited yet, in Norwegian order (Å last)', async () => {
    const { status, body } = await tab('GET', '/invitations', 'demo-ansatt-1');
    expect(status).toBe(200);
    expect(body.items.map((i: { name: string; stateText: string }) => [i.name, i.stateText])).toEqual([
      ['Brit Tangen', 'Ikke invitert'],
      ['Åsmund Tangen', 'Ikke invitert'],
    ]);
  });

  it('makes one per volunteer: links with a single-use code, and a printable page whose QR codes open them', async () => {
    const { status, body } = await tab('POST', '/invitations', 'demo-ansatt-1', { all: true });
    expect(status).toBe(200);
    invitations = body.items;
    expect(invitations).toHaveLength(2);
    for (const i of invitations) {
      expect(i.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(i.link).toBe(`https://dugnad.example.no/#invitasjon=${i.code}`);
      expect(body.sheet).toContain(i.link);
    }
    expect(body.sheet).toContain('Hei, Åsmund Tangen!');
    // Only a hash is stored: the code is nowhere in the database.
    const stored = JSON.stringify(await app.db.query('SELECT * FROM invitations'));
    for (const i of invitations) {
      expect(stored).not.toContain(i.code);
      expect(stored).not.toContain(i.code.replace(/-/g, ''));
    }
    // The QR code on the page opens the link (drawn again as a PNG and read back).
    const svg = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(body.sheet);
    expect(svg).not.toBeNull();
    const read = decodeQr(invitations[0]!.link);
    expect(read?.data).toBe(invitations[0]!.link);
    expect(Buffer.from(svg![1]!, 'base64').toString('utf8')).toBe(await QRCode.toString(invitations[0]!.link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  });

  it('is the coordinator’s to do', async () => {
    expect((await tab('POST', '/invitations', 'demo-ansatt-2', { all: true })).status).toBe(403);
    expect((await tab('GET', '/invitations', 'demo-frivillig-01')).status).toBe(403);
  });
});

describe('an imported volunteer accepts in the web chat and gets an offer', () => {
  const asmund = () => invitations.find((i) => i.name === 'Åsmund Tangen')!;

  it('the web chat page posts the code from the link: the chat is connected, and the volunteer checks their details', async () => {
    const replies = await chat.submit(ASMUND, { action: 'invitation.accept', code: asmund().code });
    const text = replies.map((r) => visibleText(r.activity)).join('\n');
    expect(text).toContain('Velkommen til Dugnad, Åsmund!');
    expect(text).toContain('Hamar frivilligsentral har registrert deg som frivillig');
    const form = replies.find((r) => hasAction(r.activity, 'volunteer.signup.submit'))!;
    expect(JSON.stringify(form.activity)).toContain('Åsmund Tangen');
    const [linked] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'webchat' AND user_id = $1`, [ASMUND]);
    expect(linked!.member_id).toBe(asmund().memberId);
    const audited = await app.db.query(`SELECT 1 FROM audit_log WHERE action = 'invitation.accept' AND member_id = $1`, [asmund().memberId]);
    expect(audited).toHaveLength(1);
  });

  it('the link works once: a second use, by anyone, is refused', async () => {
    const replies = await chat.submit('web-someone-else', { action: 'invitation.accept', code: asmund().code });
    expect(visibleText(replies[0]!.activity)).toContain('Denne invitasjonen virker ikke');
    expect(await app.db.query(`SELECT 1 FROM chat_identities WHERE user_id = 'web-someone-else' AND member_id IS NOT NULL`)).toHaveLength(0);
  });

  it('confirms their details with times that suit them, and is asked to sign the declaration', async () => {
    const replies = await chat.submit(ASMUND, {
      action: 'volunteer.signup.submit', name: 'Åsmund Tangen', phone: '912 00 001', email: 'asmund@example.no', district: 'Tangen', postcode: '2337',
      groups: 'handlehjelp', languages: 'nb', availability: '1:morning,2:morning,3:morning,4:morning,5:morning,6:morning,7:morning', weeklyCap: '2', comfort: 'any',
    });
    expect(replies.some((r) => visibleText(r.activity).includes('Profilen din er oppdatert'))).toBe(true);
    expect(replies.some((r) => hasAction(r.activity, 'declaration.sign'))).toBe(true);
    const signed = await chat.submit(ASMUND, { action: 'declaration.sign', version: 1 });
    expect(signed.some((r) => visibleText(r.activity).includes('Du har signert taushetserklæringen'))).toBe(true);
  });

  it('gets the next request that fits, as an offer in the web chat', async () => {
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    await chat.submit('demo-ansatt-1', {
      action: 'staff.request.submit', personId: person!.id, group: 'handlehjelp', date: osloDate(addDays(new Date(), 3)), time: '10:00',
      durationMinutes: '60', district: 'Tangen', summary: 'Handle mat på Coop',
    });
    const isOffer = (c: { conversationId: string; activity: Record<string, any> }) => c.conversationId === `conv-${ASMUND}` && cardActions(c.activity).some((d) => d.action === 'offer.accept');
    await connector.waitFor((cs) => cs.some(isOffer));
    const offer = connector.captured.find(isOffer)!;
    expect(visibleText(offer.activity)).toContain('Handlehjelp');
    expect(visibleText(offer.activity)).not.toContain('Gerd Solberg');
  });

  it('shows the coordinator who has connected', async () => {
    const { body } = await tab('GET', '/invitations', 'demo-ansatt-1');
    const states = Object.fromEntries(body.items.map((i: { name: string; state: string }) => [i.name, i.state]));
    expect(states).toEqual({ 'Åsmund Tangen': 'accepted', 'Brit Tangen': 'open' });
  });
});

describe('in Teams, or typed', () => {
  const brit = () => invitations.find((i) => i.name === 'Brit Tangen')!;

  it('reads a code typed to the bot, with or without the word and the dashes, and never an ordinary word', () => {
    expect(invitationCodeIn('invitasjon k7qm-4xpd-9arb')).toBe('K7QM4XPD9ARB');
    expect(invitationCodeIn('Invitasjon K7QM4XPD9ARB')).toBe('K7QM4XPD9ARB');
    expect(invitationCodeIn('K7QM-4XPD-9ARB')).toBe('K7QM4XPD9ARB');
    expect(invitationCodeIn('hvordanhjelp')).toBeNull();
    expect(invitationCodeIn('mine oppdrag')).toBeNull();
  });

  it('refuses an account that is already someone else’s, without using the invitation up', async () => {
    const replies = await chat.say('demo-frivillig-02', `invitasjon ${brit().code}`);
    expect(visibleText(replies[0]!.activity)).toContain('hører allerede til en annen profil');
    const [row] = await app.db.query<{ accepted_at: Date | null }>(`SELECT accepted_at FROM invitations WHERE member_id = $1 AND replaced_at IS NULL`, [brit().memberId]);
    expect(row!.accepted_at).toBeNull();
  });

  it('connects whoever types a valid code first', async () => {
    const replies = await chat.say('teams-brit', `invitasjon ${brit().code.toLowerCase()}`);
    expect(replies.map((r) => visibleText(r.activity)).join('\n')).toContain('Velkommen til Dugnad, Brit!');
  });

  it('an expired invitation does not work; making a new one replaces the old', async () => {
    const { body } = await tab('POST', '/invitations', 'demo-ansatt-1', { memberIds: [asmundId()] });
    const fresh = body.items[0].code as string;
    await app.db.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE member_id = $1 AND replaced_at IS NULL`, [asmundId()]);
    const replies = await chat.submit('web-late', { action: 'invitation.accept', code: fresh });
    expect(visibleText(replies[0]!.activity)).toContain('Denne invitasjonen virker ikke');
  });
  const asmundId = () => invitations.find((i) => i.name === 'Åsmund Tangen')!.memberId;
});
