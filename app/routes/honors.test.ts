import { createInstance } from 'i18next'
import { type ComponentType, createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import i18nConfig, { resources } from '#app/i18n.ts'
import { chineseDate } from '#app/components/commendation.tsx'
import { createCampaign, decideCampaign, nominate, openNominations, startNotice, startReview } from '#app/models/commendation.server.ts'
import { DAY_MS, chinaDayStart, chinaPeriod, chinaYearOf, formatChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, needRow, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import CertificatePage, { loader as certificateLoader } from './honors.certificates.$awardId.tsx'
import HonorRoll, { loader as honorsLoader } from './honors._index.tsx'
import Leaderboard, { loader as leaderboardLoader } from './leaderboard.tsx'

const ctx = useGlobalTestDb()

const TODAY = chinaDayStart(Date.now())
const day = (n: number) => formatChinaDate(TODAY + n * DAY_MS)
const YEAR = chinaYearOf(Date.now())
const PERIOD = chinaPeriod(YEAR)

let provider: string
let enterprise: string
let pending: string
let awardId: string
let personAwardId: string
let decidedAt: number

async function verifiedCommitment(providerOrgId: string, villageOrgId: string, villageCode: string, amount: number, by: string) {
	const now = Date.now()
	const needId = newId()
	await ctx.db
		.insertInto('need')
		.values(needRow({ id: needId, villageOrgId, villageCode, title: '需求', target: amount, neededBy: now, createdBy: by }))
		.execute()
	await ctx.db
		.insertInto('commitment')
		.values({
			id: newId(),
			needId,
			offerId: null,
			providerOrgId,
			villageOrgId,
			villageCode,
			amount,
			deliveredAmount: amount,
			status: 'verified',
			message: '',
			dueAt: now,
			lapseAt: now,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: now,
			deliveryStartedAt: now,
			deliveredAt: now,
			// This China year, before today.
			verifiedAt: Math.max(PERIOD.start, TODAY - DAY_MS),
			verifiedBy: null,
			closedAt: null,
			createdBy: by,
			createdAt: now,
			updatedAt: now,
		})
		.execute()
}

beforeAll(async () => {
	await seedRegions(ctx.db)
	const county = await makeOfficial(ctx.db, '513431000000')
	const owner = await makeAccount(ctx.db)
	provider = await makeOrg(ctx.db, 'central_unit', { ownerId: owner.id, name: '国家帮扶单位甲' })
	enterprise = await makeOrg(ctx.db, 'enterprise', { name: '浙江企业乙' })
	pending = await makeOrg(ctx.db, 'social_org', { status: 'pending', name: '待认证丙' })
	const sanhe = await makeOrg(ctx.db, 'village', { regionCode: '513431100201' })
	const guangming = await makeOrg(ctx.db, 'village', { regionCode: '513432100201' })
	await verifiedCommitment(provider, sanhe, '513431100201', 500_000, owner.id)
	await verifiedCommitment(provider, sanhe, '513431100201', 300_000, owner.id)
	await verifiedCommitment(enterprise, guangming, '513432100201', 1_000_000, owner.id)
	await verifiedCommitment(pending, guangming, '513432100201', 9_000_000, owner.id)

	// A decided county campaign with two awards (collective and individual).
	const ownerActor = await actorFor(ctx.db, owner.id)
	const { id } = await createCampaign(
		ctx.db,
		{
			title: '昭觉县年度社会帮扶表彰',
			year: String(YEAR),
			level: 'county',
			periodStart: formatChinaDate(PERIOD.start),
			periodEnd: formatChinaDate(PERIOD.end - DAY_MS),
			minAmount: '1000',
			minCount: '1',
			nominationEndsOn: day(10),
			quotaAdvancedIndividual: '1',
			quotaAdvancedCollective: '1',
		},
		county,
	)
	await openNominations(ctx.db, id, county)
	const a = await nominate(ctx.db, id, { category: 'advanced_collective', orgId: provider, citation: '三年帮扶三河村花椒产业，带动 200 户增收' }, ownerActor)
	const b = await nominate(ctx.db, id, { category: 'advanced_individual', orgId: provider, personName: '李四', citation: '驻村第一书记' }, ownerActor)
	await startReview(ctx.db, id, county)
	await startNotice(ctx.db, id, { noticeStartsOn: day(0), noticeEndsOn: day(5), shortlist: [a.id, b.id] }, county)
	const end = Number((await ctx.db.selectFrom('campaign').select('noticeEndsAt').where('id', '=', id).executeTakeFirstOrThrow()).noticeEndsAt)
	const { awards } = await decideCampaign(ctx.db, id, county, end)
	decidedAt = end
	awardId = awards.find((w) => w.nominationId === a.id)?.id as string
	personAwardId = awards.find((w) => w.nominationId === b.id)?.id as string
	// A campaign still in notice has no place on the roll.
	const other = await createCampaign(ctx.db, { title: '未决定的表彰', year: String(YEAR), level: 'county', periodStart: formatChinaDate(PERIOD.start), periodEnd: formatChinaDate(PERIOD.end - DAY_MS), minAmount: '0', minCount: '0', nominationEndsOn: day(10), quotaSocialContribution: '3' }, county)
	await openNominations(ctx.db, other.id, county)
	await nominate(ctx.db, other.id, { category: 'social_contribution', orgId: provider, citation: '事迹' }, ownerActor)
})

async function render(Component: ComponentType, loaderData: object, url: string, lng = 'zh-CN') {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData, Component }])
	const context = await handler.query(new Request(new URL(url, 'http://localhost')))
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

