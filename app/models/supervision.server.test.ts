import { beforeAll, expect, it } from 'vitest'
import type { CommitmentStatus, DB, Measure, NeedStatus } from '#db/schema.ts'
import type { Kysely } from 'kysely'
import { DAY_MS, chinaDayStart } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import type { Actor } from './policy.server.ts'
import {
	iterateExportRows,
	iterateOverdueCommitments,
	iterateStaleNeeds,
	iterateUnpairedVillages,
	listLaggingProviders,
	listOverdueCommitments,
	listStaleNeeds,
	listUnpairedVillages,
	resolveRegionFilter,
} from './supervision.server.ts'

// 2026-11-20 10:00 in China.
const NOW = Date.UTC(2026, 10, 20, 2)
const TODAY = chinaDayStart(NOW)

const SANHE = '513431100201' // 三河村, 新城镇, 昭觉县
const HUOPU = '513431100202' // 火普村, 新城镇, 昭觉县
const GUQU = '513431101201' // 谷曲村, 谷曲乡, 昭觉县
const GUANGMING = '513432100201' // 光明村, 喜德县 (another county)
const ZHAOJUE = '513431000000'
const XIDE = '513432000000'

// Local fixture builders (rows inserted directly, in exactly the state a test needs).
async function insertNeed(
	db: Kysely<DB>,
	v: { orgId: string; code: string },
	o: { title?: string; status?: NeedStatus; publishedAt?: number | null; measure?: Measure; unit?: string | null; target?: number; createdBy: string },
) {
	const id = newId()
	await db
		.insertInto('need')
		.values({
			id,
			villageOrgId: v.orgId,
			villageCode: v.code,
			title: o.title ?? `需求-${id.slice(-6)}`,
			description: '说明',
			category: 'industry',
			measure: o.measure ?? 'amount',
			unit: o.unit ?? null,
			target: o.target ?? 10_000_000,
			urgency: 'normal',
			neededBy: TODAY + 120 * DAY_MS,
			status: o.status ?? 'published',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: null,
			submittedAt: NOW - 200 * DAY_MS,
			publishedAt: o.publishedAt === undefined ? NOW - 100 * DAY_MS : o.publishedAt,
			closedAt: null,
			createdBy: o.createdBy,
			createdAt: NOW - 200 * DAY_MS,
			updatedAt: NOW - 200 * DAY_MS,
		})
		.execute()
	return id
}

async function insertCommitment(
	db: Kysely<DB>,
	need: { id: string; orgId: string; code: string },
	providerOrgId: string,
	o: { status: CommitmentStatus; dueAt: number; verifiedAt?: number | null; amount?: number; createdBy: string },
) {
	const id = newId()
	await db
		.insertInto('commitment')
		.values({
			id,
			needId: need.id,
			offerId: null,
			providerOrgId,
			villageOrgId: need.orgId,
			villageCode: need.code,
			amount: o.amount ?? 100_000,
			deliveredAmount: null,
			status: o.status,
			message: '',
			dueAt: o.dueAt,
			lapseAt: NOW + 7 * DAY_MS,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: NOW - 60 * DAY_MS,
			deliveryStartedAt: null,
			deliveredAt: null,
			verifiedAt: o.verifiedAt ?? null,
			verifiedBy: null,
			closedAt: null,
			createdBy: o.createdBy,
			createdAt: NOW - 60 * DAY_MS,
			updatedAt: NOW - 60 * DAY_MS,
		})
		.execute()
	return id
}

type World = {
	owner: string
	villages: Record<string, { orgId: string; code: string }>
	county: Actor
	township: Actor
	otherCounty: Actor
	admin: Actor
}

async function world(db: Kysely<DB>): Promise<World> {
	await seedRegions(db)
	const owner = (await makeAccount(db)).id
	const villages: World['villages'] = {}
	for (const [code, name] of [
		[SANHE, '三河村村民委员会'],
		[HUOPU, '火普村村民委员会'],
		[GUQU, '谷曲村村民委员会'],
		[GUANGMING, '光明村村民委员会'],
	]) {
		villages[code] = { orgId: await makeOrg(db, 'village', { regionCode: code, ownerId: owner, name }), code }
	}
	const adminAccount = await makeAccount(db, { isNationalAdmin: true })
	return {
		owner,
		villages,
		county: await makeOfficial(db, ZHAOJUE),
		township: await makeOfficial(db, '513431100000'),
		otherCounty: await makeOfficial(db, XIDE),
		admin: await actorFor(db, adminAccount.id),
	}
}

