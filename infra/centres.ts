// Volunteer centres and their interest groups. Everything staff see is scoped by centre.
import type { Database, Queryable } from './db.ts';
import { addOutbox } from './outbox.ts';
import { audit } from './audit.ts';
import { SMS_DETAIL_FIELDS } from '../domain/confidentiality.ts';
import { DEFAULT_INTEREST_GROUPS, groupName, type InterestGroup } from '../domain/interest-groups.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { DEFAULT_POLICE_CERTIFICATE_VALIDITY_MONTHS } from '../domain/police-certificate.ts';
import type { Locale } from '../domain/types.ts';

export async function ensureCentre(db: Queryable, centre: { id: string; name: string; requireApproval: boolean }): Promise<void> {
  await db.query(
    `INSERT INTO centres (id, name, require_approval) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
    [centre.id, centre.name, centre.requireApproval],
  );
  let order = 0;
  for (const g of DEFAULT_INTEREST_GROUPS) {
    await db.query(
      `INSERT INTO interest_groups (centre_id, key, name_nb, name_nn, name_en, sort_order) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [centre.id, g.key, g.nameNb, g.nameNn ?? null, g.nameEn, order++],
    );
  }
}

/**
 * Makes sure the declaration version this code ships is on record (signatures reference it). A new
 * version that volunteers signed an older one of is announced once, through the outbox: until they
 * sign again, they get no offers.
 */
export async function ensureDeclaration(db: Database, version = CURRENT_DECLARATION_VERSION): Promise<{ published: boolean }> {
  return db.transaction(async (tx) => {
    const inserted = await tx.query('INSERT INTO declarations (version) VALUES ($1) ON CONFLICT DO NOTHING RETURNING version', [version]);
    if (inserted.length === 0) return { published: false };
    const older = await tx.query('SELECT 1 FROM declaration_signatures WHERE version < $1 LIMIT 1', [version]);
    if (older.length === 0) return { published: false };
    await addOutbox(tx, 'declaration.published', String(version));
    await tx.query('UPDATE declarations SET announced_at = now() WHERE version = $1', [version]);
    return { published: true };
  });
}

export async function interestGroups(db: Queryable, centreIds: string[]): Promise<InterestGroup[]> {
  const rows = await db.query<{ key: string; name_nb: string; name_nn: string | null; name_en: string; police: boolean }>(
    `SELECT DISTINCT ON (key) key, name_nb, name_nn, name_en, sort_order, requires_police_certificate AS police
       FROM interest_groups WHERE centre_id = ANY($1::text[]) ORDER BY key, sort_order`,
    [centreIds],
  );
  return rows.map((r) => ({ key: r.key, nameNb: r.name_nb, nameNn: r.name_nn, nameEn: r.name_en, requiresPoliceCertificate: r.police }));
}

/**
 * A group's name as cards show it (the key when the group is unknown). Labels change rarely and every
 * card names one, so each process keeps them a minute per database and centre — a fan-out or a
 * «mine oppdrag» turn then reads none; a rename here is seen at once, one in another process within
 * that minute. Only for display: anything that decides (a group exists, needs a politiattest) asks
 * the table.
 */
export async function groupLabelOf(db: Queryable, centreId: string, key: string, locale: Locale): Promise<string> {
  let byCentre = labelCache.get(db);
  if (!byCentre) labelCache.set(db, (byCentre = new Map()));
  let entry = byCentre.get(centreId);
  const now = Date.now();
  if (!entry || now - entry.at > LABELS_KEPT_MS) {
    const groups = await interestGroups(db, [centreId]);
    entry = { at: now, labels: new Map(groups.map((g) => [g.key, { nb: groupName(g, 'nb'), nn: groupName(g, 'nn'), en: groupName(g, 'en') }])) };
    byCentre.set(centreId, entry);
  }
  return entry.labels.get(key)?.[locale] ?? key;
}

const LABELS_KEPT_MS = 60_000;
const labelCache = new WeakMap<Queryable, Map<string, { at: number; labels: Map<string, Record<Locale, string>> }>>();

function forgetLabels(db: Queryable, centreId: string): void {
  labelCache.get(db)?.delete(centreId);
}

/** The group's own politiattest rule, as domain/police-certificate's requiresPoliceCertificate reads it; null for an unknown group. */
export async function groupPoliceRequirement(db: Queryable, centreId: string, key: string): Promise<{ requiresPoliceCertificate: boolean } | null> {
  const rows = await db.query<{ police: boolean }>('SELECT requires_police_certificate AS police FROM interest_groups WHERE centre_id = $1 AND key = $2', [centreId, key]);
  return rows[0] ? { requiresPoliceCertificate: rows[0].police } : null;
}

/**
 * How long a volunteer's politiattest counts: at their centres, the shortest (the strictest centre
 * decides what the volunteer is told); the default without a centre.
 */
export async function policeValidityMonths(db: Queryable, centreIds: readonly string[]): Promise<number> {
  const rows = await db.query<{ months: number | null }>('SELECT min(police_certificate_validity_months) AS months FROM centres WHERE id = ANY($1::text[])', [[...centreIds]]);
  return rows[0]?.months ?? DEFAULT_POLICE_CERTIFICATE_VALIDITY_MONTHS;
}

export interface PoliceCertificateSettings {
  validityMonths: number;
  /** Keys of the groups whose every task requires a politiattest. */
  requiredGroups: string[];
}