describe('/honors', () => {
	it('shows decided awards to anyone, with org, person and campaign', async () => {
		const res = await runRoute(honorsLoader, await requestAs(null, '/honors'))
		expect(res.status).toBe(200)
		expect(res.data.years).toEqual([YEAR])
		expect(res.data.rows.map((r: { orgName: string; personName: string; category: string; certificateNo: string }) => [r.orgName, r.personName, r.category, r.certificateNo])).toEqual([
			['国家帮扶单位甲', '李四', 'advanced_individual', `${YEAR}-513431000000-001`],
			['国家帮扶单位甲', '', 'advanced_collective', `${YEAR}-513431000000-002`],
		])
		const html = await render(HonorRoll, res.data, '/honors')
		expect(html).toContain('光荣榜')
		expect(html).toContain('李四')
		expect(html).toContain('昭觉县年度社会帮扶表彰')
		expect(html).toContain(`href="/honors/certificates/${awardId}"`)
		expect(html).not.toContain('未决定的表彰')
		// A GET form: filters work without JavaScript.
		expect(html).toMatch(/<form method="get"/)
		for (const name of ['year', 'level', 'category']) expect(html).toContain(`name="${name}"`)
		expect(await render(HonorRoll, res.data, '/honors', 'en')).toContain('Honor roll')
	})

	it('filters by year, level and category through GET params, ignoring nonsense', async () => {
		const ids = async (qs: string) => (await runRoute(honorsLoader, await requestAs(null, `/honors${qs}`))).data.rows.map((r: { id: string }) => r.id)
		expect(await ids(`?category=advanced_collective`)).toEqual([awardId])
		expect(await ids(`?year=${YEAR}&level=county&category=advanced_individual`)).toEqual([personAwardId])
		expect(await ids(`?level=provincial`)).toEqual([])
		expect(await ids(`?year=${YEAR - 1}`)).toEqual([])
		expect(await ids(`?year=abc&level=x&category=y`)).toHaveLength(2)
		const filtered = await runRoute(honorsLoader, await requestAs(null, '/honors?level=provincial'))
		expect(await render(HonorRoll, filtered.data, '/honors?level=provincial')).toContain('暂无表彰记录')
	})

	it('pages a long roll in a stable order, every award on exactly one page', async () => {
		const year = YEAR - 3
		const now = Date.now()
		const campaignId = newId()
		await ctx.db
			.insertInto('campaign')
			.values({ id: campaignId, title: '长名单表彰', year, level: 'national', regionCode: '', organizerOrgId: '', description: '', periodStart: 0, periodEnd: now, minVerifiedAmount: 0, minVerifiedCount: 0, nominationEndsAt: now, status: 'decided', noticeStartsAt: now, noticeEndsAt: now, decidedAt: now, createdBy: 'test', createdAt: now, updatedAt: now })
			.execute()
		for (let i = 0; i < 120; i++) {
			const nominationId = newId()
			const category = i % 2 ? 'advanced_individual' : 'social_contribution'
			// Distinct names keep the nominations unique (one org receives them all).
			const personName = `人员${i}`
			await ctx.db
				.insertInto('nomination')
				.values({ id: nominationId, campaignId, category, orgId: provider, personName, citation: '', eligibility: '{}', selfNominated: 0, nominatedBy: 'test', nominatorOrgId: provider, status: 'awarded', statusNote: null, createdAt: now, updatedAt: now })
				.execute()
			await ctx.db
				.insertInto('award')
				.values({ id: newId(), campaignId, nominationId, category, orgId: provider, personName, certificateNo: `${year}-CN-${String(i + 1).padStart(3, '0')}`, awardedAt: now })
				.execute()
		}
		const pageOf = async (n: number) => (await runRoute(honorsLoader, await requestAs(null, `/honors?year=${year}&page=${n}`))).data
		const [p1, p2, p3, past] = await Promise.all([pageOf(1), pageOf(2), pageOf(3), pageOf(99)])
		expect([p1.rows.length, p2.rows.length, p3.rows.length]).toEqual([50, 50, 20])
		expect([p1.total, p1.pages, past.page]).toEqual([120, 3, 3])
		const ids = [...p1.rows, ...p2.rows, ...p3.rows].map((r: { id: string }) => r.id)
		expect(new Set(ids).size).toBe(120)
		// Individuals before social contribution awards, by certificate number within each.
		const categories = [...p1.rows, ...p2.rows, ...p3.rows].map((r: { category: string }) => r.category)
		expect(categories.indexOf('social_contribution')).toBe(60)
		expect(p1.rows[0].certificateNo).toBe(`${year}-CN-002`)
		const html = await render(HonorRoll, p2, `/honors?year=${year}&page=2`)
		expect(html).toContain(`href="/honors?year=${year}"`)
		expect(html).toContain(`href="/honors?year=${year}&amp;page=3"`)
	})
})

