import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { DB, Region } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { recordEvent } from './event.server.ts'
import type { Actor } from './policy.server.ts'
import { ancestorCodes, codeAtLevel, isRegionCode, levelOfCode, regionPrefix } from './region-code.ts'

// NOTE: the region key is (code, level). Where NBS has no real division at a level, the parent
// reappears one level down with the same code (东莞市 as its own county; 金门县's placeholder
// township and village). A code therefore names its highest row; the repeats are kept so every
// village has five levels above and including it, and are hidden when browsing.

/**
 * Join condition for "the region this code names": the row that is not a same-code repeat of its
 * parent. Use it whenever a query joins `region` on a code, or a repeated code doubles the rows.
 */
export function isNamedRow(alias: string): RawBuilder<SqlBool> {
	return sql<SqlBool>`(${sql.ref(`${alias}.parentCode`)} is null or ${sql.ref(`${alias}.parentCode`)} <> ${sql.ref(`${alias}.code`)})`
}

/**
 * `column` (a 12-digit region code, camelCase reference) lies within the region `code` (any
 * level): the range of codes from `code`'s prefix padded with 0s to it padded with 9s. The same
 * rows as `LIKE 'prefix%'`, but SQLite uses an index for the range and not for the LIKE (its LIKE
 * ignores case, so a binary index does not fit it): a county official's header count of needs to
 * review read every submitted need.
 */
export function withinRegion(column: string, code: string): RawBuilder<SqlBool> {
	const prefix = regionPrefix(code)
	return sql<SqlBool>`(${sql.ref(column)} >= ${prefix.padEnd(12, '0')} and ${sql.ref(column)} <= ${prefix.padEnd(12, '9')})`
}

/** The region a code names: its highest row. */
export async function getRegion(db: Kysely<DB>, code: string): Promise<Region | undefined> {
	if (!isRegionCode(code)) return undefined
	return db.selectFrom('region').selectAll().where('code', '=', code).orderBy('level').limit(1).executeTakeFirst()
}

/** Province first; neither the region itself nor a repeat of the same code is included. */
export async function listAncestors(db: Kysely<DB>, code: string): Promise<Region[]> {
	const codes = ancestorCodes(code).filter((c) => c !== code)
	if (!codes.length) return []
	const rows = await db.selectFrom('region').selectAll().where('code', 'in', codes).orderBy('level').execute()
	const seen = new Set<string>()
	return rows.filter((r) => !seen.has(r.code) && seen.add(r.code))
}

/** The divisions directly below a region (provinces for null), skipping same-code repeats. */
export async function listChildren(db: Kysely<DB>, code: string | null) {
	let q = db.selectFrom('region').selectAll()
	q = code ? q.where('parentCode', '=', code).where('code', '<>', code) : q.where('level', '=', 1)
	return q.orderBy('code').execute()
}

/** "四川省 凉山彝族自治州 昭觉县" style full names for a set of codes, in one query. */
export async function fullNames(db: Kysely<DB>, codes: string[]): Promise<Map<string, string>> {
	const all = new Set<string>()
	for (const c of codes) {
		if (!isRegionCode(c)) continue
		all.add(c)
		for (const a of ancestorCodes(c)) all.add(a)
	}
	if (!all.size) return new Map()
	const names = new Map<string, string>()
	// NOTE: chunked below 1,000 codes: MariaDB turns a longer IN list into a join with a temporary
	// table (in_predicate_conversion_threshold) and then reads all 665,000 regions (0.6 s for 500
	// villages' names instead of 5 ms).
	const codeList = [...all]
	for (let i = 0; i < codeList.length; i += 500) {
		const rows = await db.selectFrom('region').select(['code', 'name']).where('code', 'in', codeList.slice(i, i + 500)).execute()
		for (const r of rows) names.set(r.code, r.name)
	}
	const unique = (parts: string[]) => parts.filter((p, i) => p !== parts[i - 1])
	const out = new Map<string, string>()
	for (const c of codes) {
		if (!names.has(c)) continue
		// 市辖区 / 县 are NBS placeholders for municipalities' districts: leave them out of the path.
		const parts = [...ancestorCodes(c), c].map((x) => names.get(x)).filter((n): n is string => !!n && n !== '市辖区' && n !== '县')
		out.set(c, unique(parts).join(' '))
	}
	return out
}

/** Regions whose name contains `q`, optionally within a region, higher levels first. */
export async function searchRegions(db: Kysely<DB>, q: string, options: { within?: string; level?: number; limit?: number } = {}) {
	const term = q.trim()
	if (!term) return []
	let query = db
		.selectFrom('region')
		.selectAll()
		.where('name', 'like', `%${term.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)
	if (options.within && isRegionCode(options.within)) query = query.where('code', 'like', `${regionPrefix(options.within)}%`)
	if (options.level) query = query.where('level', '=', options.level as Region['level'])
	return query.orderBy('level').orderBy('code').limit(options.limit ?? 30).execute()
}

export async function countRegionsByLevel(db: Kysely<DB>) {
	const rows = await db.selectFrom('region').select(['level', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('level').execute()
	return Object.fromEntries(rows.map((r) => [r.level, Number(r.n)])) as Record<number, number>
}

export async function listKeyCounties(db: Kysely<DB>, within?: string) {
	let q = db.selectFrom('region').selectAll().where('isKeyCounty', '=', 1)
	if (within && isRegionCode(within)) q = q.where('code', 'like', `${regionPrefix(within)}%`)
	return q.orderBy('code').execute()
}

/** 国家乡村振兴重点帮扶县 is a national designation: only a national admin changes it. */
export async function setKeyCounty(db: Kysely<DB>, code: string, isKey: boolean, actor: Actor, now = Date.now()) {
	if (!actor.isNationalAdmin) throw AppError.forbidden('errors.national_admin_only')
	return db.transaction().execute(async (trx) => {
		const result = await trx
			.updateTable('region')
			.set({ isKeyCounty: isKey ? 1 : 0 })
			.where('code', '=', code)
			.where('level', '=', 3)
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const region = await trx.selectFrom('region').select('level').where('code', '=', code).executeTakeFirst()
			if (!region) throw AppError.notFound()
			if (region.level !== 3) throw AppError.invalid({ code: 'errors.not_a_county' })
		}
		await recordEvent(trx, { entityType: 'region', entityId: code, action: 'set_key_county', toState: isKey ? 'key' : 'not_key', actorAccountId: actor.accountId, requestId: actor.requestId }, now)
	})
}

/** The national key counties (their level-3 codes) among the counties of `codes`. */
export async function keyCountiesAmong(db: Kysely<DB>, codes: string[]): Promise<Set<string>> {
	const counties = [...new Set(codes.filter((c) => (levelOfCode(c) ?? 0) >= 3).map((c) => codeAtLevel(c, 3)))]
	const out = new Set<string>()
	// Chunked: an offer can list many regions and IN lists have practical limits.
	for (let i = 0; i < counties.length; i += 500) {
		// NOTE: level = 3 picks the county row; a city without counties (东莞市) repeats its code there.
		const rows = await db.selectFrom('region').select('code').where('level', '=', 3).where('code', 'in', counties.slice(i, i + 500)).where('isKeyCounty', '=', 1).execute()
		for (const r of rows) out.add(r.code)
	}
	return out
}

/** Whether a region lies in one of `keys` (from keyCountiesAmong). */
export function isInKeyCounty(code: string, keys: Set<string>): boolean {
	return (levelOfCode(code) ?? 0) >= 3 && keys.has(codeAtLevel(code, 3))
}
