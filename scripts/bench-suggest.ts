// npm run bench:suggest                    SQLite: a temporary database file under the OS temp dir
// DATABASE_URL=mysql://user@host/x npm run bench:suggest   MySQL: a fresh database on that server
//                                          (the name in the URL is replaced), dropped afterwards
// Builds a marketplace of realistic size on the real divisions (all townships, the villages of
// 贵州), ~2,000 provider orgs, pairings, 50,000 active offers and 200 published needs, then times
// suggestOffersForNeed for each need (warm-up first) and prints figures. Prints, never asserts:
// the figures go to docs/suggestions.md. Same seed, same data. BENCH_KEEP=1 keeps the database
// (SQLite file or MySQL database) for looking at query plans.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'
import type { CommitmentStatus, DB, Measure, OfferCoverage, OfferStatus, OrgKind, Urgency } from '#db/schema.ts'
import { NEED_CATEGORIES, categoryMask } from '#app/models/marketplace-vocab.ts'
import { unsafeSeedEastWest } from '#app/models/pairing.server.ts'
import { importDivisions, seedKeyCounties } from '#app/models/region-import.server.ts'
import { suggestNeedsForOffer, suggestOffersForNeed } from '#app/models/suggestion.server.ts'
import { iterateSearchDocuments } from '#app/search/documents.server.ts'
import { createEmbeddedSearchEngine } from '#app/search/embedded.server.ts'
import type { RelevanceHit, SearchEngine } from '#app/search/port.ts'
import { DAY_MS, chinaDayStart } from '#app/utils/china-date.ts'
import { type Dialect, createDb, dialectOf, ensureMysqlDatabase } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/id.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { CATEGORY_WEIGHTS, TOPICS, UNIT_OF, insertAll, seededRandom } from './bench-util.ts'

const KEEP = process.env.BENCH_KEEP === '1'
const SIZES = { providers: 2_000, activeOffers: 50_000, otherOffers: 5_000, needs: 200, pastNeeds: 1_000, commitments: 15_000, warmup: 20 }

// ---------------------------------------------------------------------------------------------
// Deterministic randomness (mulberry32)

const { random, int, pick, weighted, sample } = seededRandom(20261123)

// ---------------------------------------------------------------------------------------------
// Database

type Handle = { db: Kysely<DB>; dialect: Dialect; where: string; cleanup: () => Promise<void> }

async function openDatabase(): Promise<Handle> {
	const url = process.env.DATABASE_URL?.trim()
	if (url && dialectOf(url) === 'mysql') {
		const target = new URL(url)
		const name = `bangfu_bench_${process.pid}`
		target.pathname = `/${name}`
		await ensureMysqlDatabase(target.toString())
		const handle = createDb(target.toString(), { poolSize: 10 })
		return {
			db: handle.db,
			dialect: 'mysql',
			where: `mysql ${target.host}/${name}`,
			cleanup: async () => {
				if (!KEEP) await sql.raw(`DROP DATABASE IF EXISTS \`${name}\``).execute(handle.db)
				await handle.destroy()
			},
		}
	}
	const file = path.join(os.tmpdir(), `bangfu-bench-suggest-${process.pid}.db`)
	const handle = createDb(`file:${file}`)
	return {
		db: handle.db,
		dialect: 'sqlite',
		where: `sqlite ${file}`,
		cleanup: async () => {
			await handle.destroy()
			if (!KEEP) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
		},
	}
}

async function codesAt(db: Kysely<DB>, level: 1 | 2 | 3 | 4 | 5, prefix = '') {
	let q = db.selectFrom('region').select(['code', 'name', 'parentCode']).where('level', '=', level)
	if (prefix) q = q.where('code', '>=', prefix.padEnd(12, '0')).where('code', '<=', prefix.padEnd(12, '9'))
	const rows = await q.orderBy('code').execute()
	// A code repeated one level down (a city without counties) is not a division of its own.
	return rows.filter((r) => r.parentCode !== r.code)
}

// ---------------------------------------------------------------------------------------------
// The world

