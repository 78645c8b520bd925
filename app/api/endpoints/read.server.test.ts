// The read endpoints of /api/v1 through the dispatcher: shapes and figures, cursor pages, filters,
// field errors, ETags, and who sees what (a token acts with its account's permissions). The world:
// 四川 昭觉县 (a key county) holds 三河村 S and 谷曲村 G; 喜德县 holds 光明村 M.
import type { Kysely } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CommitmentStatus, DB, NeedCategory, NeedStatus, OfferCoverage, OfferStatus, Urgency } from '#db/schema.ts'
import { createApiToken } from '#app/models/api-token.server.ts'
import { getOffer } from '#app/models/offer.server.ts'
import { loadActor } from '#app/models/policy.server.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { makeAccount, makeOrg, seedRegions } from '#tests/factories.ts'
import { testDialects } from '#tests/setup/db.ts'
import { useGlobalTestDb } from '#tests/setup/route.ts'
import { loader } from '#app/routes/api.v1.$.ts'

// Set per dialect (below): the process-global database the dispatcher reads.
let ctx: { readonly db: Kysely<DB> }
const BASE = 'http://localhost/api/v1'
const S = '513431100201'
const G = '513431101201'
const M = '513432100201'
const NOW = Date.now()
const DAY = 86_400_000
const YEAR = chinaYearOf(NOW)

// Tokens are rate-limited (120 a minute): each account gets a fresh token every 100 calls.
const tokens = new Map<string, { token: string; uses: number }>()
async function tokenOf(accountId: string) {
	let t = tokens.get(accountId)
	if (!t || t.uses >= 100) {
		t = {
			token: (
				await createApiToken(ctx.db, accountId, {
					name: 'test',
					scope: 'read',
					expiresInDays: 1,
				})
			).token,
			uses: 0,
		}
		tokens.set(accountId, t)
	}
	t.uses++
	return t.token
}

async function get(path: string, as: string | null, headers: Record<string, string> = {}) {
	const h: Record<string, string> = { ...headers }
	if (as) h.Authorization = `Bearer ${await tokenOf(as)}`
	return (await loader({
		request: new Request(`${BASE}${path}`, { headers: h }),
		params: {},
		context: {},
	})) as Response
}

type Page<T = Record<string, any>> = { items: T[]; nextCursor: string | null }

async function json<T = any>(path: string, as: string | null, status = 200): Promise<T> {
	const res = await get(path, as)
	expect(res.status, `${path} → ${res.status}: ${res.status >= 400 ? await res.clone().text() : ''}`).toBe(status)
	return (await res.json()) as T
}

async function ids(path: string, as: string | null) {
	return (await json<Page>(path, as)).items.map((i) => i.id as string)
}

/** Every page of a list, following nextCursor. */
async function walk(path: string, as: string | null, limit: number) {
	const pages: string[][] = []
	let cursor: string | null = null
	do {
		const sep = path.includes('?') ? '&' : '?'
		const page: Page = await json<Page>(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, as)
		expect(page.items.length).toBeLessThanOrEqual(limit)
		pages.push(page.items.map((i) => i.id))
		cursor = page.nextCursor
	} while (cursor && pages.length < 50)
	return pages
}

