// Talking to the web chat's Direct Line endpoint over HTTP, as the page's DirectLineJS does.
import { expect } from 'vitest';

export type DlActivity = { id: string; type: string; text?: string; timestamp: string; replyToId?: string; from: { id: string; role?: string }; attachments?: Array<{ content: unknown }> };
export interface DlActivitySet {
  activities: DlActivity[];
  watermark: string;
}
export interface DlConversation {
  userId: string;
  conversationId: string;
  token: string;
}

export async function call(baseUrl: string, method: string, path: string, o: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** A new conversation, as the page starts one; `extra` goes in its start body (e.g. `open`). */
export async function startConversation(baseUrl: string, userId: string, extra: Record<string, unknown> = {}): Promise<DlConversation> {
  const generated = await call(baseUrl, 'POST', '/v3/directline/tokens/generate', { body: { user: { id: userId, name: userId } } });
  expect(generated.status).toBe(200);
  const started = await call(baseUrl, 'POST', '/v3/directline/conversations', { token: generated.body.token as string, body: { locale: 'nb-NO', ...extra } });
  expect(started.status).toBe(201);
  return { userId, conversationId: started.body.conversationId as string, token: started.body.token as string };
}

export async function poll(baseUrl: string, c: { conversationId: string; token: string }, watermark = '') {
  return call(baseUrl, 'GET', `/v3/directline/conversations/${c.conversationId}/activities?watermark=${watermark}`, { token: c.token });
}

export async function read(baseUrl: string, c: { conversationId: string; token: string }, watermark = ''): Promise<DlActivitySet> {
  const res = await poll(baseUrl, c, watermark);
  expect(res.status, res.text).toBe(200);
  return res.body as unknown as DlActivitySet;
}

/** Every activity from the start, paging on with the watermark. */
export async function history(baseUrl: string, c: { conversationId: string; token: string }): Promise<DlActivity[]> {
  const all: DlActivity[] = [];
  let watermark = '';
  for (;;) {
    const set = await read(baseUrl, c, watermark);
    all.push(...set.activities);
    if (set.activities.length === 0) return all;
    watermark = set.watermark;
  }
}