describeDb('supervision: overdue commitments', (ctx) => {
	let w: World
	const ids: Record<string, string> = {}
	beforeAll(async () => {
		w = await world(ctx.db)
		const provider = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', ownerId: w.owner, name: '杭州兴村农业科技有限公司' })
		const money = await insertNeed(ctx.db, w.villages[SANHE], { title: '三河村花椒烘干设备', createdBy: w.owner })
		const people = await insertNeed(ctx.db, w.villages[GUQU], { title: '谷曲村电商培训', measure: 'quantity', unit: '人', target: 50, createdBy: w.owner })
		const far = await insertNeed(ctx.db, w.villages[GUANGMING], { title: '光明村道路硬化', createdBy: w.owner })
		const n = (id: string, code: string) => ({ id, ...w.villages[code] })
		const by = w.owner
		ids.yesterday = await insertCommitment(ctx.db, n(money, SANHE), provider, { status: 'accepted', dueAt: TODAY - DAY_MS, amount: 1_234_550, createdBy: by })
		ids.today = await insertCommitment(ctx.db, n(money, SANHE), provider, { status: 'in_delivery', dueAt: TODAY, createdBy: by })
		ids.delivered = await insertCommitment(ctx.db, n(money, SANHE), provider, { status: 'delivered', dueAt: TODAY - 5 * DAY_MS, createdBy: by })
		ids.pledged = await insertCommitment(ctx.db, n(money, SANHE), provider, { status: 'pledged', dueAt: TODAY - 5 * DAY_MS, createdBy: by })
		ids.quantity = await insertCommitment(ctx.db, n(people, GUQU), provider, { status: 'in_delivery', dueAt: TODAY - 3 * DAY_MS, amount: 30, createdBy: by })
		ids.far = await insertCommitment(ctx.db, n(far, GUANGMING), provider, { status: 'in_delivery', dueAt: TODAY - 10 * DAY_MS, createdBy: by })
	})

	it('lists accepted / in-delivery commitments past their due day, in the jurisdiction, most overdue first', async () => {
		const page = await listOverdueCommitments(ctx.db, w.county, {}, {}, NOW)
		expect(page.total).toBe(2)
		expect(page.rows.map((r) => r.id)).toEqual([ids.quantity, ids.yesterday])
		expect(page.rows[0]).toMatchObject({ daysOverdue: 3, needTitle: '谷曲村电商培训', measure: 'quantity', unit: '人', amount: 30, providerName: '杭州兴村农业科技有限公司', villageOrgName: '谷曲村村民委员会' })
		expect(page.rows[0].villageName).toBe('四川省 凉山彝族自治州 昭觉县 谷曲乡 谷曲村')
		expect(page.rows[1]).toMatchObject({ daysOverdue: 1, amount: 1_234_550, dueAt: TODAY - DAY_MS })
		// Due today is not overdue until the day ends.
		const justAfter = await listOverdueCommitments(ctx.db, w.county, {}, {}, TODAY + DAY_MS)
		expect(justAfter.rows.map((r) => r.id)).toContain(ids.today)
	})

	it('keeps other jurisdictions out in the query, and a national admin sees everything', async () => {
		expect((await listOverdueCommitments(ctx.db, w.township, {}, {}, NOW)).rows.map((r) => r.id)).toEqual([ids.yesterday])
		expect((await listOverdueCommitments(ctx.db, w.otherCounty, {}, {}, NOW)).rows.map((r) => r.id)).toEqual([ids.far])
		expect((await listOverdueCommitments(ctx.db, w.admin, {}, {}, NOW)).rows.map((r) => r.id)).toEqual([ids.far, ids.quantity, ids.yesterday])
		const plain = await makeAccount(ctx.db)
		expect((await listOverdueCommitments(ctx.db, await actorFor(ctx.db, plain.id), {}, {}, NOW)).total).toBe(0)
		// A region filter outside the jurisdiction is refused by name, and would match nothing anyway.
		await expect(resolveRegionFilter(ctx.db, w.county, XIDE)).rejects.toMatchObject({ code: 'invalid', fields: { region: 'supervision.errors.region_outside' } })
		expect((await listOverdueCommitments(ctx.db, w.county, { region: XIDE }, {}, NOW)).total).toBe(0)
	})

	it('filters by any region level within the jurisdiction and pages', async () => {
		expect(await resolveRegionFilter(ctx.db, w.county, '513431101000')).toEqual({ code: '513431101000', name: '四川省 凉山彝族自治州 昭觉县 谷曲乡' })
		await expect(resolveRegionFilter(ctx.db, w.county, '5134')).rejects.toMatchObject({ fields: { region: 'validation.region_code_format' } })
		await expect(resolveRegionFilter(ctx.db, w.county, '513431999000')).rejects.toBeInstanceOf(AppError)
		expect((await listOverdueCommitments(ctx.db, w.county, { region: '513431101000' }, {}, NOW)).rows.map((r) => r.id)).toEqual([ids.quantity])
		expect((await listOverdueCommitments(ctx.db, w.county, { region: SANHE }, {}, NOW)).rows.map((r) => r.id)).toEqual([ids.yesterday])
		const second = await listOverdueCommitments(ctx.db, w.county, {}, { page: 2, pageSize: 1 }, NOW)
		expect(second).toMatchObject({ total: 2, page: 2, pages: 2 })
		expect(second.rows.map((r) => r.id)).toEqual([ids.yesterday])
	})

	it('iterates in database pages (keyset) with the same rows and order', async () => {
		const all: string[] = []
		for await (const r of iterateOverdueCommitments(ctx.db, w.admin, {}, NOW, 1)) all.push(r.id)
		expect(all).toEqual([ids.far, ids.quantity, ids.yesterday])
	})

	it('formats export cells by measure and language', async () => {
		const zh: Array<Record<string, unknown>> = []
		for await (const r of iterateExportRows(ctx.db, w.county, 'overdue', {}, { language: 'zh-CN' }, NOW)) zh.push(r)
		expect(zh.map((r) => r.amount)).toEqual(['30 人', '¥12,345.50'])
		expect(zh[1]).toMatchObject({ provider: '杭州兴村农业科技有限公司', need: '三河村花椒烘干设备', dueDate: '2026-11-19', daysOverdue: 1, id: ids.yesterday })
	})
})