async function fieldsOf(path: string, as: string) {
	const res = await get(path, as)
	expect(res.status).toBe(422)
	expect(res.headers.get('content-type')).toContain('application/problem+json')
	return ((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)
}

// ---------------------------------------------------------------------------------------------
// The world, inserted directly (the model tests cover how records get into these states).

let t = NOW - 1000 * DAY
const tick = () => (t += 1000)

async function addNeed(
	db: Kysely<DB>,
	org: string,
	village: string,
	n: {
		status: NeedStatus
		category?: NeedCategory
		urgency?: Urgency
		target?: number
	}
) {
	const at = tick()
	const id = newId(at)
	const published = ['published', 'closed', 'expired'].includes(n.status) ? at : null
	await db
		.insertInto('need')
		.values({
			id,
			villageOrgId: org,
			villageCode: village,
			title: `需求 ${n.status} ${id.slice(-4)}`,
			description: '说明',
			category: n.category ?? 'industry',
			measure: 'amount',
			unit: null,
			target: n.target ?? 100_000,
			beneficiaries: 40,
			urgency: n.urgency ?? 'normal',
			neededBy: NOW + 90 * DAY,
			status: n.status,
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: published,
			submittedAt: n.status === 'draft' ? null : at,
			publishedAt: published,
			closedAt: null,
			createdBy: 'test',
			createdAt: at,
			updatedAt: at,
		})
		.execute()
	return id
}

async function addCommitment(
	db: Kysely<DB>,
	needId: string,
	village: string,
	villageOrgId: string,
	providerOrgId: string,
	c: {
		status: CommitmentStatus
		amount: number
		delivered?: number
		offerId?: string
	}
) {
	const at = tick()
	const id = newId(at)
	const verified = ['verified', 'closed'].includes(c.status)
	await db
		.insertInto('commitment')
		.values({
			id,
			needId,
			offerId: c.offerId ?? null,
			providerOrgId,
			villageOrgId,
			villageCode: village,
			amount: c.amount,
			deliveredAmount: c.delivered ?? null,
			status: c.status,
			message: '分两批交付',
			dueAt: NOW + 30 * DAY,
			lapseAt: NOW + 14 * DAY,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: c.status === 'pledged' ? null : NOW - 10 * DAY,
			deliveryStartedAt: null,
			deliveredAt: c.delivered ? NOW - 5 * DAY : null,
			verifiedAt: verified ? NOW - 1000 : null,
			verifiedBy: verified ? 'official' : null,
			closedAt: null,
			createdBy: 'test',
			createdAt: at,
			updatedAt: at,
		})
		.execute()
	return id
}

async function addOffer(
	db: Kysely<DB>,
	org: string,
	o: {
		status: OfferStatus
		coverage?: OfferCoverage
		regions?: string[]
		categories?: NeedCategory[]
		capacity?: number | null
	}
) {
	const at = tick()
	const id = newId(at)
	await db
		.insertInto('offer')
		.values({
			id,
			providerOrgId: org,
			title: `资源 ${o.status} ${id.slice(-4)}`,
			description: '支持村级产业',
			measure: 'amount',
			unit: null,
			capacity: o.capacity === undefined ? 1_000_000 : o.capacity,
			coverage: o.coverage ?? 'nationwide',
			categoryMask: 0,
			validFrom: NOW - DAY,
			validUntil: NOW + 180 * DAY,
			status: o.status,
			statusNote: null,
			publishedAt: o.status === 'draft' ? null : at,
			createdBy: 'test',
			createdAt: at,
			updatedAt: at,
		})
		.execute()
	await db
		.insertInto('offerCategory')
		.values(
			(o.categories ?? ['industry']).map((category) => ({
				offerId: id,
				category,
			}))
		)
		.execute()
	if (o.regions?.length)
		await db
			.insertInto('offerRegion')
			.values(o.regions.map((regionCode) => ({ offerId: id, regionCode })))
			.execute()
	return id
}

async function addProject(
	db: Kysely<DB>,
	org: string,
	villages: string[],
	p: {
		type: 'industry' | 'public_welfare'
		status: 'planned' | 'running' | 'completed'
		verified?: number
	}
) {
	const at = tick()
	const id = newId(at)
	await db
		.insertInto('project')
		.values({
			id,
			enterpriseOrgId: org,
			title: `项目 ${id.slice(-4)}`,
			description: '花椒加工厂',
			type: p.type,
			plannedInvestment: 5_000_000,
			permanentJobs: 12,
			temporaryJobs: 30,
			peopleTrained: 50,
			startsOn: NOW - 100 * DAY,
			endsOn: NOW + 200 * DAY,
			status: p.status,
			verifiedInvestment: p.verified ?? null,
			verifiedAt: p.verified ? NOW - DAY : null,
			verifiedBy: p.verified ? 'official' : null,
			createdBy: 'test',
			createdAt: at,
			updatedAt: at,
		})
		.execute()
	await db
		.insertInto('projectVillage')
		.values(villages.map((villageCode) => ({ projectId: id, villageCode })))
		.execute()
	return id
}

const w = {} as {
	stranger: string
	vOwner: string
	gOwner: string
	mOwner: string
	p1Owner: string
	p2Owner: string
	pendingOwner: string
	township: string
	county: string
	outsider: string
	V: string
	VG: string
	VM: string
	P1: string
	P2: string
	pending: string
	gov: string
	needs: {
		draft: string
		submitted: string
		returned: string
		pub: string[]
		closed: string
		gPub: string
		gHealth: string
		mPub: string
	}
	commitments: {
		accepted: string
		verified: string
		pledgedG: string
		onOffer: string
	}
	offers: {
		draft: string
		regional: string
		nationwide: string
		paused: string
		withdrawn: string
		pairings: string
	}
	projects: { sm: string; g: string }
}

async function buildWorld() {
	const db = ctx.db
	await seedRegions(db)
	const account = async () => (await makeAccount(db)).id
	Object.assign(w, {
		stranger: await account(),
		vOwner: await account(),
		gOwner: await account(),
		mOwner: await account(),
		p1Owner: await account(),
		p2Owner: await account(),
		pendingOwner: await account(),
		township: await account(),
		county: await account(),
		outsider: await account(),
	})
	w.V = await makeOrg(db, 'village', {
		regionCode: S,
		ownerId: w.vOwner,
		name: '三河村村委会',
	})
	w.VG = await makeOrg(db, 'village', {
		regionCode: G,
		ownerId: w.gOwner,
		name: '谷曲村村委会',
	})
	w.VM = await makeOrg(db, 'village', {
		regionCode: M,
		ownerId: w.mOwner,
		name: '光明村村委会',
	})
	w.P1 = await makeOrg(db, 'enterprise', {
		regionCode: '330100000000',
		ownerId: w.p1Owner,
		name: '杭州帮扶企业',
	})
	w.P2 = await makeOrg(db, 'social_org', {
		regionCode: '110000000000',
		ownerId: w.p2Owner,
		name: '北京公益基金会',
	})
	w.pending = await makeOrg(db, 'enterprise', {
		regionCode: '513431000000',
		ownerId: w.pendingOwner,
		status: 'pending',
		name: '待审企业',
	})
	w.gov = await makeOrg(db, 'government', {
		regionCode: '513431100000',
		ownerId: w.township,
		name: '新城镇人民政府',
	})
	await makeOrg(db, 'government', {
		regionCode: '513431000000',
		ownerId: w.county,
		name: '昭觉县乡村振兴局',
	})
	await makeOrg(db, 'government', {
		regionCode: '513432000000',
		ownerId: w.outsider,
		name: '喜德县乡村振兴局',
	})

	const pub: string[] = []
	const draft = await addNeed(db, w.V, S, { status: 'draft' })
	const submitted = await addNeed(db, w.V, S, { status: 'submitted' })
	const returned = await addNeed(db, w.V, S, { status: 'returned' })
	for (let i = 0; i < 5; i++)
		pub.push(
			await addNeed(db, w.V, S, {
				status: 'published',
				urgency: i === 0 ? 'critical' : 'normal',
			})
		)
	const closed = await addNeed(db, w.V, S, { status: 'closed' })
	const gPub = await addNeed(db, w.VG, G, {
		status: 'published',
		category: 'talent',
	})
	const gHealth = await addNeed(db, w.VG, G, {
		status: 'published',
		category: 'health',
		urgency: 'high',
	})
	const mPub = await addNeed(db, w.VM, M, {
		status: 'published',
		category: 'talent',
	})
	w.needs = { draft, submitted, returned, pub, closed, gPub, gHealth, mPub }

	const regional = await addOffer(db, w.P1, {
		status: 'active',
		coverage: 'regions',
		regions: ['513431000000'],
		categories: ['industry', 'consumption'],
	})
	w.offers = {
		draft: await addOffer(db, w.P1, { status: 'draft' }),
		regional,
		nationwide: await addOffer(db, w.P2, {
			status: 'active',
			categories: ['education'],
			capacity: null,
		}),
		paused: await addOffer(db, w.P2, {
			status: 'paused',
			categories: ['health'],
		}),
		withdrawn: await addOffer(db, w.P2, { status: 'withdrawn' }),
		pairings: await addOffer(db, w.P2, {
			status: 'active',
			coverage: 'pairings',
		}),
	}
	await db
		.insertInto('pairing')
		.values({
			id: newId(),
			kind: 'twinning',
			providerOrgId: w.P2,
			providerRegionCode: null,
			recipientRegionCode: M,
			startedYear: 2021,
			status: 'active',
			createdBy: null,
			createdAt: NOW,
			endedBy: null,
			endedAt: null,
		})
		.execute()

	w.commitments = {
		accepted: await addCommitment(db, pub[0], S, w.V, w.P1, {
			status: 'accepted',
			amount: 30_000,
			offerId: regional,
		}),
		verified: await addCommitment(db, pub[0], S, w.V, w.P1, {
			status: 'verified',
			amount: 20_000,
			delivered: 20_000,
		}),
		pledgedG: await addCommitment(db, gPub, G, w.VG, w.P2, {
			status: 'pledged',
			amount: 5_000,
		}),
		onOffer: await addCommitment(db, pub[1], S, w.V, w.P2, {
			status: 'in_delivery',
			amount: 7_000,
		}),
	}

	w.projects = {
		sm: await addProject(db, w.P1, [S, M], {
			type: 'industry',
			status: 'running',
			verified: 4_000_000,
		}),
		g: await addProject(db, w.P1, [G], {
			type: 'public_welfare',
			status: 'planned',
		}),
	}
	await db
		.insertInto('indicatorTarget')
		.values({
			id: newId(),
			subjectType: 'region',
			subjectId: '513431000000',
			year: YEAR,
			indicator: 'funds_verified',
			target: 40_000,
			setBy: w.county,
			setByOrgId: w.gov,
			createdAt: NOW,
			updatedAt: NOW,
		})
		.execute()
}

// ---------------------------------------------------------------------------------------------

describe.each(testDialects)('read endpoints [%s]', (dialect) => {
	const handle = useGlobalTestDb(dialect)
	beforeAll(async () => {
		ctx = handle
		tokens.clear()
		await buildWorld()
	})

	describe('every read endpoint', () => {
		it('answers 401 without a token and 404 for a malformed id', async () => {
			const paths = [
				'/orgs',
				`/orgs/${w.P1}`,
				'/needs',
				`/needs/${w.needs.pub[0]}`,
				'/offers',
				`/offers/${w.offers.regional}`,
				'/projects',
				`/projects/${w.projects.sm}`,
				'/commitments',
				`/commitments/${w.commitments.accepted}`,
				'/indicators',
			]
			for (const path of paths) {
				const res = await get(path, null)
				expect(res.status, path).toBe(401)
				expect(res.headers.get('content-type')).toContain('application/problem+json')
			}
			for (const path of ['/orgs/nope', '/needs/nope', '/offers/x', '/projects/1', '/commitments/zz']) expect((await get(path, w.stranger)).status, path).toBe(404)
		})

		it('refuses unknown query fields and bad values with field errors', async () => {
			expect(await fieldsOf('/orgs?kind=alien', w.stranger)).toEqual(['query.kind'])
			expect(await fieldsOf('/orgs?color=red', w.stranger)).toEqual(['query.color'])
			expect(await fieldsOf('/needs?category=bogus', w.stranger)).toEqual(['query.category'])
			expect(await fieldsOf('/needs?category=industry&category=bogus', w.stranger)).toEqual(['query.category'])
			expect(await fieldsOf('/needs?region=5134', w.stranger)).toEqual(['query.region'])
			expect(await fieldsOf('/needs?region=999999999999', w.stranger)).toEqual(['query.region'])
			expect(await fieldsOf('/needs?keyCounty=yes', w.stranger)).toEqual(['query.keyCounty'])
			expect(await fieldsOf('/needs?limit=0', w.stranger)).toEqual(['query.limit'])
			expect(await fieldsOf('/needs?cursor=bm9wZQ', w.stranger)).toEqual(['query.cursor'])
			expect(await fieldsOf('/offers?status=exhausted', w.stranger)).toEqual(['query.status'])
			expect(await fieldsOf('/projects?type=mine', w.stranger)).toEqual(['query.type'])
			expect(await fieldsOf('/commitments?role=admin', w.stranger)).toEqual(['query.role'])
			expect(await fieldsOf('/commitments?needId=abc', w.stranger)).toEqual(['query.needId'])
			expect(await fieldsOf('/indicators?quarter=5', w.stranger)).toEqual(['query.quarter'])
			expect(await fieldsOf('/indicators?year=1999', w.stranger)).toEqual(['query.year'])
			expect(await fieldsOf(`/indicators?org=${w.V}`, w.stranger)).toEqual(['query.org'])
			const en = await get('/needs?urgency=whenever', w.stranger, {
				'Accept-Language': 'en',
			})
			expect(await en.json()).toMatchObject({
				status: 422,
				title: 'Invalid input',
				errors: [{ field: 'query.urgency' }],
			})
		})

		it('answers If-None-Match with 304 on details and lists', async () => {
			for (const path of [
				`/needs/${w.needs.pub[0]}`,
				`/orgs/${w.P1}`,
				`/offers/${w.offers.regional}`,
				`/projects/${w.projects.sm}`,
				`/commitments/${w.commitments.accepted}`,
				'/needs?limit=3',
				'/indicators?region=513431000000',
			]) {
				const who = path.startsWith('/commitments') ? w.p1Owner : path.startsWith('/indicators') ? w.county : w.stranger
				const first = await get(path, who)
				expect(first.status, path).toBe(200)
				const etag = first.headers.get('etag') as string
				expect(etag).toMatch(/^W\//)
				expect((await get(path, who, { 'If-None-Match': etag })).status, path).toBe(304)
				expect((await get(path, who, { 'If-None-Match': 'W/"other"' })).status, path).toBe(200)
			}
		})
	})

	describe('orgs', () => {
		it('lists verified orgs with public fields only, newest first, filtered by kind and region', async () => {
			const page = await json<Page>('/orgs?limit=100', w.stranger)
			const listed = page.items.map((o) => o.id)
			expect(listed).toEqual([...listed].sort().reverse())
			expect(listed).toContain(w.P1)
			expect(listed).not.toContain(w.pending)
			const p1 = page.items.find((o) => o.id === w.P1)
			expect(p1).toEqual({
				id: w.P1,
				kind: 'enterprise',
				subtype: null,
				name: '杭州帮扶企业',
				status: 'verified',
				regionCode: '330100000000',
				regionName: '浙江省 杭州市',
				villageCode: null,
			})
			expect(await ids('/orgs?kind=village', w.stranger)).toEqual([w.VM, w.VG, w.V])
			expect(new Set(await ids('/orgs?region=513431000000', w.stranger))).toEqual(new Set([w.V, w.VG, w.gov, await orgIdOf('昭觉县乡村振兴局')]))
			expect(await ids('/orgs?region=513431100000&kind=village', w.stranger)).toEqual([w.V])
			expect(await ids(`/orgs?q=${encodeURIComponent('公益')}`, w.stranger)).toEqual([w.P2])
		})

		it('pages without overlap', async () => {
			const all = await ids('/orgs?limit=100', w.stranger)
			const pages = await walk('/orgs', w.stranger, 2)
			expect(pages.flat()).toEqual(all)
			expect(pages.length).toBe(Math.ceil(all.length / 2))
		})

		it('shows one org; a pending one only to its members and the officials who review it', async () => {
			const v = await json(`/orgs/${w.V}`, w.stranger)
			expect(v).toEqual({
				id: w.V,
				kind: 'village',
				subtype: null,
				name: '三河村村委会',
				status: 'verified',
				regionCode: S,
				regionName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
				villageCode: S,
			})
			expect((await get(`/orgs/${w.pending}`, w.stranger)).status).toBe(404)
			expect((await get(`/orgs/${w.pending}`, w.outsider)).status).toBe(404)
			expect(await json(`/orgs/${w.pending}`, w.pendingOwner)).toMatchObject({
				id: w.pending,
				status: 'pending',
			})
			expect(await json(`/orgs/${w.pending}`, w.county)).toMatchObject({
				id: w.pending,
				status: 'pending',
			})
			expect((await get(`/orgs/${newId()}`, w.stranger)).status).toBe(404)
		})
	})

	async function orgIdOf(name: string) {
		return (await ctx.db.selectFrom('organization').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id
	}

	describe('needs', () => {
		const publicIds = () => [w.needs.mPub, w.needs.gHealth, w.needs.gPub, w.needs.closed, ...[...w.needs.pub].reverse()]

		it('lists public needs to an unrelated account, newest first, and its own drafts to the village', async () => {
			expect(await ids('/needs?limit=100', w.stranger)).toEqual(publicIds())
			const mine = await ids('/needs?limit=100', w.vOwner)
			expect(mine).toEqual([...publicIds().slice(0, 4), ...[...w.needs.pub].reverse(), w.needs.returned, w.needs.submitted, w.needs.draft])
			// Officials covering the village (any level) see needs under review; an official elsewhere does not.
			const county = await ids('/needs?status=submitted', w.county)
			expect(county).toEqual([w.needs.submitted])
			expect(await ids('/needs?status=submitted', w.outsider)).toEqual([])
			expect(await ids('/needs?status=submitted&status=draft&status=returned', w.stranger)).toEqual([])
			expect(await ids('/needs?status=draft', w.gOwner)).toEqual([])
		})

		it('shows a need with its progress and helpers; hides what the viewer may not see', async () => {
			const need = await json(`/needs/${w.needs.pub[0]}`, w.stranger)
			expect(need).toMatchObject({
				id: w.needs.pub[0],
				category: 'industry',
				measure: 'amount',
				target: 100_000,
				committed: 50_000,
				remaining: 50_000,
				urgency: 'critical',
				status: 'published',
				villageOrgId: w.V,
				villageOrgName: '三河村村委会',
				villageCode: S,
				villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
				isKeyCounty: true,
				description: '说明',
				photos: [],
				progress: {
					committed: 50_000,
					delivered: 20_000,
					verified: 20_000,
					coverage: 'partial',
					delivery: 'partial',
					helpers: [{ orgId: w.P1, name: '杭州帮扶企业', amount: 50_000 }],
				},
			})
			expect(typeof need.createdAt).toBe('number')
			expect((await json(`/needs/${w.needs.mPub}`, w.stranger)).isKeyCounty).toBe(false)
			expect((await get(`/needs/${w.needs.draft}`, w.stranger)).status).toBe(404)
			expect((await get(`/needs/${w.needs.draft}`, w.p1Owner)).status).toBe(404)
			expect(await json(`/needs/${w.needs.draft}`, w.vOwner)).toMatchObject({
				id: w.needs.draft,
				status: 'draft',
			})
			expect((await get(`/needs/${w.needs.submitted}`, w.outsider)).status).toBe(404)
			expect(await json(`/needs/${w.needs.submitted}`, w.township)).toMatchObject({ status: 'submitted' })
			expect(await json(`/needs/${w.needs.submitted}`, w.county)).toMatchObject({ status: 'submitted' })
			expect((await get(`/needs/${newId()}`, w.vOwner)).status).toBe(404)
		})

		it('filters as the browse page does', async () => {
			expect(await ids('/needs?category=talent', w.stranger)).toEqual([w.needs.mPub, w.needs.gPub])
			expect(await ids('/needs?category=talent&category=health', w.stranger)).toEqual([w.needs.mPub, w.needs.gHealth, w.needs.gPub])
			expect(await ids('/needs?urgency=critical&urgency=high', w.stranger)).toEqual([w.needs.gHealth, w.needs.pub[0]])
			expect(await ids(`/needs?region=${G}`, w.stranger)).toEqual([w.needs.gHealth, w.needs.gPub])
			expect(await ids('/needs?region=513431101000', w.stranger)).toEqual([w.needs.gHealth, w.needs.gPub])
			expect(await ids('/needs?region=513432000000', w.stranger)).toEqual([w.needs.mPub])
			expect((await ids('/needs?region=510000000000&limit=100', w.stranger)).length).toBe(publicIds().length)
			expect(await ids('/needs?status=closed', w.stranger)).toEqual([w.needs.closed])
			expect(await ids(`/needs?org=${w.VG}`, w.stranger)).toEqual([w.needs.gHealth, w.needs.gPub])
			// 昭觉县 is a key county, 喜德县 is not.
			const key = await ids('/needs?keyCounty=1&limit=100', w.stranger)
			expect(key).not.toContain(w.needs.mPub)
			expect(key.length).toBe(publicIds().length - 1)
			// "In my pairings": P2 is paired with 光明村; an account without a provider org gets nothing.
			expect(await ids('/needs?mine=1', w.p2Owner)).toEqual([w.needs.mPub])
			expect(await ids('/needs?mine=1', w.stranger)).toEqual([])
			const card = (await json<Page>(`/needs?org=${w.V}&urgency=critical`, w.stranger)).items[0]
			expect(card).toMatchObject({
				id: w.needs.pub[0],
				target: 100_000,
				committed: 50_000,
				remaining: 50_000,
				villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
				isKeyCounty: true,
			})
			expect(card).not.toHaveProperty('description')
		})

		it('pages without overlap, for each viewer', async () => {
			for (const who of [w.stranger, w.vOwner]) {
				const all = await ids('/needs?limit=100', who)
				for (const limit of [1, 3, 4]) {
					const pages = await walk('/needs', who, limit)
					expect(pages.flat()).toEqual(all)
					expect(new Set(pages.flat()).size).toBe(all.length)
				}
			}
			const filtered = await walk('/needs?category=industry', w.stranger, 2)
			expect(filtered.flat()).toEqual(await ids('/needs?category=industry&limit=100', w.stranger))
		})
	})

	describe('offers', () => {
		it('lists offers the viewer may see: drafts only to the provider', async () => {
			const all = [w.offers.pairings, w.offers.withdrawn, w.offers.paused, w.offers.nationwide, w.offers.regional]
			// The draft was made just after the regional offer.
			const withDraft = [w.offers.pairings, w.offers.withdrawn, w.offers.paused, w.offers.nationwide, w.offers.draft, w.offers.regional]
			expect(await ids('/offers?limit=100', w.stranger)).toEqual(all)
			expect(await ids('/offers?limit=100', w.p1Owner)).toEqual(withDraft)
			expect((await get(`/offers/${w.offers.draft}`, w.stranger)).status).toBe(404)
			expect((await get(`/offers/${w.offers.draft}`, w.p2Owner)).status).toBe(404)
			expect(await json(`/offers/${w.offers.draft}`, w.p1Owner)).toMatchObject({
				id: w.offers.draft,
				status: 'draft',
			})
			const pages = await walk('/offers', w.p1Owner, 2)
			expect(pages.flat()).toEqual(withDraft)
		})

		it('agrees with the offer page on visibility for every offer and viewer', async () => {
			const offerIds = Object.values(w.offers)
			for (const who of [w.stranger, w.p1Owner, w.p2Owner, w.vOwner]) {
				const listed = new Set(await ids('/offers?limit=100', who))
				const actor = await loadActor(ctx.db, who)
				for (const id of offerIds) expect(listed.has(id), `${who} ${id}`).toBe(!!(await getOffer(ctx.db, id, actor ?? null)))
			}
		})

		it('shows an offer with its capacity figures and covered regions', async () => {
			expect(await json(`/offers/${w.offers.regional}`, w.stranger)).toMatchObject({
				providerOrgId: w.P1,
				providerName: '杭州帮扶企业',
				providerKind: 'enterprise',
				categories: ['industry', 'consumption'],
				capacity: 1_000_000,
				capacityUsed: 30_000,
				remaining: 970_000,
				exhausted: false,
				coverage: 'regions',
				regions: [{ code: '513431000000', name: '四川省 凉山彝族自治州 昭觉县' }],
				status: 'active',
				displayStatus: 'active',
				description: '支持村级产业',
				coversNowhere: false,
			})
			expect(await json(`/offers/${w.offers.nationwide}`, w.stranger)).toMatchObject({ capacity: null, remaining: null, regions: [] })
			expect(await json(`/offers/${w.offers.pairings}`, w.stranger)).toMatchObject({ regions: [{ code: M }] })
		})

		it('filters by category, provider kind, status, region and provider', async () => {
			expect(await ids('/offers?category=consumption', w.stranger)).toEqual([w.offers.regional])
			expect(await ids('/offers?category=health&category=education', w.stranger)).toEqual([w.offers.paused, w.offers.nationwide])
			expect(await ids('/offers?orgKind=enterprise', w.stranger)).toEqual([w.offers.regional])
			expect(await ids('/offers?status=active', w.stranger)).toEqual([w.offers.pairings, w.offers.nationwide, w.offers.regional])
			expect(await ids('/offers?region=510000000000', w.stranger)).toEqual([w.offers.pairings, w.offers.regional])
			expect(await ids('/offers?region=513431000000', w.stranger)).toEqual([w.offers.regional])
			expect(await ids(`/offers?region=${M}`, w.stranger)).toEqual([w.offers.pairings])
			expect(await ids('/offers?region=330000000000', w.stranger)).toEqual([])
			expect(await ids(`/offers?org=${w.P1}`, w.stranger)).toEqual([w.offers.regional])
			const card = (await json<Page>(`/offers?org=${w.P1}`, w.stranger)).items[0]
			expect(card).toMatchObject({
				capacityUsed: 30_000,
				remaining: 970_000,
				regions: [{ code: '513431000000', name: '四川省 凉山彝族自治州 昭觉县' }],
			})
		})
	})

	describe('projects', () => {
		it('lists, filters and pages projects', async () => {
			expect(await ids('/projects', w.stranger)).toEqual([w.projects.g, w.projects.sm])
			expect(await ids('/projects?type=industry', w.stranger)).toEqual([w.projects.sm])
			expect(await ids('/projects?status=planned&status=completed', w.stranger)).toEqual([w.projects.g])
			expect(await ids('/projects?region=513432000000', w.stranger)).toEqual([w.projects.sm])
			expect(await ids(`/projects?region=${G}`, w.stranger)).toEqual([w.projects.g])
			expect(await ids(`/projects?org=${w.P2}`, w.stranger)).toEqual([])
			expect((await walk('/projects', w.stranger, 1)).flat()).toEqual([w.projects.g, w.projects.sm])
			const card = (await json<Page>('/projects?type=industry', w.stranger)).items[0]
			expect(card).toEqual({
				id: w.projects.sm,
				title: expect.any(String),
				orgId: w.P1,
				orgName: '杭州帮扶企业',
				type: 'industry',
				status: 'running',
				plannedInvestment: 5_000_000,
				permanentJobs: 12,
				temporaryJobs: 30,
				peopleTrained: 50,
				startsOn: expect.any(Number),
				endsOn: expect.any(Number),
				villages: [
					{ code: S, name: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村' },
					{ code: M, name: '四川省 凉山彝族自治州 喜德县 光明镇 光明村' },
				],
				isKeyCounty: true,
			})
		})

		it('shows one project with its verified investment', async () => {
			expect(await json(`/projects/${w.projects.sm}`, w.stranger)).toMatchObject({
				id: w.projects.sm,
				verifiedInvestment: 4_000_000,
				description: '花椒加工厂',
				updates: [],
				isKeyCounty: true,
			})
			expect(await json(`/projects/${w.projects.g}`, w.stranger)).toMatchObject({ verifiedInvestment: null, verifiedAt: null })
			expect((await get(`/projects/${newId()}`, w.stranger)).status).toBe(404)
		})
	})

	describe('commitments', () => {
		it('are seen by the provider, the village and the officials covering it, by nobody else', async () => {
			const c = w.commitments
			expect(await ids('/commitments', w.stranger)).toEqual([])
			expect(await ids('/commitments', w.p1Owner)).toEqual([c.verified, c.accepted])
			expect(await ids('/commitments', w.p2Owner)).toEqual([c.onOffer, c.pledgedG])
			expect(await ids('/commitments', w.vOwner)).toEqual([c.onOffer, c.verified, c.accepted])
			expect(await ids('/commitments', w.gOwner)).toEqual([c.pledgedG])
			expect(await ids('/commitments', w.township)).toEqual([c.onOffer, c.verified, c.accepted])
			expect(await ids('/commitments', w.county)).toEqual([c.onOffer, c.pledgedG, c.verified, c.accepted])
			expect(await ids('/commitments', w.outsider)).toEqual([])
			for (const who of [w.stranger, w.p2Owner, w.gOwner, w.outsider]) expect((await get(`/commitments/${c.accepted}`, who)).status, who).toBe(404)
			for (const who of [w.p1Owner, w.vOwner, w.township, w.county]) expect((await get(`/commitments/${c.accepted}`, who)).status, who).toBe(200)
		})

		it('filter by status, need and role, and page', async () => {
			const c = w.commitments
			expect(await ids('/commitments?status=verified', w.county)).toEqual([c.verified])
			expect(await ids('/commitments?status=pledged&status=in_delivery', w.county)).toEqual([c.onOffer, c.pledgedG])
			expect(await ids(`/commitments?needId=${w.needs.pub[0]}`, w.vOwner)).toEqual([c.verified, c.accepted])
			expect(await ids('/commitments?role=provider', w.p1Owner)).toEqual([c.verified, c.accepted])
			expect(await ids('/commitments?role=village', w.p1Owner)).toEqual([])
			expect(await ids('/commitments?role=village', w.vOwner)).toEqual([c.onOffer, c.verified, c.accepted])
			expect(await ids('/commitments?role=official', w.vOwner)).toEqual([])
			expect(await ids('/commitments?role=official', w.township)).toEqual([c.onOffer, c.verified, c.accepted])
			expect((await walk('/commitments', w.county, 1)).flat()).toEqual([c.onOffer, c.pledgedG, c.verified, c.accepted])
		})

		it('show one commitment with names and figures', async () => {
			const one = await json(`/commitments/${w.commitments.verified}`, w.vOwner)
			expect(one).toMatchObject({
				id: w.commitments.verified,
				needId: w.needs.pub[0],
				measure: 'amount',
				providerOrgId: w.P1,
				providerName: '杭州帮扶企业',
				providerKind: 'enterprise',
				villageOrgId: w.V,
				villageOrgName: '三河村村委会',
				villageCode: S,
				villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
				amount: 20_000,
				deliveredAmount: 20_000,
				status: 'verified',
				overdue: false,
				milestones: [],
				updates: [],
				feedback: { village: null, provider: null },
			})
			expect(await json(`/commitments/${w.commitments.accepted}`, w.p1Owner)).toMatchObject({
				offerId: w.offers.regional,
				offerTitle: expect.any(String),
				amount: 30_000,
				deliveredAmount: null,
			})
			const listed = (await json<Page>(`/commitments?needId=${w.needs.pub[0]}&status=verified`, w.vOwner)).items[0]
			const { milestones: _m, updates: _u, feedback: _f, ...summary } = one
			expect(listed).toEqual(summary)
		})
	})

	describe('indicators', () => {
		it('gives the verified figures of a region against its targets, to the officials who supervise it', async () => {
			const report = await json(`/indicators?region=513431000000&year=${YEAR}`, w.county)
			expect(report.scope).toEqual({
				regionCode: '513431000000',
				regionName: '四川省 凉山彝族自治州 昭觉县',
				orgId: null,
				orgName: null,
				orgKind: null,
			})
			expect(report.period).toMatchObject({ year: YEAR, quarter: null })
			expect(report.targetsApply).toBe(true)
			const byCode = Object.fromEntries(report.indicators.map((i: { code: string }) => [i.code, i]))
			expect(report.indicators).toHaveLength(11)
			expect(byCode.funds_verified).toEqual({
				code: 'funds_verified',
				unit: 'fen',
				actual: 20_000,
				target: 40_000,
				achievement: 500,
			})
			expect(byCode.funds_committed).toMatchObject({
				unit: 'fen',
				actual: 57_000,
				target: null,
				achievement: null,
			})
			expect(byCode.coverage_rate.unit).toBe('permille')
			const admin = (await makeAccount(ctx.db, { isNationalAdmin: true })).id
			// Elsewhere nothing was verified; a provider's scope has its own figures and no region targets.
			expect(
				Object.fromEntries((await json(`/indicators?region=513432000000&year=${YEAR}`, admin)).indicators.map((i: { code: string; actual: unknown }) => [i.code, i.actual])).funds_verified
			).toBe(0)
			const p1 = await json(`/indicators?org=${w.P1}&year=${YEAR}`, admin)
			expect(p1.scope).toMatchObject({
				orgId: w.P1,
				orgName: '杭州帮扶企业',
				orgKind: 'enterprise',
			})
			expect(p1.indicators.find((i: { code: string }) => i.code === 'funds_verified')).toMatchObject({ actual: 20_000, target: null })
			expect(p1.indicators.find((i: { code: string }) => i.code === 'csr_investment')).toMatchObject({ actual: 4_000_000 })
			const combined = await json(`/indicators?region=513431000000&kind=social_org&year=${YEAR}`, w.county)
			expect(combined.targetsApply).toBe(false)
			expect(combined.indicators.find((i: { code: string }) => i.code === 'funds_committed')).toMatchObject({ actual: 7_000, target: null })
			const national = await json('/indicators', admin)
			expect(national.period.year).toBe(YEAR)
		})

		it('refuses anyone who does not supervise the scope, as the dashboards do', async () => {
			for (const [path, who] of [
				['/indicators?region=513431000000', w.stranger],
				['/indicators?region=513432000000', w.county],
				[`/indicators?org=${w.P1}`, w.county],
				['/indicators', w.county],
				['/indicators?kind=enterprise', w.stranger],
			] as const) {
				const res = await get(path, who)
				expect(res.status, path).toBe(403)
				expect(res.headers.get('content-type')).toContain('application/problem+json')
			}
		})

		it('refuses an unknown region, a non-provider org and an org the account may not see', async () => {
			expect(await fieldsOf('/indicators?region=999999999999', w.stranger)).toEqual(['query.region'])
			expect(await fieldsOf(`/indicators?org=${w.pending}`, w.stranger)).toEqual(['query.org'])
			// The covering official sees the pending org's (empty) figures.
			expect((await get(`/indicators?org=${w.pending}`, w.county)).status).toBe(200)
			expect(await fieldsOf(`/indicators?org=${w.gov}&region=1234`, w.stranger)).toEqual(['query.region'])
		})
	})
})
