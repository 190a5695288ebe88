// Volunteer centres and their interest groups. Everything staff see is scoped by centre.
import type { Database, Queryable } from './db.ts';
import { addOutbox } from './outbox.ts';
import { DEFAULT_INTEREST_GROUPS, type InterestGroup } from '../domain/interest-groups.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';

export async function ensureCentre(db: Queryable, centre: { id: string; name: string; requireApproval: boolean }): Promise<void> {
  await db.query(
    `INSERT INTO centres (id, name, require_approval) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
    [centre.id, centre.name, centre.requireApproval],
  );
  let order = 0;
  for (const g of DEFAULT_INTEREST_GROUPS) {
    await db.query(
      `INSERT INTO interest_groups (centre_id, key, name_nb, name_en, sort_order) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [centre.id, g.key, g.nameNb, g.nameEn, order++],
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
  const rows = await db.query<{ key: string; name_nb: string; name_en: string }>(
    `SELECT DISTINCT ON (key) key, name_nb, name_en, sort_order FROM interest_groups WHERE centre_id = ANY($1::text[]) ORDER BY key, sort_order`,
    [centreIds],
  );
  return rows.map((r) => ({ key: r.key, nameNb: r.name_nb, nameEn: r.name_en }));
}

export async function listCentres(db: Queryable): Promise<Array<{ id: string; name: string; requireApproval: boolean }>> {
  const rows = await db.query<{ id: string; name: string; require_approval: boolean }>('SELECT id, name, require_approval FROM centres ORDER BY id');
  return rows.map((r) => ({ id: r.id, name: r.name, requireApproval: r.require_approval }));
}

export async function centreSettings(db: Queryable, centreId: string): Promise<{ requireApproval: boolean } | null> {
  const rows = await db.query<{ require_approval: boolean }>('SELECT require_approval FROM centres WHERE id = $1', [centreId]);
  return rows[0] ? { requireApproval: rows[0].require_approval } : null;
}
