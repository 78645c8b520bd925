// npm run bench:data -- --scale national|small [--seed N]
// Fills the DATABASE_URL database (migrated; divisions imported: for national scale all 620,573
// villages, `npm run import-divisions -- --all`) with a deterministic marketplace of national
// size on top of the real divisions: ~310 central units each with 定点帮扶 counties, East–West
// partners with county pairs, 5,000 enterprises, 1,000 mass and social organizations, village
// orgs for every village that gets a need, 200,000 needs, 50,000 offers, 200,000 commitments in a
// realistic mix of states (accepted totals never above a need's target), 20,000 CSR projects.
// Bulk inserts (scripts/bench-util.ts); prints progress. `small` is 1/100 of it (for
// trying the script). Rows it writes are marked (created_by 'BENCH') so a second run refuses.
import { parseArgs } from 'node:util'
import type { Kysely } from 'kysely'
import type { CommitmentStatus, DB, NeedCategory, NeedStatus, OrgKind } from '#db/schema.ts'
import { NEED_CATEGORIES, categoryMask } from '#app/models/marketplace-vocab.ts'
import { DAY_MS, chinaDayStart } from '#app/utils/china-date.ts'
import { createDb } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/id.ts'
import { insertAll, seededRandom } from './bench-util.ts'

const { values } = parseArgs({ options: { scale: { type: 'string', default: 'small' }, seed: { type: 'string', default: '20261124' } }, strict: true })
const FULL = { central: 310, eastWest: 120, enterprises: 5_000, massSocial: 1_000, needs: 200_000, offers: 50_000, commitments: 200_000, projects: 20_000 }
const factor = values.scale === 'national' ? 1 : values.scale === 'small' ? 0.01 : Number.NaN
if (!Number.isFinite(factor)) throw new Error('--scale national|small')
const N = Object.fromEntries(Object.entries(FULL).map(([k, v]) => [k, Math.max(5, Math.round(v * factor))])) as typeof FULL

const { random, int, pick } = seededRandom(Number(values.seed))

