// Builds search documents from database rows. This file decides what is public: a record that is
// not returned here is removed from the index by the drain.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { committedByNeed, committedByOffer } from '#app/models/commitment/sum-commitment.server.ts'
import { PROJECT_STATUSES } from '#app/models/marketplace-vocab.ts'
import { capacityFigures, pairedRegionCodes } from '#app/models/offer.server.ts'
import { fullNames, isInKeyCounty, keyCountiesAmong } from '#app/models/region.server.ts'
import { type SearchDocument, type SearchType, regionPrefixesOf } from './port.ts'

/**
 * Statuses that are indexed. Closed and expired needs stay searchable so lists can show them on
 * request (filter by status); drafts, submissions under review, returned, rejected, cancelled and
 * duplicate needs are never public. Offers: everything but draft and withdrawn ('exhausted' is
 * listed in case it becomes a stored status; today offer.server.ts derives it for display). Projects are public in every status.
 */
export const PUBLIC_STATUSES: Record<SearchType, readonly string[]> = {
	need: ['published', 'closed', 'expired'],
	offer: ['active', 'paused', 'expired', 'exhausted'],
	project: PROJECT_STATUSES,
}

/**
 * Whether a record in this status is public (indexed, listed). NOTE: the queries by id check it in
 * code rather than in SQL: SQLite without statistics answers `id IN (…) AND status IN (…)` from
 * a status index instead of the primary key and reads every public row (80 ms for a page of 20
 * cards at national scale, and 74 s to fill the needs index).
 */
export function isPublic(type: SearchType, status: string): boolean {
	return PUBLIC_STATUSES[type].includes(status)
}

const IN_LIST_CHUNK = 500

function chunks<T>(items: T[], size = IN_LIST_CHUNK): T[][] {
	const out: T[][] = []
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
	return out
}

function inKeyCounty(codes: string[], keys: Set<string>): boolean {
	return codes.some((c) => isInKeyCounty(c, keys))
}

/** Place names and the organization's name go into the body, so "昭觉 蔬菜" finds what it says. */
function bodyOf(description: string, orgName: string, codes: string[], names: Map<string, string>): string {
	return [description, orgName, ...codes.map((c) => names.get(c)).filter((n): n is string => !!n)].join('\n')
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
	const out = new Map<string, T[]>()
	for (const r of rows) {
		const k = key(r)
		const list = out.get(k)
		if (list) list.push(r)
		else out.set(k, [r])
	}
	return out
}

/**
 * The search documents of the given records that are public; ids that are missing or not public
 * are left out (the caller removes them from the index).
 */
export async function loadSearchDocuments(db: Kysely<DB>, type: SearchType, ids: string[]): Promise<SearchDocument[]> {
	const unique = [...new Set(ids)]
	const out: SearchDocument[] = []
	for (const part of chunks(unique)) {
		if (type === 'need') out.push(...(await loadNeeds(db, part)))
		else if (type === 'offer') out.push(...(await loadOffers(db, part)))
		else out.push(...(await loadProjects(db, part)))
	}
	return out
}

async function loadNeeds(db: Kysely<DB>, ids: string[]): Promise<SearchDocument[]> {
	const rows = await db
		.selectFrom('need')
		.innerJoin('organization as org', 'org.id', 'need.villageOrgId')
		.select([
			'need.id',
			'need.title',
			'need.description',
			'need.category',
			'need.villageCode',
			'need.status',
			'need.urgency',
			'need.target',
			'need.neededBy',
			'need.publishedAt',
			'need.createdAt',
			'need.villageOrgId',
			'org.kind as orgKind',
			'org.name as orgName',
		])
		.where('need.id', 'in', ids)
		.execute()
		.then((all) => all.filter((r) => isPublic('need', r.status)))
	if (!rows.length) return []
	const codes = rows.map((r) => r.villageCode)
	const [keys, names, committed] = await Promise.all([keyCountiesAmong(db, codes), fullNames(db, codes), committedByNeed(db, rows.map((r) => r.id))])
	return rows.map((r) => ({
		id: r.id,
		type: 'need',
		title: r.title,
		body: bodyOf(r.description, r.orgName, [r.villageCode], names),
		categories: [r.category],
		regionCodes: [r.villageCode],
		regionPrefixes: regionPrefixesOf([r.villageCode]),
		status: r.status,
		urgency: r.urgency,
		orgId: r.villageOrgId,
		orgKind: r.orgKind,
		isKeyCounty: inKeyCounty([r.villageCode], keys),
		createdAt: Number(r.publishedAt ?? r.createdAt),
		neededBy: Number(r.neededBy),
		// The gap left: target minus accepted-or-later commitments (every commitment change
		// enqueues its need and offer, commitment/notify-commitment.server.ts).
		remaining: Math.max(Number(r.target) - (committed.get(r.id) ?? 0), 0),
	}))
}

