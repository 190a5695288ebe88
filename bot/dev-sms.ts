// Development only: the fake SMS gateway (infra/sms/fake-sveve.ts) on this server, and /dev/sms, a page
// that shows each demo person's SMS thread like a phone and lets you answer as them — or write from a
// number Dugnad has never seen, as a person who needs a hand would (issue 19) — so the whole SMS loop
// can be tried without a gateway account. Never registered in production (config refuses 'fake').
import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Database } from '../infra/db.ts';
import type { Config } from '../infra/config.ts';
import { smsWebhookPath } from '../infra/sms/gateway.ts';
import { createFakeSveve, type FakeSveve } from '../infra/sms/fake-sveve.ts';
import { displayMsisdn, normalizeMsisdn } from '../domain/sms.ts';
import { htmlHead, sendPage } from './page-assets.ts';

const Reply = z.object({ number: z.string().min(8).max(20), text: z.string().trim().min(1).max(640) });
const Unreachable = z.object({ number: z.string().min(8).max(20), unreachable: z.boolean() });

export function registerDevSms(server: Server, deps: { config: Config; db: Database }): FakeSveve | null {
  const sms = deps.config.sms;
  if (!deps.config.dev || sms?.provider !== 'fake') return null;
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const fake = createFakeSveve({ user: sms.user, password: sms.password, webhookUrl: `${base}${smsWebhookPath('fake', sms.webhookSecret)}` });

  // Sveve's send endpoint, as the real one answers it.
  server.post('/dev/sms/gateway/SMS/SendMessage', async (req: Request, res: Response) => {
    const answer = fake.handleSend(req.body);
    res.send(answer.status, answer.body);
  });

  server.get('/dev/sms/phones', async (_req: Request, res: Response) => {
    const people = await deps.db.query<{ msisdn: string; name: string | null }>(
      `SELECT c.user_id AS msisdn, m.name FROM chat_identities c JOIN members m ON m.id = c.member_id WHERE c.channel_id = 'sms' AND m.left_at IS NULL ORDER BY m.name`,
    );
    const byNumber = new Map(people.map((p) => [p.msisdn.replace(/^\+/, ''), p.name ?? '']));
    // Numbers that are no one's yet (someone signing up from «Nytt nummer») first, where you are typing.
    const numbers = [...new Set([...fake.numbers().filter((n) => !byNumber.has(n)), ...byNumber.keys()])];
    res.send(200, {
      phones: numbers.map((n) => ({
        number: n,
        display: displayMsisdn(`+${n}`),
        name: byNumber.get(n) ?? null,
        unreachable: fake.unreachable(n),
        messages: fake.thread(n).map((m) => ({ direction: m.direction, text: m.text, at: m.at.toISOString(), delivered: m.delivered ?? null })),
      })),
    });
  });

  server.post('/dev/sms/reply', async (req: Request, res: Response) => {
    const body = Reply.safeParse(req.body);
    const number = body.success ? normalizeMsisdn(body.data.number) : null;
    if (!body.success || !number) {
      res.send(400, { error: 'number and text, please' });
      return;
    }
    res.send(200, { webhook: await fake.reply(number, body.data.text) });
  });

  server.post('/dev/sms/unreachable', async (req: Request, res: Response) => {
    const body = Unreachable.safeParse(req.body);
    if (!body.success) {
      res.send(400, { error: 'number and unreachable, please' });
      return;
    }
    fake.setUnreachable(body.data.number, body.data.unreachable);
    res.send(200, { ok: true });
  });

  server.get('/dev/sms', async (_req: Request, res: Response) => {
    const nonce = randomBytes(16).toString('base64');
    sendPage(res, Buffer.from(pageHtml(nonce)), `default-src 'self'; img-src data:; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`);
  });
  return fake;
}