describeDb('supervision: stale needs', (ctx) => {
	let w: World
	const ids: Record<string, string> = {}
	beforeAll(async () => {
		w = await world(ctx.db)
		const provider = await makeOrg(ctx.db, 'social_org', { regionCode: '110000000000', ownerId: w.owner })
		const v = w.villages[SANHE]
		const by = w.owner
		const need = (o: Parameters<typeof insertNeed>[2], code = SANHE) => insertNeed(ctx.db, w.villages[code], o)
		ids.d61 = await need({ title: '61 天', publishedAt: NOW - 61 * DAY_MS, createdBy: by })
		ids.d59 = await need({ title: '59 天', publishedAt: NOW - 59 * DAY_MS, createdBy: by })
		ids.pledgedOnly = await need({ title: '只有意向', publishedAt: NOW - 90 * DAY_MS, createdBy: by })
		await insertCommitment(ctx.db, { id: ids.pledgedOnly, ...v }, provider, { status: 'pledged', dueAt: TODAY + 10 * DAY_MS, createdBy: by })
		ids.accepted = await need({ title: '已接受', publishedAt: NOW - 90 * DAY_MS, createdBy: by })
		await insertCommitment(ctx.db, { id: ids.accepted, ...v }, provider, { status: 'accepted', dueAt: TODAY + 10 * DAY_MS, createdBy: by })
		ids.declined = await need({ title: '被谢绝', publishedAt: NOW - 80 * DAY_MS, createdBy: by })
		await insertCommitment(ctx.db, { id: ids.declined, ...v }, provider, { status: 'declined', dueAt: TODAY + 10 * DAY_MS, createdBy: by })
		ids.closed = await need({ title: '已完成', status: 'closed', publishedAt: NOW - 90 * DAY_MS, createdBy: by })
		ids.far = await need({ title: '光明村', publishedAt: NOW - 70 * DAY_MS, createdBy: by }, GUANGMING)
	})

	it('lists needs published over 60 days ago with nothing accepted (pledges do not count), oldest first', async () => {
		const page = await listStaleNeeds(ctx.db, w.county, {}, {}, NOW)
		expect(page.rows.map((r) => r.title)).toEqual(['只有意向', '被谢绝', '61 天'])
		expect(page.rows.map((r) => r.daysSincePublished)).toEqual([90, 80, 61])
		expect(page.rows[2]).toMatchObject({ id: ids.d61, villageOrgName: '三河村村民委员会', villageCode: SANHE })
		expect((await listStaleNeeds(ctx.db, w.otherCounty, {}, {}, NOW)).rows.map((r) => r.id)).toEqual([ids.far])
		expect((await listStaleNeeds(ctx.db, w.admin, { region: '513400000000' }, {}, NOW)).total).toBe(4)
		const iterated: string[] = []
		for await (const r of iterateStaleNeeds(ctx.db, w.county, {}, NOW, 2)) iterated.push(r.id)
		expect(iterated).toEqual(page.rows.map((r) => r.id))
		// Two days later the 59-day need has passed 60 days too.
		expect((await listStaleNeeds(ctx.db, w.county, {}, {}, NOW + 2 * DAY_MS)).rows.map((r) => r.id)).toContain(ids.d59)
	})
})

