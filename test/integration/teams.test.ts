// The Teams path at the HTTP level: a Teams user (keyed on aadObjectId) gets offers as cards with
// Action.Execute; pressing one arrives as an adaptiveCard/action invoke, ends in the same command as
// a Web Chat submit, and the new card comes back in the invoke response (Universal Actions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { cardActions, chatDriver, type ChatDriver } from '../support/chat.ts';
import { todayInOslo } from '../../bot/forms.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const TENANT = '11111111-2222-3333-4444-555555555555';
const AAD = 'aad-astrid-0001';

function teamsActivity(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    id: `teams-${Math.random()}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:teams-user-astrid', name: 'Astrid Hansen', aadObjectId: AAD },
    recipient: { id: '28:dugnad-bot', name: 'Dugnad' },
    conversation: { id: 'a:teams-conv-astrid', conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'nb-NO',
    ...extra,
  };
}

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '1000' } });
  chat = chatDriver(app, connector);
  // Astrid (demo volunteer 01) also uses Teams: link her Teams account to her member record.
  const [m] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = 'demo-frivillig-01'`);
  await app.db.query(`INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id) VALUES ('msteams', $1, $2, $3)`, [AAD, TENANT, m!.member_id]);
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('in Teams', () => {
  it('knows the user by aadObjectId and answers with Action.Execute cards', async () => {
    const before = connector.captured.length;
    const res = await app.post(teamsActivity({ type: 'message', text: '<at>Dugnad</at> hei' }));
    expect(res.status).toBeLessThan(300);
    const reply = connector.captured.slice(before).find((c) => c.conversationId === 'a:teams-conv-astrid')!;
    const json = JSON.stringify(reply.activity);
    expect(json).toContain('Action.Execute');
    expect(json).not.toContain('Action.Submit');
    expect(cardActions(reply.activity).some((d) => d.action === 'tasks.mine')).toBe(true);
  });

  it('accepts an offer through an adaptiveCard/action invoke and returns the task card', async () => {
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const before = connector.captured.length;
    await chat.submit('demo-ansatt-1', {
      action: 'staff.request.submit', personId: person!.id, group: 'besoksvenn', date: todayInOslo(addDays(new Date(), 2)), time: '13:00',
      durationMinutes: '60', district: 'Sentrum', summary: 'Teams-test',
    });
    // Her last-used channel is Teams, so the offer goes there, as an Action.Execute card.
    await connector.waitFor(() => connector.captured.slice(before).some((c) => c.conversationId === 'a:teams-conv-astrid' && visibleText(c.activity).includes('Teams-test')));
    const offerCard = connector.captured.slice(before).find((c) => c.conversationId === 'a:teams-conv-astrid' && visibleText(c.activity).includes('Teams-test'))!;
    const data = cardActions(offerCard.activity).find((d) => d.action === 'offer.accept')!;
    expect(JSON.stringify(offerCard.activity)).toContain('"verb":"offer.accept"');

    const res = await app.post(teamsActivity({ type: 'invoke', name: 'adaptiveCard/action', replyToId: offerCard.activityId, value: { action: { type: 'Action.Execute', verb: 'offer.accept', data } } }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statusCode: number; type: string; value: unknown };
    expect(body.statusCode).toBe(200);
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(body.value)).toContain('Gerd Solberg');
    const [a] = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assignments a JOIN chat_identities c ON c.member_id = a.volunteer_id WHERE c.user_id = $1`, [AAD]);
    expect(a!.n).toBe(1);

    // The same press again is kindly answered with the same task, and nothing changes.
    const again = await app.post(teamsActivity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'offer.accept', data } } }));
    expect(again.status).toBe(200);
    expect(JSON.stringify(await again.json())).toContain('Gerd Solberg');
    expect(await app.db.query(`SELECT 1 FROM assignments`)).toHaveLength(1);
  });
});
