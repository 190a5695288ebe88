// A centre's Teams staff channel over real HTTP and the fake connector: staff link it from the
// channel; escalations and the morning overview arrive there with public request facts only; a
// message-extension dialog posts a request through the same command as the chat form; and nothing
// that names a person helped is posted where the whole team reads along.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from 'date-fns';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { chatDriver, hasAction, type ChatDriver } from '../support/chat.ts';
import { NEW_REQUEST_COMMAND_ID } from '../../infra/teams/manifest.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { osloDate } from '../../domain/time-zone.ts';

let app: TestApp;
let connector: FakeConnector;
let chat: ChatDriver;
const TENANT = '11111111-2222-3333-4444-555555555555';
const CHANNEL = '19:hamar-ansatte@thread.tacv2';
const STAFF = { id: '29:kari', aad: 'aad-kari', name: 'Kari Nordmann' };
const VOLUNTEER = { id: '29:astrid', aad: 'aad-astrid', name: 'Astrid' };
let person: { id: string; name: string; address: string; phone: string };
const secrets = () => [person.name, person.address, person.phone];

let seq = 0;
/** The team's General channel has the team's own id. */
const GENERAL = '19:team-hamar@thread.tacv2';

/** A message or invoke in the team channel, as Teams sends it (a reply in a thread of the channel). */
function inChannel(who: { id: string; aad: string; name: string }, extra: Record<string, unknown>, channel = CHANNEL): Record<string, unknown> {
  return {
    id: `chan-${++seq}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: who.id, name: who.name, aadObjectId: who.aad },
    recipient: { id: '28:dugnad-bot', name: 'Dugnad' },
    conversation: { id: `${channel};messageid=${1000 + seq}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, team: { id: GENERAL }, channel: { id: channel } },
    locale: 'nb-NO',
    ...extra,
  };
}
const say = (who: typeof STAFF, text: string) => app.post(inChannel(who, { type: 'message', text: `<at>Dugnad</at> ${text}` }));
const press = (who: typeof STAFF, data: Record<string, unknown>, channel = CHANNEL) =>
  app.post(inChannel(who, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: data.action, data } } }, channel));
const channelPosts = () => connector.captured.filter((c) => c.conversationId.startsWith(CHANNEL));