describeDb('supervision: lagging providers', (ctx) => {
	let w: World
	const orgs: Record<string, string> = {}
	beforeAll(async () => {
		w = await world(ctx.db)
		const by = w.owner
		for (const key of ['A', 'B', 'C', 'D', 'E']) orgs[key] = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', ownerId: by, name: `帮扶企业${key}` })
		const needIn = await insertNeed(ctx.db, w.villages[SANHE], { createdBy: by })
		const needGuqu = await insertNeed(ctx.db, w.villages[GUQU], { createdBy: by })
		const needOut = await insertNeed(ctx.db, w.villages[GUANGMING], { createdBy: by })
		const inJ = { id: needIn, ...w.villages[SANHE] }
		const guqu = { id: needGuqu, ...w.villages[GUQU] }
		const out = { id: needOut, ...w.villages[GUANGMING] }
		const due = TODAY - 30 * DAY_MS
		const onTime = { status: 'verified' as const, dueAt: due, verifiedAt: due + 3_600_000, createdBy: by }
		const late = { status: 'verified' as const, dueAt: due, verifiedAt: due + 5 * DAY_MS, createdBy: by }
		const overdue = { status: 'in_delivery' as const, dueAt: due, createdBy: by }
		// A: 3 on time, 1 late → 75 %; an in-delivery one not yet due does not count.
		for (const o of [onTime, onTime, onTime, late]) await insertCommitment(ctx.db, inJ, orgs.A, o)
		await insertCommitment(ctx.db, inJ, orgs.A, { status: 'in_delivery', dueAt: TODAY, createdBy: by })
		// B: 4 on time (one closed), 1 overdue → exactly 80 %.
		for (const o of [onTime, onTime, onTime, { ...onTime, status: 'closed' as const }, overdue]) await insertCommitment(ctx.db, inJ, orgs.B, o)
		// C: 2 late only (below the minimum of 3), plus a pledge and a delivered one (not counted).
		for (const o of [late, late, { ...overdue, status: 'pledged' as const }, { ...late, status: 'delivered' as const }]) await insertCommitment(ctx.db, inJ, orgs.C, o)
		// D: 3 late in another county, 1 late here.
		for (const o of [late, late, late]) await insertCommitment(ctx.db, out, orgs.D, o)
		await insertCommitment(ctx.db, inJ, orgs.D, late)
		// E, in 谷曲乡: verified at the last moment of the due day (on time), at the next midnight (late), on the day.
		await insertCommitment(ctx.db, guqu, orgs.E, { ...onTime, verifiedAt: due + DAY_MS - 1 })
		await insertCommitment(ctx.db, guqu, orgs.E, { ...onTime, verifiedAt: due + DAY_MS })
		await insertCommitment(ctx.db, guqu, orgs.E, { ...onTime, verifiedAt: due })
	})

	it('lists providers below the threshold with at least 3 counted commitments here, worst first', async () => {
		const page = await listLaggingProviders(ctx.db, w.county, {}, {}, NOW)
		expect(page.rows.map((r) => r.providerName)).toEqual(['帮扶企业E', '帮扶企业A'])
		expect(page.rows[0]).toMatchObject({ total: 3, onTime: 2, late: 1, overdue: 0, rate: 66.7 })
		expect(page.rows[1]).toMatchObject({ total: 4, onTime: 3, late: 1, overdue: 0, rate: 75 })
		// 80 % is not below 80 %; at 81 it is.
		const strict = await listLaggingProviders(ctx.db, w.county, {}, { threshold: 81 }, NOW)
		expect(strict.rows.map((r) => r.providerName)).toEqual(['帮扶企业E', '帮扶企业A', '帮扶企业B'])
		expect(strict.rows[2]).toMatchObject({ total: 5, onTime: 4, overdue: 1, rate: 80 })
		expect((await listLaggingProviders(ctx.db, w.county, {}, { threshold: 0 }, NOW)).total).toBe(0)
	})

	it('counts only commitments to villages in the jurisdiction (and the region filter)', async () => {
		expect((await listLaggingProviders(ctx.db, w.otherCounty, {}, {}, NOW)).rows.map((r) => [r.providerName, r.total])).toEqual([['帮扶企业D', 3]])
		const admin = await listLaggingProviders(ctx.db, w.admin, {}, {}, NOW)
		expect(admin.rows.map((r) => [r.providerName, r.total])).toEqual([
			['帮扶企业D', 4],
			['帮扶企业E', 3],
			['帮扶企业A', 4],
		])
		expect((await listLaggingProviders(ctx.db, w.county, { region: '513431101000' }, {}, NOW)).rows.map((r) => r.providerName)).toEqual(['帮扶企业E'])
		expect((await listLaggingProviders(ctx.db, w.township, {}, {}, NOW)).rows.map((r) => r.providerName)).toEqual(['帮扶企业A'])
		const rows: Array<Record<string, unknown>> = []
		for await (const r of iterateExportRows(ctx.db, w.county, 'lagging', {}, { language: 'en', threshold: 81 }, NOW)) rows.push(r)
		expect(rows.map((r) => [r.provider, r.rate])).toEqual([
			['帮扶企业E', '66.7%'],
			['帮扶企业A', '75%'],
			['帮扶企业B', '80%'],
		])
	})
})

