// A message for someone who reads text only (SMS, Bot Framework's sms and email channels): the one text
// renderer (adaptive-cards/text.ts) with what it needs from the database — which details the channel
// may carry for each task (domain/confidentiality.ts), a one-time link for those held back, the
// answer code, and the answers kept so a reply runs the button's command. The last guard checks the
// text for details it may not carry before anything leaves.
import type { Database } from './db.ts';
import type { OutgoingActivity } from './connector.ts';
import type { AdaptiveCard } from '../adaptive-cards/card.ts';
import { cardToText, privateRefs, type RenderedText } from '../adaptive-cards/text.ts';
import { fieldsCarriedBy, findPersonalData, type PrivateField } from '../domain/confidentiality.ts';
import type { ChannelKind } from '../domain/channels.ts';
import type { Locale } from '../domain/types.ts';
import { privateDetails } from './request-row.ts';
import { createTaskLink, saveAnswers, subjectOf, type TextAccount } from './text-answers.ts';

export interface TextReader extends TextAccount {
  memberId: string | null;
  kind: ChannelKind;
  locale: Locale;
}

export interface TextMessage {
  text: string;
  /** The centre of the task the message is about, when it is about one (what an SMS is counted for). */
  centreId: string | null;
}

/** Raised when a text would carry a detail its channel may not: it is not sent (a bug, not a person's fault). */
export class DetailLeakError extends Error {
  constructor(readonly fields: PrivateField[]) {
    super('a text message would carry details its channel may not');
  }
}

export function cardOf(activity: OutgoingActivity): AdaptiveCard | null {
  const a = activity.attachments?.find((x) => x.contentType === 'application/vnd.microsoft.card.adaptive');
  return a ? (a.content as AdaptiveCard) : null;
}

export async function renderAsText(
  db: Database,
  activity: OutgoingActivity,
  reader: TextReader,
  opts: { now: Date; publicBaseUrl: string; linkMinutes: number },
): Promise<TextMessage> {
  const card = cardOf(activity);
  if (!card) return { text: activity.text ?? activity.summary ?? '', centreId: null };
  const sms = reader.kind === 'sms';

  // Per task in the card: its centre, whether it is this reader's, and whether the centre lets name and address go by SMS.
  const refs = privateRefs(card);
  const tasks = new Map<string, { centreId: string; requestId: string; allowed: readonly PrivateField[] }>();
  if (refs.length > 0) {
    const rows = await db.query<{ id: string; centre_id: string; request_id: string; volunteer_id: string; sms_details: boolean }>(
      `SELECT a.id, r.centre_id, r.id AS request_id, a.volunteer_id, c.sms_details
         FROM assignments a JOIN help_requests r ON r.id = a.request_id JOIN centres c ON c.id = r.centre_id
        WHERE a.id = ANY($1::uuid[])`,
      [refs.filter((r) => /^[0-9a-f-]{36}$/i.test(r))],
    );
    for (const r of rows) {
      const own = reader.memberId !== null && r.volunteer_id === reader.memberId;
      tasks.set(r.id, { centreId: r.centre_id, requestId: r.request_id, allowed: own ? fieldsCarriedBy(reader.kind, r.sms_details) : sms ? [] : fieldsCarriedBy(reader.kind, false) });
    }
  }
  const allowedFields = (ref: string) => tasks.get(ref)?.allowed ?? (sms ? [] : fieldsCarriedBy(reader.kind, false));

  // A link for each task whose details an SMS holds back: made up front (the renderer is pure).
  const links = new Map<string, string>();
  if (sms && reader.memberId) {
    for (const ref of refs) {
      if (!tasks.has(ref)) continue;
      const token = await createTaskLink(db, { memberId: reader.memberId, assignmentId: ref, now: opts.now, minutes: opts.linkMinutes });
      if (token) links.set(ref, `${opts.publicBaseUrl.replace(/\/+$/, '')}/t/${token}`);
    }
  }

  const render = (code?: string): RenderedText =>
    cardToText(card, { locale: reader.locale, style: sms ? 'sms' : 'numbered', allowedFields, linkFor: (ref) => links.get(ref) ?? null, ...(code ? { code } : {}) });
  let rendered = render();
  const { subject, endsAt } = await subjectOf(db, rendered.options);
  if (rendered.options.length > 0) {
    const code = await saveAnswers(db, reader, { coded: sms, subject, endsAt, options: rendered.options, now: opts.now });
    if (code) rendered = render(code);
  }

  // The last guard: whatever the card holds, the text carries no detail this channel may not. (Links
  // are random tokens and carry nothing; left in, one could look like a name by chance.)
  const words = rendered.text.replace(/https?:\/\/\S+/g, '');
  for (const [ref, task] of tasks) {
    const details = await privateDetails(db, task.requestId);
    if (!details) continue;
    const leaked = findPersonalData(words, details).filter((f) => !allowedFields(ref).includes(f));
    if (leaked.length > 0) throw new DetailLeakError(leaked);
  }

  const centreId = [...tasks.values()][0]?.centreId ?? (subject.startsWith('request:') ? await centreOfRequest(db, subject.slice(8)) : null);
  return { text: rendered.text, centreId };
}

async function centreOfRequest(db: Database, requestId: string): Promise<string | null> {
  const rows = await db.query<{ centre_id: string }>('SELECT centre_id FROM help_requests WHERE id = $1', [requestId]);
  return rows[0]?.centre_id ?? null;
}
