// Talking to the bot as a channel does, and reading what it sent back at the fake connector.
import type { TestApp } from './app.ts';
import { userActivity } from './app.ts';
import type { Captured, FakeConnector } from './fake-connector.ts';
import { visibleText } from './fake-connector.ts';

export interface ChatDriver {
  say(userId: string, text: string, opts?: { locale?: string }): Promise<Captured[]>;
  submit(userId: string, value: Record<string, unknown>, opts?: { replyToId?: string; locale?: string }): Promise<Captured[]>;
}

/** Each call returns what the bot sent in answer to it (its in-turn replies and updates). */
export function chatDriver(app: TestApp, connector: FakeConnector): ChatDriver {
  const send = async (activity: Record<string, unknown>) => {
    const before = connector.captured.length;
    const res = await app.post(activity);
    if (res.status >= 300) throw new Error(`bot answered ${res.status}: ${await res.text()}`);
    const conversationId = (activity.conversation as { id: string }).id;
    return connector.captured.slice(before).filter((c) => c.conversationId === conversationId);
  };
  return {
    say: (userId, text, opts = {}) => send(userActivity({ userId, serviceUrl: connector.url, text, ...opts })),
    submit: (userId, value, opts = {}) => send(userActivity({ userId, serviceUrl: connector.url, value, ...opts })),
  };
}

/** All card actions' data in an activity (Action.Submit and Action.Execute alike). */
export function cardActions(activity: Record<string, any>): Array<Record<string, unknown>> {
  return submitsIn(activity.attachments, true);
}

/** Button data in `root`; `intoShowCards` false leaves out those behind an Action.ShowCard (a question asked first). */
function submitsIn(root: unknown, intoShowCards: boolean): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.type === 'Action.ShowCard' && !intoShowCards) return;
      if ((o.type === 'Action.Submit' || o.type === 'Action.Execute') && o.data && typeof o.data === 'object') out.push(o.data as Record<string, unknown>);
      Object.values(o).forEach(walk);
    }
  };
  walk(root);
  return out;
}

export function hasAction(activity: Record<string, any>, verb: string): boolean {
  return cardActions(activity).some((d) => d.action === verb);
}

/** Buttons that act at one tap: not those behind an Action.ShowCard (a question asked first). */
export function directActions(activity: Record<string, any>): Array<Record<string, unknown>> {
  return submitsIn(activity.attachments, false);
}

/** What the Action.ShowCard titled `title` opens: its text and its buttons' data; null if there is none. */
export function showCardNamed(activity: Record<string, any>, title: string): { text: string; actions: Array<Record<string, unknown>> } | null {
  let found: Record<string, any> | null = null;
  const walk = (v: unknown) => {
    if (found) return;
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, any>;
      if (o.type === 'Action.ShowCard' && o.title === title) found = o.card;
      else Object.values(o).forEach(walk);
    }
  };
  walk(activity.attachments);
  if (!found) return null;
  return { text: visibleText({ attachments: [found] }), actions: cardActions({ attachments: [found] }) };
}
