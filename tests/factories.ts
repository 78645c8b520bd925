// Builders for test worlds. Each call makes unique names so tests in one file can share a database.
import type { Insertable, Kysely } from 'kysely'
import type { DB, OrgKind } from '#db/schema.ts'
import { createAccount } from '#app/models/account.server.ts'
import { type Actor, loadActor } from '#app/models/policy.server.ts'
import { newId } from '#app/utils/id.ts'
import { usccCheckChar } from '#app/utils/uscc.ts'

let counter = 0
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`

export const TEST_PASSWORD = 'Tested-Pass-2026'

export async function makeAccount(db: Kysely<DB>, overrides: { email?: string; username?: string; displayName?: string; isNationalAdmin?: boolean } = {}) {
	const u = unique()
	return createAccount(
		db,
		{
			email: overrides.email ?? `user${u}@example.cn`,
			username: overrides.username ?? `user${u}`,
			displayName: overrides.displayName ?? `测试用户${u}`,
			password: TEST_PASSWORD,
		},
		{ isNationalAdmin: overrides.isNationalAdmin },
	)
}

/** A valid 统一社会信用代码 that no other test org has. */
export function makeUscc(): string {
	const digits = String(Math.floor(Math.random() * 1e9)).padStart(9, '0')
	const first17 = `91110000${digits}`
	return first17 + usccCheckChar(first17)
}

/** Inserts regions directly: a tiny fixture tree (a province, city, county, township, villages). */
export async function seedRegions(db: Kysely<DB>) {
	const rows: Array<{ code: string; name: string; level: 1 | 2 | 3 | 4 | 5; parentCode: string | null; isKeyCounty?: number }> = [
		{ code: '510000000000', name: '四川省', level: 1, parentCode: null },
		{ code: '513400000000', name: '凉山彝族自治州', level: 2, parentCode: '510000000000' },
		{ code: '513431000000', name: '昭觉县', level: 3, parentCode: '513400000000', isKeyCounty: 1 },
		{ code: '513431100000', name: '新城镇', level: 4, parentCode: '513431000000' },
		{ code: '513431100201', name: '三河村', level: 5, parentCode: '513431100000' },
		{ code: '513431100202', name: '火普村', level: 5, parentCode: '513431100000' },
		{ code: '513431101000', name: '谷曲乡', level: 4, parentCode: '513431000000' },
		{ code: '513431101201', name: '谷曲村', level: 5, parentCode: '513431101000' },
		{ code: '513432000000', name: '喜德县', level: 3, parentCode: '513400000000' },
		{ code: '513432100000', name: '光明镇', level: 4, parentCode: '513432000000' },
		{ code: '513432100201', name: '光明村', level: 5, parentCode: '513432100000' },
		{ code: '330000000000', name: '浙江省', level: 1, parentCode: null },
		{ code: '330100000000', name: '杭州市', level: 2, parentCode: '330000000000' },
		{ code: '110000000000', name: '北京市', level: 1, parentCode: null },
	]
	const existing = await db.selectFrom('region').select('code').where('code', 'in', rows.map((r) => r.code)).execute()
	const have = new Set(existing.map((r) => r.code))
	const fresh = rows.filter((r) => !have.has(r.code)).map((r) => ({ ...r, isKeyCounty: r.isKeyCounty ?? 0 }))
	if (fresh.length) await db.insertInto('region').values(fresh).execute()
}

/** An org inserted directly in the given status, with `account` as owner. */
export async function makeOrg(
	db: Kysely<DB>,
	kind: OrgKind,
	options: { regionCode?: string | null; status?: 'pending' | 'verified' | 'suspended' | 'rejected'; ownerId?: string; name?: string } = {},
) {
	const id = newId()
	const now = Date.now()
	const regionCode = options.regionCode === undefined ? null : options.regionCode
	await db
		.insertInto('organization')
		.values({
			id,
			kind,
			subtype: kind === 'mass_org' ? 'trade_union' : null,
			name: options.name ?? `${kind}-${unique()}`,
			uscc: kind === 'enterprise' ? makeUscc() : null,
			regionCode,
			villageCode: kind === 'village' ? regionCode : null,
			status: options.status ?? 'verified',
			statusReason: null,
			reviewedBy: null,
			reviewedAt: null,
			description: '',
			contactName: null,
			contactPhone: null,
			createdBy: options.ownerId ?? null,
			createdAt: now,
			updatedAt: now,
		})
		.execute()
	if (options.ownerId) await db.insertInto('membership').values({ orgId: id, accountId: options.ownerId, role: 'owner', createdAt: now }).execute()
	return id
}

/** Loads an Actor as the request helpers would. */
export async function actorFor(db: Kysely<DB>, accountId: string): Promise<Actor> {
	const actor = await loadActor(db, accountId)
	if (!actor) throw new Error(`no account ${accountId}`)
	return actor
}

/** An account that is an official of a verified government org for `regionCode`. */
export async function makeOfficial(db: Kysely<DB>, regionCode: string) {
	const account = await makeAccount(db)
	await makeOrg(db, 'government', { regionCode, ownerId: account.id })
	return actorFor(db, account.id)
}

export async function countRows(db: Kysely<DB>, table: keyof DB) {
	const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	return Number(row.n)
}

/** A published need's full row for a direct insert (tests that build worlds by hand); override any column. */
export function needRow(overrides: Partial<Insertable<DB['need']>> & Pick<Insertable<DB['need']>, 'villageOrgId' | 'villageCode'>): Insertable<DB['need']> {
	const now = Date.now()
	return {
		id: newId(now),
		title: '测试需求',
		description: '',
		category: 'industry',
		measure: 'amount',
		unit: null,
		target: 100_000,
		beneficiaries: 0,
		urgency: 'normal',
		neededBy: now + 30 * 86_400_000,
		status: 'published',
		statusNote: null,
		duplicateOf: null,
		reviewedBy: null,
		reviewedAt: null,
		submittedAt: now,
		publishedAt: now,
		closedAt: null,
		createdBy: 'test',
		createdAt: now,
		updatedAt: now,
		...overrides,
	}
}