describe('/honors/certificates/:awardId', () => {
	it('renders a printable Chinese A4 certificate for an award, to anyone', async () => {
		const res = await runRoute(certificateLoader, await requestAs(null, `/honors/certificates/${awardId}`), { awardId })
		expect(res.status).toBe(200)
		expect(res.data).toMatchObject({ orgName: '国家帮扶单位甲', certificateNo: `${YEAR}-513431000000-002`, campaignTitle: '昭觉县年度社会帮扶表彰', dateText: chineseDate(decidedAt) })
		const html = await render(CertificatePage, res.data, `/honors/certificates/${awardId}`)
		expect(html).toContain('荣誉证书')
		expect(html).toContain('@page { size: A4; margin: 12mm; }')
		expect(html).toContain('font-family: &quot;Noto Serif CJK SC&quot;, &quot;Noto Sans CJK SC&quot;, serif')
		expect(html).toContain('国家帮扶单位甲：')
		expect(html).toContain('在昭觉县年度社会帮扶表彰中，被评为“先进集体”。特发此证，以资鼓励。')
		expect(html).toContain('三年帮扶三河村花椒产业')
		expect(html).toContain(`证书编号：${YEAR}-513431000000-002`)
		expect(html).toContain(chineseDate(decidedAt))
		// The organizer: the county government org.
		const organizer = await ctx.db.selectFrom('campaign').innerJoin('organization', 'organization.id', 'campaign.organizerOrgId').select('organization.name').executeTakeFirstOrThrow()
		expect(html).toContain(organizer.name)
		// The certificate stays Chinese for an English reader; the page around it does not.
		const en = await render(CertificatePage, res.data, `/honors/certificates/${awardId}`, 'en')
		expect(en).toContain('荣誉证书')
		expect(en).toContain('Ctrl+P')
	})

	it('names the person for 先进个人', async () => {
		const res = await runRoute(certificateLoader, await requestAs(null, `/honors/certificates/${personAwardId}`), { awardId: personAwardId })
		const html = await render(CertificatePage, res.data, `/honors/certificates/${personAwardId}`)
		expect(html).toContain('李四同志（国家帮扶单位甲）：')
		expect(html).toContain('被评为“先进个人”')
	})

	it('is a 404 for anything that is not an award', async () => {
		for (const id of ['nope', newId(), '']) {
			const res = await runRoute(certificateLoader, await requestAs(null, `/honors/certificates/${id}`), { awardId: id })
			expect([res.status, res.thrown]).toEqual([404, true])
			expect(res.data).toEqual({ message: 'commendation.errors.award_not_found' })
		}
	})

	it('writes dates the way certificates do', () => {
		expect(chineseDate(Date.UTC(2026, 10, 23, 16))).toBe('二〇二六年十一月二十四日')
		expect(chineseDate(Date.UTC(2025, 0, 9, 4))).toBe('二〇二五年一月九日')
		expect(chineseDate(Date.UTC(2030, 9, 10, 4))).toBe('二〇三〇年十月十日')
	})
})

