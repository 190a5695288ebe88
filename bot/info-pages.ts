// The pages around the chat that need no sign-in and work in every mode: «Personvern» and «Vilkår»
// (the Teams manifest links to both: infra/teams/manifest.ts), and a small Norwegian page for an
// address that does not exist — JSON instead for a client that did not ask for HTML (an API client).
// The words follow docs/privacy.md; change them together.
import type { Request, Response, Server } from 'restify';
import { escapeHtml } from '../adaptive-cards/html.ts';
import { sendPage } from './page-assets.ts';

/** Nothing but our own inline style: the pages run no script and load nothing. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `body{font:17px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
main{max-width:42rem;margin:0 auto;padding:1rem 1.25rem 3rem}h1{font-size:1.6rem;line-height:1.25}
h2{font-size:1.15rem;margin-top:1.75rem}a{color:#0b4a80}li{margin:.25rem 0}
header{background:#0b4a80;color:#fff;padding:.6rem 1.25rem;font-weight:600}header a{color:#fff}`;

function page(title: string, body: string): Buffer {
  return Buffer.from(`<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Dugnad</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="/">Dugnad</a></header>
<main>
${body}
</main>
</body>
</html>
`);
}

const privacyPage = (c: { retentionDays: number; consentMonths: number }) => page('Personvern', `<h1>Personvern i Dugnad</h1>
<p>Dugnad er chatten som setter folk som trenger en hånd, i kontakt med frivillige fra frivilligsentralen.
Kommunen er behandlingsansvarlig. Her står hva vi lagrer, hvorfor, hvor lenge, og hvem du kan spørre.</p>

<h2>Hva vi lagrer</h2>
<ul>
<li><strong>Om den som får hjelp:</strong> navn, adresse, telefon, område, det du eller en pårørende skriver til den frivillige,
og samtykket (hvem som ga det, og når). Forespørslene: hva slags hjelp, når og hvor lenge.</li>
<li><strong>Om frivillige:</strong> navn, telefon, område, hva du vil hjelpe med og når du kan, språk, taushetserklæringen du signerte,
og datoen politiattesten ble kontrollert (ikke selve attesten).</li>
<li><strong>Om pårørende og ansatte:</strong> navn og telefon, og hvilken frivilligsentral de hører til.</li>
<li><strong>Ellers:</strong> hvilke chatkontoer du bruker, varsler du har slått på, og en logg over hvem som har sett opplysninger om en person.</li>
</ul>

<h2>Hvorfor</h2>
<p>For å finne en frivillig som passer til hjelpen som er bedt om, og fortelle bare den frivillige som tar oppdraget,
hvor hen skal. Et tilbud om oppdrag viser bare hva, område, når og hvor lenge – aldri navn, adresse eller telefon.
Loggen viser hvem som har sett hva, så misbruk kan oppdages. Tallene til årsmeldingen er bare antall og timer.</p>
<p>Grunnlaget er samtykke fra den som får hjelp (eller en pårørende på deres vegne), avtalen frivillige har med
frivilligsentralen, og kommunens oppgaver i helse- og omsorgstjenesten der samtykke ikke kan gis.</p>

<h2>Hvor lenge</h2>
<ul>
<li>Møtested, beskjed til den frivillige og kontaktperson slettes ${c.retentionDays} dager etter oppdraget.</li>
<li>Opplysninger om den som får hjelp, slettes når samtykket ikke lenger gjelder og det ikke er oppdrag igjen.
Et samtykke gjelder i ${c.consentMonths} måneder og kan trekkes tilbake når som helst.</li>
<li>En frivillig som slutter, slettes med en gang: navn, telefon, profil og chatkontoer.
Oppdragene blir stående uten navn, som statistikk.</li>
<li>Antall, timer og loggen over hvem som så hva, beholdes.</li>
</ul>

<h2>Dine rettigheter, og hvem du kan spørre</h2>
<p>Du kan se hva som er lagret om deg: skriv <strong>«mine data»</strong> i chatten. Du kan be om å få rettet
eller slettet opplysninger, og en frivillig kan slutte selv med «Slutt som frivillig».</p>
<p>Spørsmål om personvern: kontakt frivilligsentralen du hører til, eller personvernombudet i kommunen.
Du kan også klage til Datatilsynet (datatilsynet.no).</p>
<p><a href="/vilkar">Vilkår for bruk</a></p>`);

const TERMS = page('Vilkår', `<h1>Vilkår for bruk av Dugnad</h1>
<p>Dugnad drives av kommunen og frivilligsentralene. Ved å bruke chatten godtar du dette:</p>
<ul>
<li><strong>Ikke for nødsituasjoner.</strong> Haster det med liv og helse, ring 113. Legevakt: 116 117.</li>
<li><strong>Frivillige har taushetsplikt.</strong> Du signerer en taushetserklæring før du ser noe om en person,
og det du får vite på et oppdrag, forteller du ikke videre.</li>
<li><strong>Skriv ikke mer enn nødvendig.</strong> Den korte beskrivelsen av et oppdrag ser alle som får tilbudet:
ikke skriv navn, adresse eller helseopplysninger der.</li>
<li><strong>Si fra i tide.</strong> Kan du ikke likevel, avlys i chatten så fort du vet det, så vi kan finne en annen.</li>
<li><strong>Frivilligsentralen bestemmer.</strong> Sentralen godkjenner frivillige og kan sette en frivillig på pause
eller avslutte samarbeidet.</li>
<li>Dugnad er ikke vedtaksbasert avlastning. Det søker du om hos kommunen.</li>
</ul>
<p>Slik behandler vi opplysningene dine: <a href="/personvern">Personvern</a>.</p>`);

const NOT_FOUND = page('Fant ikke siden', `<h1>Denne siden finnes ikke</h1>
<p>Adressen kan være skrevet feil, eller lenken kan være gammel.</p>
<p><a href="/">Til Dugnad</a> · <a href="/personvern">Personvern</a></p>`);

/** The periods are the configured ones (RETENTION_DAYS, CONSENT_VALIDITY_MONTHS), so the page stays true. */
export function registerInfoPages(server: Server, config: { RETENTION_DAYS: number; CONSENT_VALIDITY_MONTHS: number }): void {
  const privacy = privacyPage({ retentionDays: config.RETENTION_DAYS, consentMonths: config.CONSENT_VALIDITY_MONTHS });
  server.get('/personvern', async (_req: Request, res: Response) => sendPage(res, privacy, CSP));
  server.get('/vilkar', async (_req: Request, res: Response) => sendPage(res, TERMS, CSP));
}

/**
 * For restify's NotFound event (no route matched; bot/api.ts owns the one listener and hands over
 * what is not its own): a browser (it asks for text/html) gets the Norwegian page; anyone else is
 * left to restify's JSON 404.
 */
export function answerNotFound(req: Request, res: Response): void {
  if (res.headersSent || !/\btext\/html\b/.test(req.header('accept') ?? '')) return;
  // sendRaw, not writeHead: restify then knows the error is answered and sends nothing more.
  res.sendRaw(404, NOT_FOUND, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
  });
}