const started = Date.now()
const now = Date.now()
const today = chinaDayStart(now)
let idClock = now - 400 * DAY_MS
/** Time-ordered ids spread over the last 400 days, so "newest first" lists have a history. */
function id() {
	idClock += 1 + Math.floor(random() * 150_000)
	return newId(Math.min(idClock, now))
}
function log(what: string) {
	console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${what}`)
}

/** Bulk insert, with statements of about 20,000 values (wide tables get fewer rows each). */
async function insertRows(db: Kysely<DB>, table: keyof DB, rows: object[]) {
	await insertAll(db, table, rows, Math.max(50, Math.floor(20_000 / Math.max(1, Object.keys(rows[0] ?? {}).length))))
	log(`${String(table).padEnd(16)} ${rows.length.toLocaleString('en-US')} rows`)
}

function org(kind: OrgKind, name: string, regionCode: string | null, villageCode: string | null = null) {
	return {
		id: id(),
		kind,
		subtype: kind === 'mass_org' ? pick(['trade_union', 'youth_league', 'women_federation', 'science_association', 'disabled_federation']) : null,
		name,
		uscc: null,
		regionCode,
		villageCode,
		status: 'verified',
		statusReason: null,
		reviewedBy: null,
		reviewedAt: null,
		description: '',
		contactName: null,
		contactPhone: null,
		isDemo: 0,
		createdBy: null,
		createdAt: now,
		updatedAt: now,
	}
}

const { db } = createDb(getEnv().databaseUrl)
try {
	const already = await db.selectFrom('need').select('id').where('createdBy', '=', 'BENCH').limit(1).executeTakeFirst()
	if (already) throw new Error('this database already holds bench data: use a fresh one')
	const villages = (await db.selectFrom('region').select('code').where('level', '=', 5).execute()).map((r) => r.code)
	const counties = (await db.selectFrom('region').select('code').where('level', '=', 3).execute()).map((r) => r.code)
	const eastProvinces = ['11', '12', '31', '32', '33', '35', '37', '44']
	const westCounties = counties.filter((c) => ['15', '45', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65'].includes(c.slice(0, 2)))
	const eastCounties = counties.filter((c) => eastProvinces.includes(c.slice(0, 2)))
	if (!villages.length) throw new Error('no villages: run npm run import-divisions first (-- --all for national scale)')
	log(`scale ${values.scale}: ${villages.length.toLocaleString('en-US')} villages, ${counties.length} counties in the database; targets ${JSON.stringify(N)}`)

	// Providers and pairings.
	const orgs: ReturnType<typeof org>[] = []
	const pairings: object[] = []
	const pairing = (kind: string, providerOrgId: string | null, recipientRegionCode: string, providerRegionCode: string | null = null) =>
		pairings.push({ id: id(), kind, providerOrgId, providerRegionCode, recipientRegionCode, startedYear: 2021, note: '', status: 'active', createdBy: null, createdAt: now, endedBy: null, endedAt: null })
	const central: string[] = []
	for (let i = 0; i < N.central; i++) {
		const o = org('central_unit', `中央单位 ${i + 1}`, null)
		orgs.push(o)
		central.push(o.id)
		for (let k = int(1, 3); k > 0; k--) pairing('targeted', o.id, pick(westCounties.length ? westCounties : counties))
	}
	const providers: Array<{ id: string; kind: OrgKind }> = central.map((c) => ({ id: c, kind: 'central_unit' }))
	for (let i = 0; i < N.eastWest; i++) {
		const east = pick(eastCounties.length ? eastCounties : counties)
		const o = org('east_west_partner', `东西部协作 ${i + 1}`, east)
		orgs.push(o)
		providers.push({ id: o.id, kind: 'east_west_partner' })
		pairing('east_west', null, pick(westCounties.length ? westCounties : counties), east)
	}
	for (let i = 0; i < N.enterprises; i++) {
		const o = org('enterprise', `企业 ${i + 1}`, pick(counties))
		orgs.push(o)
		providers.push({ id: o.id, kind: 'enterprise' })
		if (random() < 0.3) pairing('twinning', o.id, pick(villages))
	}
	for (let i = 0; i < N.massSocial; i++) {
		const kind: OrgKind = random() < 0.5 ? 'mass_org' : 'social_org'
		const o = org(kind, `${kind === 'mass_org' ? '群团' : '社会组织'} ${i + 1}`, random() < 0.5 ? pick(counties) : null)
		orgs.push(o)
		providers.push({ id: o.id, kind })
	}

	// Villages with needs get a village org.
	const needVillages = new Map<string, string>()
	const needs: Array<Record<string, unknown> & { id: string; target: number; measure: string; villageCode: string; villageOrgId: string; status: NeedStatus; publishedAt: number | null }> = []
	for (let i = 0; i < N.needs; i++) {
		const village = pick(villages)
		let villageOrgId = needVillages.get(village)
		if (!villageOrgId) {
			const o = org('village', `${village} 村民委员会`, village, village)
			orgs.push(o)
			villageOrgId = o.id
			needVillages.set(village, o.id)
		}
		const measure = random() < 0.6 ? 'amount' : 'quantity'
		const status: NeedStatus = pick(['published', 'published', 'published', 'published', 'closed', 'closed', 'draft', 'submitted', 'expired', 'cancelled'])
		const createdAt = now - int(1, 400) * DAY_MS
		const publishedAt = ['published', 'closed', 'expired'].includes(status) ? createdAt + int(0, 5) * DAY_MS : null
		needs.push({
			id: id(),
			villageOrgId,
			villageCode: village,
			title: `${pick(['蔬菜大棚', '村道硬化', '饮水管网', '技能培训', '农产品销售', '卫生室设备', '学校图书', '养殖场建设'])}需求 ${i + 1}`,
			description: '规模测试数据',
			category: pick(NEED_CATEGORIES) as NeedCategory,
			measure,
			unit: measure === 'quantity' ? pick(['人', '吨', '套']) : null,
			target: measure === 'amount' ? int(1_000, 500_000) * 100 : int(5, 500),
			beneficiaries: int(0, 500),
			urgency: pick(['low', 'normal', 'normal', 'high', 'critical']),
			neededBy: today + int(-30, 300) * DAY_MS,
			status,
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: publishedAt,
			submittedAt: status === 'draft' ? null : createdAt,
			publishedAt,
			closedAt: status === 'closed' ? now - int(0, 30) * DAY_MS : null,
			createdBy: 'BENCH',
			createdAt,
			updatedAt: createdAt,
		})
	}
	await insertRows(db, 'organization', orgs)
	await insertRows(db, 'pairing', pairings)
	await insertRows(db, 'need', needs)

	// Offers, with categories (and their mask) and listed regions.
	const offers: object[] = []
	const offerCategories: object[] = []
	const offerRegions: object[] = []
	for (let i = 0; i < N.offers; i++) {
		const provider = pick(providers)
		const categories = [...new Set([pick(NEED_CATEGORIES), pick(NEED_CATEGORIES)])] as NeedCategory[]
		const measure = random() < 0.6 ? 'amount' : 'quantity'
		const coverage = pick(['nationwide', 'regions', 'regions', 'pairings'])
		const offerId = id()
		offers.push({
			id: offerId,
			providerOrgId: provider.id,
			title: `帮扶资源 ${i + 1}`,
			description: '规模测试数据',
			measure,
			unit: measure === 'quantity' ? pick(['人', '吨', '套']) : null,
			capacity: random() < 0.25 ? null : measure === 'amount' ? int(10_000, 5_000_000) * 100 : int(10, 2_000),
			coverage,
			categoryMask: categoryMask(categories),
			validFrom: today - int(0, 180) * DAY_MS,
			validUntil: today + int(1, 400) * DAY_MS,
			status: random() < 0.9 ? 'active' : pick(['paused', 'draft', 'withdrawn']),
			statusNote: null,
			publishedAt: now,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
		for (const category of categories) offerCategories.push({ offerId, category })
		if (coverage === 'regions') offerRegions.push({ offerId, regionCode: pick(counties) })
	}
	await insertRows(db, 'offer', offers)
	await insertRows(db, 'offerCategory', offerCategories)
	await insertRows(db, 'offerRegion', offerRegions)

	// Commitments to published and closed needs; what is accepted or later never exceeds a target.
	const open = needs.filter((n) => n.status === 'published' || n.status === 'closed')
	const used = new Map<string, number>()
	const commitments: object[] = []
	const COUNTED = new Set<CommitmentStatus>(['accepted', 'in_delivery', 'delivered', 'verified', 'disputed', 'closed'])
	for (let i = 0; i < N.commitments && open.length; i++) {
		const need = pick(open)
		let status: CommitmentStatus = pick(['pledged', 'accepted', 'in_delivery', 'delivered', 'verified', 'verified', 'closed', 'closed', 'declined', 'withdrawn', 'lapsed', 'disputed'])
		const left = need.target - (used.get(need.id) ?? 0)
		let amount = Math.max(1, Math.floor(need.target * (0.05 + random() * 0.3)))
		if (COUNTED.has(status)) {
			if (left <= 0) status = 'pledged'
			else amount = Math.min(amount, left)
		}
		if (COUNTED.has(status)) used.set(need.id, (used.get(need.id) ?? 0) + amount)
		const createdAt = (need.publishedAt ?? now) + int(0, 40) * DAY_MS
		const at = (days: number) => Math.min(now, createdAt + days * DAY_MS)
		const accepted = COUNTED.has(status)
		const delivered = ['delivered', 'verified', 'disputed', 'closed'].includes(status)
		const verified = ['verified', 'closed'].includes(status)
		const dueAt = createdAt + int(15, 120) * DAY_MS
		commitments.push({
			id: id(),
			needId: need.id,
			offerId: null,
			providerOrgId: pick(providers).id,
			villageOrgId: need.villageOrgId,
			villageCode: need.villageCode,
			amount,
			deliveredAmount: delivered ? amount : null,
			status,
			message: '',
			dueAt,
			lapseAt: createdAt + 14 * DAY_MS,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: accepted ? at(2) : null,
			deliveryStartedAt: delivered || status === 'in_delivery' ? at(5) : null,
			deliveredAt: delivered ? at(int(10, 60)) : null,
			verifiedAt: verified ? at(int(12, 90)) : null,
			verifiedBy: verified ? 'BENCH' : null,
			closedAt: status === 'closed' ? at(95) : null,
			createdBy: 'BENCH',
			createdAt: Math.min(createdAt, now),
			updatedAt: Math.min(createdAt, now),
		})
	}
	await insertRows(db, 'commitment', commitments)

	// CSR projects of enterprises in one to three villages; half with a verified investment.
	const enterprises = providers.filter((p) => p.kind === 'enterprise')
	const projects: object[] = []
	const projectVillages: object[] = []
	for (let i = 0; i < N.projects; i++) {
		const projectId = id()
		const planned = int(10_000, 10_000_000) * 100
		const verified = random() < 0.5
		projects.push({
			id: projectId,
			enterpriseOrgId: pick(enterprises).id,
			title: `万企兴万村项目 ${i + 1}`,
			description: '规模测试数据',
			type: random() < 0.7 ? 'industry' : 'public_welfare',
			plannedInvestment: planned,
			permanentJobs: int(0, 50),
			temporaryJobs: int(0, 200),
			peopleTrained: int(0, 300),
			startsOn: today - int(30, 400) * DAY_MS,
			endsOn: today + int(30, 700) * DAY_MS,
			status: verified ? pick(['running', 'completed']) : pick(['planned', 'running']),
			verifiedInvestment: verified ? Math.floor(planned * (0.3 + random() * 0.7)) : null,
			verifiedAt: verified ? now - int(1, 300) * DAY_MS : null,
			verifiedBy: verified ? 'BENCH' : null,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
		for (const v of new Set([pick(villages), pick(villages), pick(villages)].slice(0, int(1, 3)))) projectVillages.push({ projectId, villageCode: v })
	}
	await insertRows(db, 'project', projects)
	await insertRows(db, 'projectVillage', projectVillages)
	log(`done: ${orgs.length.toLocaleString('en-US')} orgs, ${pairings.length} pairings, ${needs.length.toLocaleString('en-US')} needs, ${offers.length.toLocaleString('en-US')} offers, ${commitments.length.toLocaleString('en-US')} commitments, ${projects.length.toLocaleString('en-US')} projects. The search index is not filled: run npm run search:reindex.`)
} catch (error) {
	console.error(`bench:data failed: ${(error as Error).message}`)
	process.exitCode = 1
} finally {
	await db.destroy()
}
