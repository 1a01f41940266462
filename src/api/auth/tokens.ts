/**
 * API tokens: the secret is shown once at creation and stored only as its sha256. Lookups are
 * cached briefly in memory so the data plane does not touch the database per request.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CoreErrors, invalid } from '../../core/errors.ts';
import type { EventBus } from '../../core/events.ts';
import { newId, randomSecret } from '../../core/ids.ts';
import type { Store } from '../../store/store.ts';
import { isRole, type Role } from './roles.ts';

export const tokenPrefix = 'slw_';
const cacheMs = 10_000;

export interface TokenInfo {
  id: string;
  name: string;
  role: Role;
  createdAt: number;
  revokedAt?: number;
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function adminTokenFile(home: string): string {
  return join(home, 'admin-token');
}

export class TokenService {
  private readonly cache = new Map<string, { info: TokenInfo | undefined; until: number }>();

  /**
   * A created or revoked token is a `token.created` / `token.revoked` event in the same
   * transaction; `onChange` runs after it commits (the trust mode depends on tokens).
   */
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly onChange: () => Promise<void> = async () => {},
  ) {}

  async create(options: {
    name: string;
    role: string;
    secret?: string;
  }): Promise<{ token: string; info: TokenInfo }> {
    if (!isRole(options.role)) throw invalid('role', `must be one of viewer, scientist, approver, admin`);
    if (!options.name || options.name.length > 128) throw invalid('name', 'must be 1 to 128 characters');
    const token = options.secret ?? tokenPrefix + randomSecret(32);
    const info: TokenInfo = {
      id: newId('tok-'),
      name: options.name,
      role: options.role,
      createdAt: this.store.clock.now(),
    };
    await this.store.transaction(async (tx) => {
      await tx.executor
        .insertInto('tokens')
        .values({
          id: info.id,
          name: info.name,
          hash: hashOf(token),
          role: info.role,
          created_at: info.createdAt,
          revoked_at: null,
        })
        .execute();
      await this.events.publish({
        resource: `token/${info.id}`,
        type: 'token.created',
        detail: { name: info.name, role: info.role },
        tx,
      });
    });
    await this.onChange();
    return { token, info };
  }

  /**
   * The cached answer for a token without waiting: its identity, undefined when it is known to be
   * unknown or revoked, or null when not cached (call verify). The data plane's per-request check.
   */
  cached(token: string): TokenInfo | undefined | null {
    const cached = this.cache.get(token);
    return cached && cached.until > Date.now() ? cached.info : null;
  }

  /** The token's identity, or undefined when it is unknown or revoked. */
  async verify(token: string): Promise<TokenInfo | undefined> {
    // Cached by the token itself (in memory only), so a hit costs no hashing on the data plane.
    const cached = this.cached(token);
    if (cached !== null) return cached;
    const hash = hashOf(token);
    const row = await this.store.db
      .selectFrom('tokens')
      .selectAll()
      .where('hash', '=', hash)
      .executeTakeFirst();
    const info = row && row.revoked_at === null ? toInfo(row) : undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(token, { info, until: Date.now() + cacheMs });
    return info;
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.store.db.selectFrom('tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toInfo);
  }

  async revoke(id: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const result = await tx.executor
        .updateTable('tokens')
        .set({ revoked_at: this.store.clock.now() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw CoreErrors.notFound({ kind: 'token', name: id });
      await this.events.publish({ resource: `token/${id}`, type: 'token.revoked', tx });
    });
    this.cache.clear();
    await this.onChange();
  }

  /**
   * First start: when no admin token exists, take `preset` (SLIPWAY_ADMIN_TOKEN) or make one, and
   * keep it in `<home>/admin-token` (mode 0600) for the CLI. Returns what was created, if anything.
   */
  async ensureInitialAdmin(options: {
    home: string;
    preset?: string;
  }): Promise<{ token: string; file: string } | undefined> {
    const adminExists = async () =>
      (
        await this.store.db
          .selectFrom('tokens')
          .select('id')
          .where('role', '=', 'admin')
          .where('revoked_at', 'is', null)
          .limit(1)
          .execute()
      ).length > 0;
    if (await adminExists()) return undefined;
    let token: string;
    try {
      ({ token } = await this.create({ name: 'initial-admin', role: 'admin', secret: options.preset }));
    } catch (error) {
      // Replicas starting together on an empty database: another one stored the preset first.
      if (await adminExists()) return undefined;
      throw error;
    }
    const file = adminTokenFile(options.home);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { token, file };
  }
}

/** Whether any live token other than an admin's exists. */
export async function hasNonAdminToken(store: Store): Promise<boolean> {
  const rows = await store.db
    .selectFrom('tokens')
    .select('id')
    .where('role', '!=', 'admin')
    .where('revoked_at', 'is', null)
    .limit(1)
    .execute();
  return rows.length > 0;
}

/** The admin token saved at first start, if this user can read it. */
export function readSavedAdminToken(home: string): string | undefined {
  const file = adminTokenFile(home);
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function toInfo(row: {
  id: string;
  name: string;
  role: string;
  created_at: number;
  revoked_at: number | null;
}): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? undefined : Number(row.revoked_at),
  };
}