async function loadOffers(db: Kysely<DB>, ids: string[]): Promise<SearchDocument[]> {
	const rows = await db
		.selectFrom('offer')
		.innerJoin('organization as org', 'org.id', 'offer.providerOrgId')
		.select([
			'offer.id',
			'offer.title',
			'offer.description',
			'offer.capacity',
			'offer.coverage',
			'offer.status',
			'offer.publishedAt',
			'offer.createdAt',
			'offer.providerOrgId',
			'org.kind as orgKind',
			'org.name as orgName',
		])
		.where('offer.id', 'in', ids)
		.execute()
		.then((all) => all.filter((r) => isPublic('offer', r.status)))
	if (!rows.length) return []
	const offerIds = rows.map((r) => r.id)
	const [categoryRows, regionRows] = await Promise.all([
		db.selectFrom('offerCategory').select(['offerId', 'category']).where('offerId', 'in', offerIds).orderBy('category').execute(),
		db.selectFrom('offerRegion').select(['offerId', 'regionCode']).where('offerId', 'in', offerIds).orderBy('regionCode').execute(),
	])
	const categories = groupBy(categoryRows, (r) => r.offerId)
	const regions = groupBy(regionRows, (r) => r.offerId)

	// 'pairings' coverage is resolved now; pairing.server.ts enqueues these offers again whenever
	// a pairing of their provider starts or ends.
	const pairingRegions = new Map<string, string[]>()
	for (const orgId of new Set(rows.filter((r) => r.coverage === 'pairings').map((r) => r.providerOrgId))) {
		pairingRegions.set(orgId, [...new Set(await pairedRegionCodes(db, orgId))].sort())
	}

	const codesOf = new Map<string, string[]>()
	for (const r of rows) {
		const codes =
			r.coverage === 'regions' ? (regions.get(r.id) ?? []).map((x) => x.regionCode) : r.coverage === 'pairings' ? (pairingRegions.get(r.providerOrgId) ?? []) : []
		// A 'pairings' offer whose provider has no pairing left covers nowhere: not indexed (an
		// empty list would read as nationwide).
		if (r.coverage === 'pairings' && !codes.length) continue
		codesOf.set(r.id, codes)
	}
	const allCodes = [...new Set([...codesOf.values()].flat())]
	const [keys, names, used] = await Promise.all([keyCountiesAmong(db, allCodes), fullNames(db, allCodes), committedByOffer(db, [...codesOf.keys()])])
	return rows.flatMap((r) => {
		const codes = codesOf.get(r.id)
		if (!codes) return []
		return {
			id: r.id,
			type: 'offer',
			title: r.title,
			body: bodyOf(r.description, r.orgName, codes, names),
			categories: (categories.get(r.id) ?? []).map((c) => c.category),
			// Empty for nationwide offers.
			regionCodes: codes,
			regionPrefixes: regionPrefixesOf(codes),
			status: r.status,
			orgId: r.providerOrgId,
			orgKind: r.orgKind,
			isKeyCounty: inKeyCounty(codes, keys),
			createdAt: Number(r.publishedAt ?? r.createdAt),
			remaining: capacityFigures(r.capacity === null ? null : Number(r.capacity), used.get(r.id) ?? 0).remaining,
		} satisfies SearchDocument
	})
}

async function loadProjects(db: Kysely<DB>, ids: string[]): Promise<SearchDocument[]> {
	const rows = await db
		.selectFrom('project')
		.innerJoin('organization as org', 'org.id', 'project.enterpriseOrgId')
		.select([
			'project.id',
			'project.title',
			'project.description',
			'project.type',
			'project.status',
			'project.createdAt',
			'project.enterpriseOrgId',
			'org.kind as orgKind',
			'org.name as orgName',
		])
		.where('project.id', 'in', ids)
		.execute()
		.then((all) => all.filter((r) => isPublic('project', r.status)))
	if (!rows.length) return []
	const villageRows = await db
		.selectFrom('projectVillage')
		.select(['projectId', 'villageCode'])
		.where('projectId', 'in', rows.map((r) => r.id))
		.orderBy('villageCode')
		.execute()
	const villages = groupBy(villageRows, (r) => r.projectId)
	const allCodes = [...new Set(villageRows.map((r) => r.villageCode))]
	const [keys, names] = await Promise.all([keyCountiesAmong(db, allCodes), fullNames(db, allCodes)])
	return rows.map((r) => {
		const codes = (villages.get(r.id) ?? []).map((v) => v.villageCode)
		return {
			id: r.id,
			type: 'project',
			title: r.title,
			body: bodyOf(r.description, r.orgName, codes, names),
			// The project type (industry / public_welfare) is the category facet of projects.
			categories: [r.type],
			regionCodes: codes,
			regionPrefixes: regionPrefixesOf(codes),
			status: r.status,
			orgId: r.enterpriseOrgId,
			orgKind: r.orgKind,
			isKeyCounty: inKeyCounty(codes, keys),
			createdAt: Number(r.createdAt),
		} satisfies SearchDocument
	})
}

/**
 * Every public document of a type, in batches in id order (keyset pagination, so a table that
 * changes meanwhile is neither skipped nor repeated). Used to rebuild and to fill the embedded index.
 */
export async function* iterateSearchDocuments(db: Kysely<DB>, type: SearchType, batch = 500): AsyncGenerator<SearchDocument[]> {
	let after = ''
	for (;;) {
		// Every row in id order (the primary key), the public ones kept: see isPublic.
		const rows = await idsAfter(db, type, after, batch)
		const ids = rows.filter((r) => isPublic(type, r.status)).map((r) => r.id)
		if (ids.length) yield await loadSearchDocuments(db, type, ids)
		if (rows.length < batch) return
		after = rows[rows.length - 1].id
	}
}

function idsAfter(db: Kysely<DB>, type: SearchType, after: string, limit: number) {
	// The three tables share the shape this needs; spelled out per table to stay type-checked.
	if (type === 'need') return db.selectFrom('need').select(['id', 'status']).where('id', '>', after).orderBy('id').limit(limit).execute()
	if (type === 'offer') return db.selectFrom('offer').select(['id', 'status']).where('id', '>', after).orderBy('id').limit(limit).execute()
	return db.selectFrom('project').select(['id', 'status']).where('id', '>', after).orderBy('id').limit(limit).execute()
}
