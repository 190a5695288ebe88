// The bot answers over real HTTP the way a channel talks to it, and says when it is ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp();
  chat = chatDriver(app, connector);
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('hello', () => {
  it('answers "hei" from a stranger with the menu to become a volunteer, in Norwegian', async () => {
    const replies = await chat.say('stranger-1', 'hei');
    expect(replies).toHaveLength(1);
    const reply = replies[0]!.activity;
    expect(reply.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(hasAction(reply, 'volunteer.signup.start')).toBe(true);
    expect(visibleText(reply)).toContain('Bli frivillig');
  });

  it('answers in English when the activity locale is English', async () => {
    const [reply] = await chat.say('stranger-2', 'hello', { locale: 'en-US' });
    expect(visibleText(reply!.activity)).toContain('Become a volunteer');
  });

  it('shows staff their menu', async () => {
    const [reply] = await chat.say('demo-ansatt-1', 'meny');
    expect(hasAction(reply!.activity, 'staff.request.new')).toBe(true);
    expect(hasAction(reply!.activity, 'volunteer.signup.start')).toBe(false);
  });

  it('shows a volunteer their menu', async () => {
    const [reply] = await chat.say('demo-frivillig-01', 'hjelp');
    expect(hasAction(reply!.activity, 'tasks.mine')).toBe(true);
  });

  it('greets a new conversation', async () => {
    const before = connector.captured.length;
    const res = await app.post({
      type: 'conversationUpdate',
      id: 'cu-1',
      channelId: 'webchat',
      serviceUrl: connector.url,
      from: { id: 'stranger-3' },
      recipient: { id: 'dugnad-bot' },
      conversation: { id: 'conv-stranger-3' },
      membersAdded: [{ id: 'stranger-3' }],
      locale: 'nb-NO',
    });
    expect(res.status).toBeLessThan(300);
    expect(connector.captured.slice(before).some((c) => hasAction(c.activity, 'volunteer.signup.start'))).toBe(true);
  });

  it('answers an unknown card action kindly and changes nothing', async () => {
    const replies = await chat.submit('demo-frivillig-02', { action: 'offer.accept' });
    expect(visibleText(replies[0]!.activity)).not.toMatch(/Error|stack|at \w+ \(/);
    const assignments = await app.db.query('SELECT 1 FROM assignments');
    expect(assignments).toHaveLength(0);
  });

  it('refuses a staff command from a volunteer', async () => {
    const replies = await chat.submit('demo-frivillig-02', { action: 'staff.volunteers.list' });
    expect(replies.some((r) => hasAction(r.activity, 'staff.volunteer.approve'))).toBe(false);
  });

  it('reports health and readiness', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