describe('/leaderboard', () => {
	it('ranks verified providers by verified amount this year, nationwide, to anyone', async () => {
		const res = await runRoute(leaderboardLoader, await requestAs(null, '/leaderboard'))
		expect(res.status).toBe(200)
		expect(res.data.filters).toEqual({ year: String(YEAR), kind: '', region: '', sort: 'amount' })
		expect(res.data.rows).toEqual([
			{ rank: 1, orgId: enterprise, name: '浙江企业乙', kind: 'enterprise', amountFen: 1_000_000, count: 1 },
			{ rank: 2, orgId: provider, name: '国家帮扶单位甲', kind: 'central_unit', amountFen: 800_000, count: 2 },
		])
		const html = await render(Leaderboard, res.data, '/leaderboard')
		expect(html).toContain('¥10,000')
		expect(html).toContain('¥8,000')
		expect(html).not.toContain('待认证丙')
		expect(html).toMatch(/<form method="get"/)
	})

	it('filters by kind, region and sort through GET params', async () => {
		const rows = async (qs: string) => (await runRoute(leaderboardLoader, await requestAs(null, `/leaderboard${qs}`))).data.rows.map((r: { orgId: string }) => r.orgId)
		expect(await rows('?kind=central_unit')).toEqual([provider])
		expect(await rows('?region=513431000000')).toEqual([provider])
		expect(await rows('?region=513432100000')).toEqual([enterprise])
		expect(await rows('?region=330000000000')).toEqual([])
		expect(await rows('?sort=count')).toEqual([provider, enterprise])
		expect(await rows(`?year=${YEAR - 3}`)).toEqual([])
		const bad = await runRoute(leaderboardLoader, await requestAs(null, '/leaderboard?region=昭觉'))
		expect(bad.data.regionInvalid).toBe(true)
		expect(bad.data.rows).toHaveLength(2)
		expect(await render(Leaderboard, bad.data, '/leaderboard?region=x')).toContain('不是 12 位区划代码')
		const scoped = await runRoute(leaderboardLoader, await requestAs(null, '/leaderboard?region=513431000000'))
		expect(await render(Leaderboard, scoped.data, '/leaderboard?region=513431000000', 'en')).toContain('四川省 凉山彝族自治州 昭觉县')
	})
})
