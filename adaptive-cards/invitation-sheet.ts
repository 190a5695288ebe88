// The printable invitations: one per half page, with the volunteer's name, a QR code of their link, the
// link itself, the code to type in Teams and how long it works — to hand out at a volunteer meeting.
// A standalone HTML page (its own styles, no scripts): the tab offers it as a download and
// `npm run import -- invitations` writes it.
import type { Locale } from '../domain/types.ts';
import { formatDateWithYear } from './format.ts';
import { escapeHtml } from './html.ts';
import { t } from './texts.ts';

export interface SheetInvitation {
  name: string;
  code: string;
  webLink: string;
  /** Whether a Teams app exists for this deployment (then the code can be typed to the bot). */
  teams: boolean;
  /** An SVG or PNG data URL of the QR code for webLink. */
  qr: string;
  expiresAt: Date;
}

/** The last day an invitation works, as people say it: the day before it stops. */
export function lastValidDay(locale: Locale, expiresAt: Date): string {
  return formatDateWithYear(locale, new Date(expiresAt.getTime() - 1));
}

export function invitationSheetHtml(locale: Locale, input: { centre: string; invitations: readonly SheetInvitation[] }): string {
  const e = escapeHtml;
  const pages = input.invitations
    .map(
      (i) => `<section class="invitation">
<h1>${e(t(locale, 'invitation.sheet.title'))}</h1>
<p class="hello">${e(t(locale, 'invitation.sheet.hello', { name: i.name }))}</p>
<p>${e(t(locale, 'invitation.sheet.text', { centre: input.centre }))}</p>
<img class="qr" src="${e(i.qr)}" alt="${e(t(locale, 'invitation.sheet.orLink'))} ${e(i.webLink)}" width="180" height="180">
<p>${e(t(locale, 'invitation.sheet.orLink'))}<br><span class="link">${e(i.webLink)}</span></p>
${i.teams ? `<p>${e(t(locale, 'invitation.sheet.teams', { code: i.code }))}</p>` : ''}
<p class="valid">${e(t(locale, 'invitation.sheet.valid', { date: lastValidDay(locale, i.expiresAt) }))}</p>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(t(locale, 'invitation.sheet.title'))} – ${e(input.centre)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a; margin: 0; }
.invitation { box-sizing: border-box; height: 148mm; padding: 12mm 16mm; border-bottom: 1px dashed #999; page-break-inside: avoid; break-inside: avoid; font-size: 14pt; line-height: 1.4; }
.invitation:nth-of-type(2n) { page-break-after: always; break-after: page; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
.hello { font-weight: bold; }
.qr { float: right; margin: 0 0 4mm 6mm; image-rendering: pixelated; }
.link { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11pt; word-break: break-all; }
.valid { font-size: 11pt; color: #444; }
@media screen { .invitation { max-width: 210mm; margin: 0 auto; } }
</style>
</head>
<body>
${pages}
</body>
</html>
`;
}