beforeAll(async () => {
  connector = await startFakeConnector();
  app = await startTestApp({ env: { WAVE_SIZE: '5', WAVE_TIMEOUT_MINUTES: '0.02', STAFF_CHANNEL_DIGEST_AT: '07:30' } });
  chat = chatDriver(app, connector);
  const link = async (demo: string, aad: string) => {
    const [m] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE user_id = $1`, [demo]);
    await app.db.query(`INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id) VALUES ('msteams', $1, $2, $3)`, [aad, TENANT, m!.member_id]);
  };
  await link('demo-ansatt-1', STAFF.aad);
  await link('demo-frivillig-01', VOLUNTEER.aad);
  // Kari also chats with Dugnad in the web chat: that personal conversation is where her own notices go.
  await chat.say('demo-ansatt-1', 'hei');
  person = (await app.db.query<{ id: string; name: string; address: string; phone: string }>(`SELECT id, name, address, phone FROM persons WHERE name = 'Gerd Solberg'`))[0]!;
});
afterAll(async () => {
  await app?.close();
  await connector?.close();
});

describe('linking a Teams channel', () => {
  it('is for staff, in a team channel only', async () => {
    const before = connector.captured.length;
    await say(VOLUNTEER, 'koble til kanal');
    expect(connector.captured.slice(before).map((c) => visibleText(c.activity)).join('\n')).toContain('Det forstod jeg ikke');
    const [refused] = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM staff_channels');
    expect(refused!.n).toBe(0);
    const replies = await chat.submit('demo-ansatt-1', { action: 'staff.channel.link' });
    expect(visibleText(replies[0]!.activity)).toContain('kanal i Teams');
  });

  it('shows staff the channel card, links the channel to their centre from the card, and unlinks it', async () => {
    let before = connector.captured.length;
    expect((await say(STAFF, 'kanal')).status).toBeLessThan(300);
    const card = connector.captured.slice(before).find((c) => hasAction(c.activity, 'staff.channel.link'))!;
    expect(card.conversationId.startsWith(CHANNEL)).toBe(true);

    const linked = await press(STAFF, { action: 'staff.channel.link' });
    expect(JSON.stringify(await linked.json())).toContain('Kanalen er koblet til Hamar frivilligsentral');
    const [row] = await app.db.query<{ centre_id: string; conversation_id: string; conversation_ref: { conversation: { id: string }; user: { id: string } } }>('SELECT * FROM staff_channels');
    expect(row).toMatchObject({ centre_id: 'hamar', conversation_id: CHANNEL });
    // Posts start a new conversation in the channel, and no staff member's account is kept with it.
    expect(row!.conversation_ref.conversation.id).toBe(CHANNEL);
    expect(row!.conversation_ref.user.id).toBe('28:dugnad-bot');

    const unlinked = await press(STAFF, { action: 'staff.channel.unlink' });
    expect(JSON.stringify(await unlinked.json())).toContain('staff.channel.link');
    expect(await app.db.query('SELECT 1 FROM staff_channels')).toHaveLength(0);

    before = connector.captured.length;
    await say(STAFF, 'koble til kanal');
    expect(await app.db.query('SELECT 1 FROM staff_channels')).toHaveLength(1);
    // Talking in the channel never makes it where Kari's personal notices go.
    const [kari] = await app.db.query<{ conversation_ref: unknown }>(`SELECT conversation_ref FROM chat_identities WHERE channel_id = 'msteams' AND user_id = $1`, [STAFF.aad]);
    expect(kari!.conversation_ref).toBeNull();
  });

  it('answers nothing personal in the channel: forms and tasks belong in the personal chat', async () => {
    const before = connector.captured.length;
    await say(STAFF, 'ny forespørsel');
    await say(VOLUNTEER, 'mine oppdrag');
    await say(STAFF, 'personvern');
    const shown = connector.captured.slice(before).map((c) => visibleText(c.activity)).join('\n');
    expect(shown).toContain('Skjemaet vises bare for deg');
    expect(shown).toContain('Gjør dette i chatten din med Dugnad');
    for (const s of secrets()) expect(shown).not.toContain(s);
  });
});

describe('the message extension «Ny forespørsel»', () => {
  const dialog = (who: typeof STAFF, name: string, data?: Record<string, unknown>) =>
    app.post(inChannel(who, { type: 'invoke', name, value: { commandId: NEW_REQUEST_COMMAND_ID, commandContext: 'compose', ...(data ? { data } : {}) } }));

  it('opens the request form as a dialog for staff, not for volunteers, and posts nothing to the channel', async () => {
    const before = connector.captured.length;
    const res = await dialog(STAFF, 'composeExtension/fetchTask');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { task: { type: string; value: { card: { content: unknown } } } };
    expect(body.task.type).toBe('continue');
    const form = JSON.stringify(body.task.value.card.content);
    expect(form).toContain('Action.Submit');
    expect(form).toContain('staff.request.submit');

    const refused = (await (await dialog(VOLUNTEER, 'composeExtension/fetchTask')).json()) as { task: { type: string; value: string } };
    expect(refused.task).toEqual({ type: 'message', value: t('nb', 'error.notAllowed') });
    expect(connector.captured.length).toBe(before);
  });

  it('creates the request through the same command as the chat form; errors come back in the form', async () => {
    const fields = {
      action: 'staff.request.submit', personId: person.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), 1)), time: '15:00',
      durationMinutes: '60', district: 'Sentrum', summary: 'Fra kanalen', language: 'zu',
    };
    const invalid = (await (await dialog(STAFF, 'composeExtension/submitAction', { ...fields, time: '25:99' })).json()) as { task: { type: string } };
    expect(invalid.task.type).toBe('continue');
    expect(await app.db.query(`SELECT 1 FROM help_requests WHERE summary = 'Fra kanalen'`)).toHaveLength(0);

    const before = connector.captured.length;
    const ok = (await (await dialog(STAFF, 'composeExtension/submitAction', fields)).json()) as { task: { type: string; value: string } };
    expect(ok.task.type).toBe('message');
    expect(ok.task.value).toContain('Forespørselen er lagret');
    const [r] = await app.db.query<{ source: string; created_by_name: string }>(
      `SELECT r.source, m.name AS created_by_name FROM help_requests r JOIN members m ON m.id = r.created_by WHERE r.summary = 'Fra kanalen'`,
    );
    expect(r).toMatchObject({ source: 'chat', created_by_name: 'Kari Nordmann' });
    expect(channelPosts().filter((c) => connector.captured.indexOf(c) >= before)).toHaveLength(0);
  });
});

describe('escalations and the morning overview in the channel', () => {
  it('posts the escalation to the channel as well as to the poster, without the person', async () => {
    // Nobody speaks Zulu: the first wave finds no one, and staff hear at once.
    await connector.waitFor((cs) => cs.some((c) => c.conversationId === CHANNEL && visibleText(c.activity).includes('Fra kanalen')), 20_000);
    const post = channelPosts().find((c) => visibleText(c.activity).includes('Fra kanalen'))!;
    expect(post.method).toBe('POST');
    expect(hasAction(post.activity, 'staff.request.widen')).toBe(true);
    expect(JSON.stringify(post.activity)).toContain('Action.Execute');
    for (const s of secrets()) expect(visibleText(post.activity)).not.toContain(s);
    await connector.waitFor((cs) => cs.some((c) => c.conversationId === 'conv-demo-ansatt-1' && visibleText(c.activity).includes('Fra kanalen') && hasAction(c.activity, 'staff.request.widen')));
  });

  it('lets staff act on the escalation from the channel', async () => {
    const post = channelPosts().find((c) => visibleText(c.activity).includes('Fra kanalen'))!;
    const widen = JSON.stringify(post.activity).match(/"action":"staff\.request\.relax","requestId":"([^"]+)"/);
    expect(widen).not.toBeNull();
    const res = await press(STAFF, { action: 'staff.request.relax', requestId: widen![1] });
    expect(res.status).toBe(200);
    const [r] = await app.db.query<{ language: string | null }>(`SELECT language FROM help_requests WHERE summary = 'Fra kanalen'`);
    expect(r!.language).toBeNull();
  });

  it('posts the morning overview («… oppdrag uten frivillig i morgen») once a day, and nothing when all is quiet', async () => {
    // Make sure one request tomorrow is still unfilled, whatever the relaxed wave did.
    await app.db.query(`UPDATE help_requests SET status = 'open', assigned_volunteer_id = NULL WHERE summary = 'Fra kanalen'`);
    const before = channelPosts().length;
    await app.queues.upkeep.add('channel-digest', {});
    await connector.waitFor(() => channelPosts().length > before);
    const digest = channelPosts().at(-1)!;
    expect(visibleText(digest.activity)).toMatch(/\d+ oppdrag uten frivillig i morgen/);
    for (const s of secrets()) expect(visibleText(digest.activity)).not.toContain(s);
    // The same day again: no second overview.
    await app.queues.upkeep.add('channel-digest', {});
    await new Promise((ok) => setTimeout(ok, 800));
    expect(channelPosts().filter((c) => /oppdrag uten frivillig i morgen/.test(visibleText(c.activity)))).toHaveLength(1);
  });
});

describe('when Teams refuses the channel', () => {
  const LOST = 'Dugnad kan ikke lenger skrive i kanalen til Hamar frivilligsentral';
  const kari = () => connector.conversation('conv-demo-ansatt-1');
  /** A request nobody can take (nobody speaks Zulu): it escalates at once. */
  const postUnfillable = async (summary: string) => {
    const data = {
      action: 'staff.request.submit', personId: person.id, group: 'besoksvenn', date: osloDate(addDays(new Date(), 2)), time: '11:00',
      durationMinutes: '60', district: 'Sentrum', summary, language: 'zu',
    };
    const res = await app.post(inChannel(STAFF, { type: 'invoke', name: 'composeExtension/submitAction', value: { commandId: NEW_REQUEST_COMMAND_ID, commandContext: 'compose', data } }));
    expect(JSON.stringify(await res.json())).toContain('Forespørselen er lagret');
  };
  const escalatedToKari = (summary: string) => connector.waitFor(() => kari().some((c) => visibleText(c.activity).includes(summary) && hasAction(c.activity, 'staff.request.widen')), 20_000);

  it('marks the channel unreachable on 403, tells staff once in their own chat, and escalations still reach them', async () => {
    // The app was removed from the team: Teams answers the next post to the channel with 403.
    connector.failFirst((a) => a.conversation?.id === CHANNEL, { status: 403 });
    const failuresBefore = connector.failedAt.length;
    await postUnfillable('Kanalen borte');
    await escalatedToKari('Kanalen borte');
    await connector.waitFor(() => kari().some((c) => visibleText(c.activity).includes(LOST)), 20_000);
    expect(connector.failedAt.slice(failuresBefore).map((f) => f.conversationId)).toEqual([CHANNEL]);
    const [row] = await app.db.query<{ unreachable_at: Date | null }>(`SELECT unreachable_at FROM staff_channels WHERE centre_id = 'hamar'`);
    expect(row!.unreachable_at).not.toBeNull();
    const notice = kari().find((c) => visibleText(c.activity).includes(LOST))!;
    expect(visibleText(notice.activity)).toContain('koble den til på nytt');

    // The next escalation goes to Kari only: no post to the channel is tried, and she is not told again.
    await postUnfillable('Kanalen fortsatt borte');
    await escalatedToKari('Kanalen fortsatt borte');
    await new Promise((ok) => setTimeout(ok, 800));
    expect(connector.failedAt.slice(failuresBefore)).toHaveLength(1);
    expect(channelPosts().filter((c) => /Kanalen (fortsatt )?borte/.test(visibleText(c.activity)))).toHaveLength(0);
    expect(kari().filter((c) => visibleText(c.activity).includes(LOST))).toHaveLength(1);
  });

  it('lets staff link it again from the channel, which clears the mark; posts arrive there again', async () => {
    const before = connector.captured.length;
    await say(STAFF, 'kanal');
    const card = connector.captured.slice(before).find((c) => c.conversationId.startsWith(CHANNEL))!;
    expect(visibleText(card.activity)).toContain('Koble den til på nytt');
    expect(hasAction(card.activity, 'staff.channel.link')).toBe(true);

    const linked = await press(STAFF, { action: 'staff.channel.link' });
    expect(JSON.stringify(await linked.json())).toContain('Kanalen er koblet til Hamar frivilligsentral');
    const [row] = await app.db.query<{ unreachable_at: Date | null; conversation_id: string }>(`SELECT unreachable_at, conversation_id FROM staff_channels WHERE centre_id = 'hamar'`);
    expect(row).toEqual({ unreachable_at: null, conversation_id: CHANNEL });

    await postUnfillable('Kanalen tilbake');
    await connector.waitFor(() => channelPosts().some((c) => c.conversationId === CHANNEL && visibleText(c.activity).includes('Kanalen tilbake')), 20_000);
  });
});

describe('when Dugnad is added to a team', () => {
  /** What Teams sends the bot about the team itself: no thread, the General channel, whoever added the app. */
  const teamEvent = (extra: Record<string, unknown>) => {
    const { locale: _none, ...event } = inChannel(VOLUNTEER, extra, GENERAL);
    return { ...event, conversation: { id: GENERAL, conversationType: 'channel', isGroup: true, tenantId: TENANT }, channelData: { tenant: { id: TENANT }, team: { id: GENERAL, name: 'Hamar' } } };
  };
  const generalPosts = () => connector.captured.filter((c) => c.conversationId.startsWith(GENERAL));

  it('posts one card in the channel saying what Dugnad does there, with the link button and nothing personal', async () => {
    // Teams tells of one install twice: the bot among membersAdded, and installationUpdate «add».
    expect((await app.post(teamEvent({ type: 'conversationUpdate', membersAdded: [{ id: '28:dugnad-bot' }] }))).status).toBeLessThan(300);
    expect((await app.post(teamEvent({ type: 'installationUpdate', action: 'add' }))).status).toBeLessThan(300);
    await connector.waitFor(() => generalPosts().length > 0);
    const posts = generalPosts();
    expect(posts).toHaveLength(1);
    const card = posts[0]!.activity;
    expect(visibleText(card)).toContain('Dugnad formidler oppdrag');
    expect(visibleText(card)).toContain('Bare ansatte ved en frivilligsentral kan koble kanalen til');
    expect(hasAction(card, 'staff.channel.link')).toBe(true);
    expect(JSON.stringify(card)).toContain('Action.Execute');
    // Whoever added the app is not named; nothing of anyone else either.
    for (const s of [VOLUNTEER.name, STAFF.name, ...secrets()]) expect(visibleText(card)).not.toContain(s);
  });

  it('says nothing when someone else joins the team', async () => {
    const before = connector.captured.length;
    await app.post(teamEvent({ type: 'conversationUpdate', membersAdded: [{ id: '29:ola', aadObjectId: 'aad-ola' }] }));
    expect(connector.captured.slice(before)).toHaveLength(0);
  });

  it('links the channel from that card for staff only', async () => {
    const refused = await press(VOLUNTEER, { action: 'staff.channel.link' }, GENERAL);
    expect(JSON.stringify(await refused.json())).not.toContain('Kanalen er koblet til');
    expect(await app.db.query('SELECT 1 FROM staff_channels WHERE conversation_id = $1', [GENERAL])).toHaveLength(0);

    const linked = await press(STAFF, { action: 'staff.channel.link' }, GENERAL);
    expect(JSON.stringify(await linked.json())).toContain('Kanalen er koblet til Hamar frivilligsentral');
    expect(await app.db.query(`SELECT 1 FROM staff_channels WHERE centre_id = 'hamar' AND conversation_id = $1`, [GENERAL])).toHaveLength(1);
  });

  it('when Dugnad is removed from the team, marks its channel at once and tells staff once in their own chat', async () => {
    const lost = 'Dugnad kan ikke lenger skrive i kanalen til Hamar frivilligsentral';
    const told = () => connector.conversation('conv-demo-ansatt-1').filter((c) => visibleText(c.activity).includes(lost)).length;
    const toldBefore = told();
    const before = connector.captured.length;
    // Teams tells of one removal twice, too.
    expect((await app.post(teamEvent({ type: 'installationUpdate', action: 'remove' }))).status).toBeLessThan(300);
    expect((await app.post(teamEvent({ type: 'conversationUpdate', membersRemoved: [{ id: '28:dugnad-bot' }] }))).status).toBeLessThan(300);
    const [row] = await app.db.query<{ unreachable_at: Date | null }>(`SELECT unreachable_at FROM staff_channels WHERE centre_id = 'hamar'`);
    expect(row!.unreachable_at).not.toBeNull();
    await connector.waitFor(() => told() === toldBefore + 1, 20_000);
    await new Promise((ok) => setTimeout(ok, 500));
    expect(told()).toBe(toldBefore + 1);
    // Nothing is posted to the team the bot has left.
    expect(connector.captured.slice(before).filter((c) => c.conversationId.startsWith(GENERAL))).toHaveLength(0);
  });
});