export async function policeCertificateSettings(db: Queryable, centreId: string): Promise<PoliceCertificateSettings | null> {
  const rows = await db.query<{ months: number; groups: string[] | null }>(
    `SELECT c.police_certificate_validity_months AS months,
            (SELECT array_agg(g.key ORDER BY g.sort_order, g.key) FROM interest_groups g WHERE g.centre_id = c.id AND g.requires_police_certificate) AS groups
       FROM centres c WHERE c.id = $1`,
    [centreId],
  );
  return rows[0] ? { validityMonths: rows[0].months, requiredGroups: rows[0].groups ?? [] } : null;
}

/**
 * The coordinator's politiattest settings. A group that now requires one also requires it of its
 * requests still looking for a volunteer: the rule is about the work, not about when it was asked for.
 */
export async function savePoliceCertificateSettings(db: Database, centreId: string, settings: PoliceCertificateSettings, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('UPDATE centres SET police_certificate_validity_months = $2 WHERE id = $1', [centreId, settings.validityMonths]);
    await tx.query('UPDATE interest_groups SET requires_police_certificate = (key = ANY($2::text[])) WHERE centre_id = $1', [centreId, settings.requiredGroups]);
    await tx.query(
      `UPDATE help_requests SET police_certificate = true, updated_at = $3
        WHERE centre_id = $1 AND group_key = ANY($2::text[]) AND status IN ('open', 'waiting_consent') AND NOT police_certificate`,
      [centreId, settings.requiredGroups, at],
    );
  });
}

/** The centre's written standard for Norwegian (the municipality's language decision). */
export async function centreLocale(db: Queryable, centreId: string): Promise<'nb' | 'nn'> {
  const rows = await db.query<{ default_locale: 'nb' | 'nn' }>('SELECT default_locale FROM centres WHERE id = $1', [centreId]);
  return rows[0]?.default_locale ?? 'nb';
}

export async function saveCentreLocale(db: Queryable, centreId: string, locale: 'nb' | 'nn'): Promise<void> {
  await db.query('UPDATE centres SET default_locale = $2 WHERE id = $1', [centreId, locale]);
}

export async function listCentres(db: Queryable): Promise<Array<{ id: string; name: string; requireApproval: boolean }>> {
  const rows = await db.query<{ id: string; name: string; require_approval: boolean }>('SELECT id, name, require_approval FROM centres ORDER BY id');
  return rows.map((r) => ({ id: r.id, name: r.name, requireApproval: r.require_approval }));
}

export async function centreSettings(db: Queryable, centreId: string): Promise<{ requireApproval: boolean } | null> {
  const rows = await db.query<{ require_approval: boolean }>('SELECT require_approval FROM centres WHERE id = $1', [centreId]);
  return rows[0] ? { requireApproval: rows[0].require_approval } : null;
}

/** Renames a group, or adds one with a key made from its Norwegian name. Returns null for an unknown key. */
export async function saveInterestGroup(
  db: Queryable,
  input: { centreId: string; key: string | null; nameNb: string; nameNn: string | null; nameEn: string },
): Promise<{ key: string } | null> {
  forgetLabels(db, input.centreId);
  if (input.key) {
    const rows = await db.query<{ key: string }>(
      'UPDATE interest_groups SET name_nb = $3, name_en = $4, name_nn = $5 WHERE centre_id = $1 AND key = $2 RETURNING key',
      [input.centreId, input.key, input.nameNb, input.nameEn, input.nameNn],
    );
    return rows[0] ?? null;
  }
  const base =
    input.nameNb
      .toLowerCase()
      .normalize('NFKD')
      .replace(/æ/g, 'ae')
      .replace(/ø/g, 'o')
      .replace(/å/g, 'a')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 30) || 'gruppe';
  for (let n = 1; n < 100; n++) {
    const key = n === 1 ? base : `${base}-${n}`;
    const rows = await db.query<{ key: string }>(
      `INSERT INTO interest_groups (centre_id, key, name_nb, name_en, name_nn, sort_order)
       VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(max(sort_order), 0) + 1 FROM interest_groups WHERE centre_id = $1))
       ON CONFLICT DO NOTHING RETURNING key`,
      [input.centreId, key, input.nameNb, input.nameEn, input.nameNn],
    );
    if (rows[0]) return rows[0];
  }
  return null;
}

/** Whether the centre sends the assigned volunteer the name and address by SMS (off unless chosen). */
export async function sendsSmsDetails(db: Queryable, centreId: string): Promise<boolean> {
  const rows = await db.query<{ sms_details: boolean }>('SELECT sms_details FROM centres WHERE id = $1', [centreId]);
  return rows[0]?.sms_details === true;
}

/** The choice, and who made it when: a change of what personal data leaves by SMS is in the audit log. */
export async function setSmsDetails(db: Database, input: { centreId: string; on: boolean; by: string; at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    const changed = await tx.query('UPDATE centres SET sms_details = $2 WHERE id = $1 AND sms_details IS DISTINCT FROM $2 RETURNING id', [input.centreId, input.on]);
    if (changed.length === 0) return;
    await audit(tx, { actorId: input.by, action: 'centre.smsDetails', fields: input.on ? [...SMS_DETAIL_FIELDS] : [], channelId: null, at: input.at });
  });
}