async function buildWorld(db: Kysely<DB>, dialect: Dialect, now: number) {
	const t0 = performance.now()
	await migrateToLatest(db)
	const divisions = await importDivisions(db, dialect, { villageProvinces: ['52'] })
	const keyCounties = await seedKeyCounties(db)
	const tRegions = performance.now()

	const provinces = await codesAt(db, 1)
	const gzCities = await codesAt(db, 2, '52')
	const gzCounties = await codesAt(db, 3, '52')
	const gzTownships = await codesAt(db, 4, '52')
	const gzVillages = await codesAt(db, 5, '52')
	const gdCities = await codesAt(db, 2, '44')
	const gdCounties = await codesAt(db, 3, '44')
	const allCounties = await codesAt(db, 3)
	const otherProvinces = provinces.filter((p) => !p.code.startsWith('52'))

	const base = { subtype: null, uscc: null, villageCode: null, status: 'verified', statusReason: null, reviewedBy: null, reviewedAt: null, description: '', contactName: null, contactPhone: null, isDemo: 0, createdBy: null, createdAt: now, updatedAt: now }
	const KIND_COUNTS: Array<[OrgKind, number]> = [
		['central_unit', 150],
		['east_west_partner', 200],
		['mass_org', 250],
		['enterprise', 1_000],
		['social_org', 400],
	]
	const providers: Array<{ id: string; kind: OrgKind; regionCode: string | null }> = []
	for (const [kind, n] of KIND_COUNTS) {
		for (let i = 0; i < n; i++) {
			let regionCode: string | null
			if (kind === 'central_unit') regionCode = random() < 0.8 ? '110000000000' : null
			else if (kind === 'east_west_partner') regionCode = i === 0 ? '440000000000' : i < 22 ? gdCities[i % gdCities.length].code : pick(gdCounties).code
			else if (kind === 'mass_org') regionCode = weighted({ gz: 5, national: 3, other: 2 }) === 'gz' ? pick([...gzCities, ...gzCounties]).code : random() < 0.6 ? null : pick(otherProvinces).code
			else {
				const where = weighted({ gzCounty: 35, gdCounty: 20, elsewhere: 30, none: 15 })
				regionCode = where === 'gzCounty' ? pick(gzCounties).code : where === 'gdCounty' ? pick(gdCounties).code : where === 'elsewhere' ? pick(allCounties).code : null
			}
			providers.push({ id: newId(now), kind, regionCode })
		}
	}
	await insertAll(
		db,
		'organization',
		providers.map((p, i) => ({ ...base, id: p.id, kind: p.kind, regionCode: p.regionCode, name: `${p.kind}-${i}`, subtype: p.kind === 'mass_org' ? 'trade_union' : null })),
	)

	// Needs sit in 1,000 villages; a fifth of them hold this bench's published needs.
	const villages = sample(gzVillages, SIZES.pastNeeds)
	// NBS names villages by their committee (三河村村民委员会); titles use the short name.
	const villageOrgs = villages.map((v) => ({ id: newId(now), code: v.code, name: v.name.replace(/(村民|居民)委员会$/, '') }))
	await insertAll(
		db,
		'organization',
		villageOrgs.map((v) => ({ ...base, id: v.id, kind: 'village', regionCode: v.code, villageCode: v.code, name: `${v.name}村委会` })),
	)
	const needVillages = villageOrgs.slice(0, SIZES.needs)

	// Pairings: the 2021 province-level East–West map, city and county pairs 广东 → 贵州, 定点帮扶
	// of 贵州 counties by the central units, 结对 of villages by enterprises and social orgs.
	await unsafeSeedEastWest(db, now)
	const pairing = (p: { kind: 'targeted' | 'east_west' | 'twinning'; providerOrgId?: string; providerRegionCode?: string; recipientRegionCode: string }) => ({
		id: newId(now),
		kind: p.kind,
		providerOrgId: p.providerOrgId ?? null,
		providerRegionCode: p.providerRegionCode ?? null,
		recipientRegionCode: p.recipientRegionCode,
		startedYear: 2021,
		note: '',
		status: 'active',
		createdBy: null,
		createdAt: now,
		endedBy: null,
		endedAt: null,
	})
	const pairings = [
		...gzCities.map((c, i) => pairing({ kind: 'east_west', providerRegionCode: gdCities[i % gdCities.length].code, recipientRegionCode: c.code })),
		...sample(gzCounties, 60).map((c) => pairing({ kind: 'east_west', providerRegionCode: pick(gdCounties).code, recipientRegionCode: c.code })),
		...providers.filter((p) => p.kind === 'central_unit').flatMap((p) => sample(gzCounties, int(1, 2)).map((c) => pairing({ kind: 'targeted', providerOrgId: p.id, recipientRegionCode: c.code }))),
		...sample(
			providers.filter((p) => p.kind === 'enterprise' || p.kind === 'social_org'),
			700,
		).flatMap((p) =>
			Array.from({ length: int(1, 3) }, () => pairing({ kind: 'twinning', providerOrgId: p.id, recipientRegionCode: random() < 0.3 ? pick(needVillages).code : pick(gzVillages).code })),
		),
	]
	await insertAll(db, 'pairing', pairings)
	const paired = new Set(pairings.map((p) => p.providerOrgId).filter(Boolean))
	for (const p of providers) if (p.kind === 'east_west_partner') paired.add(p.id)

	// Offers: nationwide, listed regions (half in 贵州, at every level; half elsewhere) or pairings.
	const offers: object[] = []
	const offerCategories: object[] = []
	const offerRegions: object[] = []
	const offerIdsByProvider = new Map<string, string[]>()
	const today = chinaDayStart(now)
	for (let i = 0; i < SIZES.activeOffers + SIZES.otherOffers; i++) {
		const provider = pick(providers)
		const id = newId(now)
		const categories = [...new Set(Array.from({ length: int(1, 3) }, () => weighted(CATEGORY_WEIGHTS)))]
		const measure: Measure = random() < 0.6 ? 'amount' : 'quantity'
		const coverage: OfferCoverage = paired.has(provider.id) && random() < 0.45 ? 'pairings' : weighted({ nationwide: 40, regions: 60 })
		const status: OfferStatus = i < SIZES.activeOffers ? 'active' : pick(['paused', 'expired', 'draft', 'withdrawn'] as const)
		offers.push({
			id,
			providerOrgId: provider.id,
			title: `${pick(TOPICS[categories[0]])}${pick(['帮扶资金', '专项', '行动', '计划', '支持项目', ''])}`,
			description: categories.map((c) => pick(TOPICS[c])).join('、'),
			measure,
			unit: measure === 'quantity' ? pick(UNIT_OF[categories[0]]) : null,
			capacity: random() < 0.25 ? null : measure === 'amount' ? int(10_000, 5_000_000) * 100 : int(10, 2_000),
			coverage,
			categoryMask: categoryMask(categories),
			validFrom: today - int(0, 180) * DAY_MS,
			validUntil: status === 'expired' ? today - int(1, 60) * DAY_MS : today + int(1, 400) * DAY_MS,
			status,
			statusNote: null,
			publishedAt: status === 'draft' ? null : now,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
		for (const category of categories) offerCategories.push({ offerId: id, category })
		if (coverage === 'regions') {
			const codes = new Set<string>()
			for (let k = int(1, 3); k > 0; k--) {
				const level = weighted({ province: 30, city: 15, county: 25, township: 10, village: 20 })
				const inGz = random() < 0.5
				codes.add(
					level === 'province'
						? (inGz ? '520000000000' : pick(otherProvinces).code)
						: level === 'city'
							? pick(inGz ? gzCities : gdCities).code
							: level === 'county'
								? pick(inGz ? gzCounties : allCounties).code
								: level === 'township'
									? pick(gzTownships).code
									: pick(gzVillages).code,
				)
			}
			for (const regionCode of codes) offerRegions.push({ offerId: id, regionCode })
		}
		if (status === 'active') offerIdsByProvider.set(provider.id, [...(offerIdsByProvider.get(provider.id) ?? []), id])
	}
	await insertAll(db, 'offer', offers)
	await insertAll(db, 'offerCategory', offerCategories)
	await insertAll(db, 'offerRegion', offerRegions)

	// Needs: 200 published (timed), 800 closed ones that carry the providers' delivery record.
	const needs: Array<Record<string, unknown>> = []
	for (let i = 0; i < SIZES.pastNeeds; i++) {
		const village = villageOrgs[i]
		const category = weighted(CATEGORY_WEIGHTS)
		const measure: Measure = random() < 0.6 ? 'amount' : 'quantity'
		needs.push({
			id: newId(now),
			villageOrgId: village.id,
			villageCode: village.code,
			title: `${village.name}${pick(TOPICS[category])}${pick(['', '项目', '需求', '急需支持'])}`,
			description: `${pick(TOPICS[category])}，${pick(TOPICS[category])}`,
			category,
			measure,
			unit: measure === 'quantity' ? pick(UNIT_OF[category]) : null,
			target: measure === 'amount' ? int(5_000, 2_000_000) * 100 : int(5, 500),
			beneficiaries: int(10, 2_000),
			urgency: weighted<Urgency>({ low: 2, normal: 5, high: 2, critical: 1 }),
			neededBy: today + int(5, 300) * DAY_MS,
			status: i < SIZES.needs ? 'published' : 'closed',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: now,
			submittedAt: now,
			publishedAt: now,
			closedAt: i < SIZES.needs ? null : now,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
	}
	await insertAll(db, 'need', needs)

	// Commitments of 60% of the providers: verified on time or late, overdue, open, declined.
	const committing = sample(providers, Math.round(providers.length * 0.6))
	const commitments: object[] = []
	for (let i = 0; i < SIZES.commitments; i++) {
		const provider = pick(committing)
		const need = i < 300 ? needs[i % SIZES.needs] : needs[int(SIZES.needs, needs.length - 1)]
		const status = weighted<CommitmentStatus>({ verified: 30, closed: 20, accepted: 12, in_delivery: 10, delivered: 5, disputed: 2, declined: 8, withdrawn: 5, pledged: 5, lapsed: 3 })
		const dueAt = now + int(-300, 120) * DAY_MS
		const verified = status === 'verified' || status === 'closed'
		const ownOffers = offerIdsByProvider.get(provider.id)
		commitments.push({
			id: newId(now),
			needId: need.id,
			offerId: ownOffers && random() < 0.3 ? pick(ownOffers) : null,
			providerOrgId: provider.id,
			villageOrgId: need.villageOrgId,
			villageCode: need.villageCode,
			amount: need.measure === 'amount' ? int(1_000, 50_000) * 100 : int(1, 20),
			deliveredAmount: null,
			status,
			message: '',
			dueAt,
			lapseAt: dueAt,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: now,
			deliveryStartedAt: null,
			deliveredAt: null,
			verifiedAt: verified ? dueAt + int(-30, 20) * DAY_MS : null,
			verifiedBy: null,
			closedAt: null,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
	}
	await insertAll(db, 'commitment', commitments)
	// NOTE: no ANALYZE: the app never runs it, so the planner here sees what it sees in production.

	return {
		needIds: needs.slice(0, SIZES.needs).map((n) => n.id as string),
		offerIds: sample([...offerIdsByProvider.values()].flat(), SIZES.needs),
		summary: {
			regions: divisions.byLevel,
			keyCounties: keyCounties.flagged + keyCounties.alreadyFlagged,
			providers: providers.length,
			pairings: pairings.length + 13,
			offers: offers.length,
			activeOffers: SIZES.activeOffers,
			offerRegions: offerRegions.length,
			needs: needs.length,
			commitments: commitments.length,
			regionSeconds: ((tRegions - t0) / 1000).toFixed(1),
			worldSeconds: ((performance.now() - tRegions) / 1000).toFixed(1),
		},
	}
}

// ---------------------------------------------------------------------------------------------
// Measuring

function percentile(sorted: number[], p: number) {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function line(label: string, ms: number[]) {
	const s = [...ms].sort((a, b) => a - b)
	const f = (x: number) => x.toFixed(1).padStart(7)
	return `${label.padEnd(34)} p50 ${f(percentile(s, 50))}  p95 ${f(percentile(s, 95))}  p99 ${f(percentile(s, 99))}  max ${f(s[s.length - 1])}  ms  (n=${s.length})`
}

async function time(ids: string[], run: (id: string) => Promise<unknown>) {
	const out: number[] = []
	for (const id of ids) {
		const t = performance.now()
		await run(id)
		out.push(performance.now() - t)
	}
	return out
}

const handle = await openDatabase()
const now = Date.now()
try {
	console.log(`bench:suggest on ${handle.where}`)
	const world = await buildWorld(handle.db, handle.dialect, now)
	console.log('data:', JSON.stringify(world.summary))
	const { db } = handle

	const counts: number[] = []
	for (const id of world.needIds) counts.push((await suggestOffersForNeed(db, id, { now, engine: null, limit: Number.MAX_SAFE_INTEGER })).length)
	const c = [...counts].sort((a, b) => a - b)
	console.log(`candidates per need: min ${c[0]}  p50 ${percentile(c, 50)}  p95 ${percentile(c, 95)}  max ${c[c.length - 1]}  mean ${(c.reduce((s, x) => s + x, 0) / c.length).toFixed(0)}  (none: ${c.filter((x) => x === 0).length})`)
	const warm = world.needIds.slice(0, SIZES.warmup)

	// Without an in-process index first: a process that searches through Meilisearch holds none
	// (the embedded index of 50,000 offers makes every later garbage collection slower).
	await time(warm, (id) => suggestOffersForNeed(db, id, { now, engine: null }))
	console.log(line('suggestOffersForNeed (no engine)', await time(world.needIds, (id) => suggestOffersForNeed(db, id, { now, engine: null }))))
	// A search server's round trip without its work: shows that the text queries overlap the SQL.
	const remote: SearchEngine = {
		upsert: async () => {},
		remove: async () => {},
		clear: async () => {},
		health: async () => ({ ok: true, engine: 'meilisearch' }),
		search: () => new Promise((resolve) => setTimeout(() => resolve({ hits: [], total: 0, facets: { categories: {}, status: {}, urgency: {}, orgKind: {} } }), 20)),
		relevance: () => {
			const answer = new Promise<Map<string, RelevanceHit>>((resolve) => setTimeout(() => resolve(new Map()), 20))
			return () => answer
		},
	}
	console.log(line('suggestOffersForNeed (20 ms stub)', await time(world.needIds, (id) => suggestOffersForNeed(db, id, { now, engine: remote }))))

	const engine: SearchEngine = createEmbeddedSearchEngine({ load: (type) => iterateSearchDocuments(db, type) })
	const t = performance.now()
	await engine.search({ type: 'offer', q: '培训' })
	await engine.search({ type: 'need', q: '培训' })
	console.log(`embedded search index built in ${((performance.now() - t) / 1000).toFixed(1)} s`)
	await time(warm, (id) => suggestOffersForNeed(db, id, { now, engine }))
	console.log(line('suggestOffersForNeed (embedded)', await time(world.needIds, (id) => suggestOffersForNeed(db, id, { now, engine }))))
	await time(world.offerIds.slice(0, SIZES.warmup), (id) => suggestNeedsForOffer(db, id, { now, engine }))
	console.log(line('suggestNeedsForOffer (embedded)', await time(world.offerIds, (id) => suggestNeedsForOffer(db, id, { now, engine }))))
} catch (error) {
	console.error(`bench failed: ${(error as Error).stack ?? error}`)
	process.exitCode = 1
} finally {
	await handle.cleanup()
	if (KEEP) console.log(`kept: ${handle.where}`)
}