describeDb('supervision: unpaired villages', (ctx) => {
	let w: World
	let township: string
	async function pairing(kind: 'targeted' | 'east_west' | 'twinning', recipient: string, status: 'active' | 'ended' = 'active') {
		const id = newId()
		await ctx.db
			.insertInto('pairing')
			.values({ id, kind, providerOrgId: null, providerRegionCode: '330000000000', recipientRegionCode: recipient, startedYear: 2021, note: '', status, createdBy: null, createdAt: NOW, endedBy: null, endedAt: null })
			.execute()
		return id
	}
	beforeAll(async () => {
		w = await world(ctx.db)
		await ctx.db.insertInto('region').values({ code: '513431100203', name: '待审村', level: 5, parentCode: '513431100000', isKeyCounty: 0 }).execute()
		await makeOrg(ctx.db, 'village', { regionCode: '513431100203', status: 'pending', ownerId: w.owner })
		township = await pairing('east_west', '513431100000') // 新城镇: covers 三河村 and 火普村
		await pairing('east_west', '510000000000') // province-level framework: does not count
		await pairing('east_west', '513400000000') // city level: does not count
		await pairing('twinning', GUQU, 'ended') // ended: does not count
		await pairing('targeted', XIDE) // county level: covers 光明村
	})

	it('lists verified villages no active village, township or county pairing reaches', async () => {
		expect((await listUnpairedVillages(ctx.db, w.county)).rows.map((r) => r.villageCode)).toEqual([GUQU])
		expect((await listUnpairedVillages(ctx.db, w.admin)).rows.map((r) => r.villageCode)).toEqual([GUQU])
		expect((await listUnpairedVillages(ctx.db, w.otherCounty)).total).toBe(0)
		expect((await listUnpairedVillages(ctx.db, w.township)).total).toBe(0)
		const [row] = (await listUnpairedVillages(ctx.db, w.county)).rows
		expect(row).toMatchObject({ orgName: '谷曲村村民委员会', villageName: '四川省 凉山彝族自治州 昭觉县 谷曲乡 谷曲村' })

		// Without the township pairing, its villages are unpaired (the province and city ones do not help).
		await ctx.db.updateTable('pairing').set({ status: 'ended', endedAt: NOW }).where('id', '=', township).execute()
		expect((await listUnpairedVillages(ctx.db, w.county)).rows.map((r) => r.villageCode)).toEqual([SANHE, HUOPU, GUQU])
		expect((await listUnpairedVillages(ctx.db, w.county, { region: '513431100000' })).rows.map((r) => r.villageCode)).toEqual([SANHE, HUOPU])
		const iterated: string[] = []
		for await (const r of iterateUnpairedVillages(ctx.db, w.county, {}, 2)) iterated.push(r.villageCode)
		expect(iterated).toEqual([SANHE, HUOPU, GUQU])

		// A village-level and a county-level pairing each count.
		await pairing('twinning', GUQU)
		expect((await listUnpairedVillages(ctx.db, w.county)).rows.map((r) => r.villageCode)).toEqual([SANHE, HUOPU])
		await pairing('targeted', ZHAOJUE)
		expect((await listUnpairedVillages(ctx.db, w.county)).total).toBe(0)
	})
})