function pageHtml(nonce: string): string {
  // A number in the 479… range the demo's people do not use, so each visit starts someone new.
  const randomNumber = `479${String(randomBytes(3).readUIntBE(0, 3) % 100_000).padStart(5, '0')}`;
  const head = htmlHead('data:,').replace('<link rel="stylesheet" href="data:,">', `<style nonce="${nonce}">${CSS}</style>`);
  return `${head}
<body>
<header class="top"><h1>SMS (utvikling)</h1>
<p>Hver telefon er en person som får oppdrag på SMS. Svar som dem, for eksempel «JA 4821». Ingen ekte SMS sendes.</p></header>
<form id="new-phone" class="new-phone" aria-label="Skriv fra et nytt nummer">
<label>Nytt nummer <input type="tel" name="number" value="${randomNumber}" required></label>
<label>Melding <input type="text" name="text" value="Jeg trenger handlehjelp på fredag" required></label>
<button type="submit">Send fra nytt nummer</button>
<small>Som en som trenger hjelp og aldri har brukt Dugnad.</small>
</form>
<main id="phones" aria-live="polite"><p>Henter telefoner …</p></main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

const CSS = `
body{font-family:system-ui,sans-serif;margin:0;background:#eef1f4;color:#1b1f23}
.top{padding:12px 16px;background:#1d3557;color:#fff}.top h1{margin:0 0 4px;font-size:1.3rem}.top p{margin:0}
main{display:flex;flex-wrap:wrap;gap:16px;padding:16px}
.phone{width:320px;background:#fff;border:10px solid #222;border-radius:28px;display:flex;flex-direction:column;height:560px}
.phone h2{font-size:1rem;margin:0;padding:10px 12px;border-bottom:1px solid #ddd}
.phone h2 small{display:block;font-weight:normal;color:#555}
.thread{flex:1;overflow-y:auto;padding:8px;display:flex;flex-direction:column;gap:6px}
.msg{max-width:85%;padding:8px 10px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word;font-size:.95rem;line-height:1.3}
.out{background:#e5e5ea;align-self:flex-start}.in{background:#0b84ff;color:#fff;align-self:flex-end}
.failed{outline:2px solid #c00}.msg a{color:inherit;word-break:break-all}.meta{font-size:.75rem;color:#666;align-self:flex-start}
form{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd}form input[type=text]{flex:1;font-size:1rem;padding:8px}
button{font-size:1rem;padding:8px 12px}label.off{display:block;padding:0 12px 8px;font-size:.85rem}
.new-phone{display:flex;flex-wrap:wrap;gap:8px;align-items:end;padding:12px 16px 0}.new-phone label{display:flex;flex-direction:column;font-size:.85rem}.new-phone input{font-size:1rem;padding:8px}.new-phone small{flex-basis:100%;color:#555}
`;

// Renders the phones, keeping what you are typing; polls twice a second like an open chat would.
const SCRIPT = `
const main = document.getElementById('phones');
const drafts = {};
async function load() {
  const res = await fetch('/dev/sms/phones');
  const { phones } = await res.json();
  if (phones.length === 0) { main.innerHTML = '<p>Ingen har SMS ennå. Velg «SMS» under «Min status», eller seed demoen.</p>'; return; }
  const active = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.number : null;
  main.replaceChildren(...phones.map(render));
  if (active) { const el = main.querySelector('input[data-number="' + active + '"]'); if (el) { el.focus(); el.setSelectionRange(el.value.length, el.value.length); } }
}
function el(tag, props, ...children) { const e = Object.assign(document.createElement(tag), props); e.append(...children); return e; }
function render(p) {
  // Links (the one-time link to a task) can be opened as on a phone.
  const linked = (text) => text.split(/(https?:\\/\\/\\S+)/).map((part, i) => (i % 2 ? el('a', { href: part, target: '_blank' }, part) : part));
  const thread = el('div', { className: 'thread' }, ...p.messages.map((m) => el('div', { className: 'msg ' + m.direction + (m.delivered === false ? ' failed' : ''), title: m.at }, ...linked(m.text))));
  const input = el('input', { type: 'text', value: drafts[p.number] || '', placeholder: 'Svar …', ariaLabel: 'Svar som ' + (p.name || p.display) });
  input.dataset.number = p.number;
  input.addEventListener('input', () => { drafts[p.number] = input.value; });
  const form = el('form', {}, input, el('button', { type: 'submit' }, 'Send'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    drafts[p.number] = '';
    await fetch('/dev/sms/reply', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: p.number, text }) });
    load();
  });
  const off = el('input', { type: 'checkbox', checked: p.unreachable });
  off.addEventListener('change', () => fetch('/dev/sms/unreachable', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: p.number, unreachable: off.checked }) }));
  const section = el('section', { className: 'phone' }, el('h2', {}, p.name || p.display, el('small', {}, p.display)), thread, form, el('label', { className: 'off' }, off, ' Telefonen er av (SMS kommer ikke fram)'));
  requestAnimationFrame(() => { thread.scrollTop = thread.scrollHeight; });
  return section;
}
const fresh = document.getElementById('new-phone');
fresh.addEventListener('submit', async (e) => {
  e.preventDefault();
  const data = new FormData(fresh);
  await fetch('/dev/sms/reply', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ number: data.get('number'), text: data.get('text') }) });
  load();
});
load();
setInterval(load, 1500);
`;

