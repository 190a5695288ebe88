// The one-time link an SMS carries instead of a task's details: /t/<token>. The page itself shows
// nothing about the task; a press on its button (a POST, so a phone's link preview cannot use it up)
// uses the link once — in production only when signed in, and the signed-in web chat account becomes
// the volunteer's if it is no one's yet — and opens the web chat, which shows the task first.
import type { Request, Response, Server } from 'restify';
import { escapeHtml, htmlHead, sendPage } from './page-assets.ts';
import type { WebSignIn } from './web-signin.ts';
import type { Database } from '../infra/db.ts';
import { claimWebChatAccount } from '../infra/channels.ts';
import { taskLinkUsable, takeOpenedTask, useTaskLink } from '../infra/text-answers.ts';
import { revealOwnAssignment } from '../infra/offers.ts';
import { taskDetailsCard } from '../adaptive-cards/task-details.ts';
import { publicView } from '../domain/confidentiality.ts';
import { t, type MessageKey } from '../adaptive-cards/texts.ts';
import { groupLabel } from '../jobs/card-activity.ts';
import type { Turn } from './turn.ts';

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
const CSP = "default-src 'self'; style-src 'self'; script-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface TaskLinkDeps {
  db: Database;
  now: () => Date;
  /** Production: who is signed in; null in development (the web chat's demo picker). */
  signIn: WebSignIn | null;
  signInProviders: ReadonlyArray<'idporten' | 'entra'>;
}

export function registerTaskLinks(server: Server, deps: TaskLinkDeps): void {
  const page = (res: Response, body: string) => sendPage(res, Buffer.from(`${htmlHead('/webchat/app.css')}\n<body><main class="main">${body}</main></body></html>`), CSP);
  const message = (res: Response, key: MessageKey) => page(res, `<h1>${escapeHtml(t('nb', 'taskLink.title'))}</h1><p>${escapeHtml(t('nb', key))}</p><p><a href="/">Dugnad</a></p>`);
  const tokenOf = (req: Request) => {
    const token = (req.params as { token?: string }).token ?? '';
    return TOKEN.test(token) ? token : null;
  };

  server.get('/t/:token', async (req: Request, res: Response) => {
    const token = tokenOf(req);
    if (!token || !(await taskLinkUsable(deps.db, token, deps.now()))) return message(res, 'taskLink.gone');
    if (deps.signIn && !(await deps.signIn.sessionOf(req))) {
      const buttons = deps.signInProviders
        .map((p) => `<p><a class="button primary" href="/auth/login/${p}?return=${encodeURIComponent(`/t/${token}`)}">${escapeHtml(t('nb', p === 'idporten' ? 'webSignIn.idporten' : 'webSignIn.entra'))}</a></p>`)
        .join('');
      return page(res, `<h1>${escapeHtml(t('nb', 'taskLink.title'))}</h1><p>${escapeHtml(t('nb', 'taskLink.signIn'))}</p>${buttons}`);
    }
    page(res, `<h1>${escapeHtml(t('nb', 'taskLink.title'))}</h1><p>${escapeHtml(t('nb', 'taskLink.intro'))}</p>
<form method="post" action="/t/${token}"><button type="submit" class="primary">${escapeHtml(t('nb', 'taskLink.open'))}</button></form>`);
  });

  server.post('/t/:token', async (req: Request, res: Response) => {
    const token = tokenOf(req);
    const now = deps.now();
    const usable = token ? await taskLinkUsable(deps.db, token, now) : null;
    if (!token || !usable) return message(res, 'taskLink.gone');
    const session = deps.signIn ? await deps.signIn.sessionOf(req) : null;
    if (deps.signIn && !session) return message(res, 'taskLink.signIn');
    // The web chat account of whoever is signed in must be, or become, the volunteer's.
    if (session && !(await claimWebChatAccount(deps.db, session.userId, usable.memberId))) return message(res, 'taskLink.notYours');
    if (!(await useTaskLink(deps.db, token, now))) return message(res, 'taskLink.gone');
    res.setHeader('Cache-Control', 'no-store');
    res.writeHead(303, { Location: '/' });
    res.end();
  });
}

/**
 * When the web chat opens for someone who just used a link: the task, first (a recorded reveal).
 * True when it was shown.
 */
export async function showOpenedTask(deps: { db: Database }, turn: Turn): Promise<boolean> {
  if (!turn.member) return false;
  const assignmentId = await takeOpenedTask(deps.db, turn.member.id, turn.now);
  if (!assignmentId) return false;
  const task = await revealOwnAssignment(deps.db, { assignmentId, volunteerId: turn.member.id, channelId: turn.account.channelId, now: turn.now });
  if (!task) return false;
  await turn.say('taskLink.opened');
  await turn.send(
    taskDetailsCard(turn.card, { assignmentId, request: publicView(task.request), details: task.details, groupLabel: await groupLabel(deps.db, task.request, turn.locale) }),
  );
  return true;
}
