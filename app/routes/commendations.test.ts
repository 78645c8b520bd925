import { createInstance } from 'i18next'
import type { Kysely } from 'kysely'
import { type ComponentType, createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DB } from '#db/schema.ts'
import i18nConfig, { resources } from '#app/i18n.ts'
import { DAY_MS, chinaDayStart, chinaPeriod, formatChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { countRows, makeAccount, makeOfficial, makeOrg, needRow, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import CampaignPage, { action as pageAction, loader as pageLoader } from './commendations.$campaignId.tsx'
import CampaignsIndex, { loader as indexLoader } from './commendations._index.tsx'
import NewCampaignPage, { action as newAction, loader as newLoader } from './commendations.new.tsx'

const ctx = useGlobalTestDb()

const TODAY = chinaDayStart(Date.now())
const day = (n: number) => formatChinaDate(TODAY + n * DAY_MS)
const P2025 = chinaPeriod(2025)

let countyOfficial: string
let countyOrg: string
let outsideOfficial: string
let owner: string
let member: string
let poorAdmin: string
let stranger: string
let provider: string
let poorProvider: string

async function verifiedCommitment(db: Kysely<DB>, providerOrgId: string, villageOrgId: string, amount: number, by: string) {
	const now = Date.now()
	const needId = newId()
	await db
		.insertInto('need')
		.values(needRow({ id: needId, villageOrgId, villageCode: '513431100201', title: '花椒烘干', target: amount, neededBy: now, createdBy: by }))
		.execute()
	await db
		.insertInto('commitment')
		.values({
			id: newId(),
			needId,
			offerId: null,
			providerOrgId,
			villageOrgId,
			villageCode: '513431100201',
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
			verifiedAt: P2025.start + 30 * DAY_MS,
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
	countyOfficial = county.accountId
	countyOrg = county.memberships[0].orgId
	outsideOfficial = (await makeOfficial(ctx.db, '330000000000')).accountId
	owner = (await makeAccount(ctx.db)).id
	provider = await makeOrg(ctx.db, 'central_unit', { ownerId: owner, name: '国家帮扶单位甲' })
	member = (await makeAccount(ctx.db)).id
	await ctx.db.insertInto('membership').values({ orgId: provider, accountId: member, role: 'member', createdAt: Date.now() }).execute()
	poorAdmin = (await makeAccount(ctx.db)).id
	poorProvider = await makeOrg(ctx.db, 'enterprise', { ownerId: poorAdmin, name: '企业乙' })
	stranger = (await makeAccount(ctx.db)).id
	const village = await makeOrg(ctx.db, 'village', { regionCode: '513431100201' })
	await verifiedCommitment(ctx.db, provider, village, 400_000, owner)
	await verifiedCommitment(ctx.db, provider, village, 200_000, owner)
	await verifiedCommitment(ctx.db, poorProvider, village, 120_000, owner)
})

function campaignForm(overrides: Record<string, string> = {}) {
	return {
		title: '昭觉县 2025 年度社会帮扶表彰',
		year: '2025',
		level: 'county',
		organizerOrgId: '',
		description: '表彰说明',
		periodStart: formatChinaDate(P2025.start),
		periodEnd: formatChinaDate(P2025.end - DAY_MS),
		minAmount: '5000',
		minCount: '2',
		nominationEndsOn: day(20),
		quotaAdvancedIndividual: '1',
		quotaAdvancedCollective: '1',
		quotaSocialContribution: '',
		...overrides,
	}
}

async function snapshot() {
	const out: Record<string, number> = {}
	for (const t of ['campaign', 'campaignCategory', 'nomination', 'nominationReview', 'objection', 'award', 'event', 'notification'] as const) out[t] = await countRows(ctx.db, t)
	return out
}

async function post(accountId: string | null, campaignId: string, form: Record<string, string | string[]>) {
	return runRoute(pageAction, await requestAs(accountId, `/commendations/${campaignId}`, { form }), { campaignId })
}

async function createViaRoute(overrides: Record<string, string> = {}) {
	const res = await runRoute(newAction, await requestAs(countyOfficial, '/commendations/new', { form: campaignForm(overrides) }))
	expect(res.status).toBe(302)
	const id = res.location?.match(/^\/commendations\/([^?]+)\?notice=created$/)?.[1]
	expect(id, res.location ?? '').toBeTruthy()
	return id as string
}

async function status(campaignId: string) {
	return (await ctx.db.selectFrom('campaign').select('status').where('id', '=', campaignId).executeTakeFirstOrThrow()).status
}

async function render(Component: ComponentType, loaderData: object, url: string, lng = 'zh-CN') {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData, Component }])
	const context = await handler.query(new Request(new URL(url, 'http://localhost')))
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

async function t(lng: string) {
	const i18n = createInstance()
	await i18n.init({ ...i18nConfig, lng, resources })
	return i18n.t
}

describe('/commendations/new', () => {
	it('sends anonymous visitors to the login page and writes nothing', async () => {
		expect((await runRoute(newLoader, await requestAs(null, '/commendations/new'))).location).toMatch(/^\/login\?redirectTo=/)
		const before = await snapshot()
		expect((await runRoute(newAction, await requestAs(null, '/commendations/new', { form: campaignForm() }))).location).toMatch(/^\/login\?redirectTo=/)
		expect(await snapshot()).toEqual(before)
	})

	it('shows the form to an official with their level, and the way back to others', async () => {
		const res = await runRoute(newLoader, await requestAs(countyOfficial, '/commendations/new'))
		expect(res.data.options).toEqual([{ orgId: countyOrg, name: expect.any(String), level: 'county', regionCode: '513431000000', regionName: '四川省 凉山彝族自治州 昭觉县' }])
		const html = await render(NewCampaignPage, res.data, '/commendations/new')
		for (const name of ['title', 'year', 'level', 'organizerOrgId', 'periodStart', 'periodEnd', 'minAmount', 'minCount', 'nominationEndsOn', 'quotaAdvancedIndividual']) expect(html).toContain(`name="${name}"`)
		expect(html).toContain('县级')
		const other = await runRoute(newLoader, await requestAs(stranger, '/commendations/new'))
		expect(other.data.options).toEqual([])
		expect(await render(NewCampaignPage, other.data, '/commendations/new')).not.toContain('<form')
	})

	it('names the field of every bad input in the user’s language and writes nothing', async () => {
		const before = await snapshot()
		const cases: Array<[Record<string, string>, Record<string, string[]>]> = [
			[{ title: '' }, { title: ['commendation.errors.title_required'] }],
			[{ minAmount: '-100' }, { minAmount: ['commendation.errors.min_amount_negative'] }],
			[{ minAmount: '五千' }, { minAmount: ['commendation.errors.min_amount_format'] }],
			[{ minCount: '-2' }, { minCount: ['commendation.errors.min_count_min'] }],
			[{ quotaAdvancedIndividual: '0' }, { quotaAdvancedIndividual: ['commendation.errors.quota_min'] }],
			[{ periodEnd: formatChinaDate(P2025.start - DAY_MS) }, { periodEnd: ['commendation.errors.period_end_before_start'] }],
			[{ nominationEndsOn: '' }, { nominationEndsOn: ['commendation.errors.nomination_ends_required'] }],
		]
		for (const [overrides, errors] of cases) {
			const res = await runRoute(newAction, await requestAs(countyOfficial, '/commendations/new', { form: campaignForm(overrides) }))
			expect(res.status, JSON.stringify(overrides)).toBe(400)
			expect(res.data.result.error).toEqual(errors)
		}
		// A level that is not the official's is refused by the model, on the level field.
		const level = await runRoute(newAction, await requestAs(countyOfficial, '/commendations/new', { form: campaignForm({ level: 'provincial' }) }))
		expect([level.status, level.data.result.error]).toEqual([400, { level: ['commendation.errors.level_mismatch'] }])
		expect(await snapshot()).toEqual(before)
		expect(tm(await t('zh-CN'), 'commendation.errors.min_amount_negative')).toBe('最低核验帮扶金额不能为负数')
		expect(tm(await t('en'), 'commendation.errors.quota_min')).toBe('A quota must be at least 1')
		// A stranger is refused (403) with nothing written.
		const refused = await runRoute(newAction, await requestAs(stranger, '/commendations/new', { form: campaignForm() }))
		expect([refused.status, refused.data.result.error]).toEqual([403, { '': ['commendation.errors.not_official'] }])
		expect(await snapshot()).toEqual(before)
	})
})

describe('/commendations and a campaign page', () => {
	it('lists drafts only to their organizers; a draft page is a 404 for others', async () => {
		const id = await createViaRoute({ title: '草稿表彰' })
		expect((await runRoute(indexLoader, await requestAs(countyOfficial, '/commendations'))).data.rows.map((r: { id: string }) => r.id)).toContain(id)
		expect((await runRoute(indexLoader, await requestAs(null, '/commendations'))).data.rows.map((r: { id: string }) => r.id)).not.toContain(id)
		expect((await runRoute(pageLoader, await requestAs(stranger, `/commendations/${id}`), { campaignId: id })).status).toBe(404)
		const page = await runRoute(pageLoader, await requestAs(countyOfficial, `/commendations/${id}?notice=created`), { campaignId: id })
		expect(page.data.viewer.manages).toBe(true)
		const html = await render(CampaignPage, page.data, `/commendations/${id}`)
		expect(html).toContain('草稿表彰')
		expect(html).toContain('value="open"')
		expect(html).toContain('表彰已创建')
		const index = await runRoute(indexLoader, await requestAs(countyOfficial, '/commendations'))
		expect(await render(CampaignsIndex, index.data, '/commendations')).toContain('href="/commendations/new"')
		// Only the organizing jurisdiction may act on it.
		const before = await snapshot()
		const far = await post(outsideOfficial, id, { intent: 'open' })
		expect(far.status).toBe(404)
		expect(await status(id)).toBe('draft')
		expect(await snapshot()).toEqual(before)
	})

	it('runs the whole flow through the page, from nomination to an award on the honor roll', async () => {
		const id = await createViaRoute()
		expect((await post(countyOfficial, id, { intent: 'open' })).location).toBe(`/commendations/${id}?notice=open`)
		expect(await status(id)).toBe('nominating')

		// The public sees it now; the owner of a provider gets the self-nomination form.
		const seen = await runRoute(pageLoader, await requestAs(owner, `/commendations/${id}`), { campaignId: id })
		expect(seen.data.viewer).toMatchObject({ canNominate: true, selfOrgs: [{ id: provider, name: '国家帮扶单位甲' }] })
		expect(await render(CampaignPage, seen.data, `/commendations/${id}`)).toContain('name="citation"')
		// The county official sees candidates with verified contribution in the region.
		const official = await runRoute(pageLoader, await requestAs(countyOfficial, `/commendations/${id}`), { campaignId: id })
		expect(official.data.candidates.map((c: { orgId: string }) => c.orgId)).toEqual([provider, poorProvider])

		// Refusals: an ineligible org (409, every failed rule named), a plain member (403), a bad form (400).
		let before = await snapshot()
		const poor = await post(poorAdmin, id, { intent: 'nominate', category: 'advanced_collective', orgId: poorProvider, citation: '事迹' })
		expect(poor.status).toBe(409)
		const [message] = poor.data.result.error['']
		expect(tm(await t('zh-CN'), message)).toBe('不符合参评条件：核验帮扶金额 ¥1,200.00，未达到 ¥5,000.00 的门槛；核验帮扶项目 1 项，未达到 2 项的门槛')
		expect(tm(await t('en'), message)).toContain('¥1,200.00 is below the ¥5,000.00 threshold')
		const memberTry = await post(member, id, { intent: 'nominate', category: 'advanced_collective', orgId: provider, citation: '事迹' })
		expect([memberTry.status, memberTry.data.result.error['']]).toEqual([403, ['commendation.errors.self_nomination_admin_only']])
		const outside = await post(outsideOfficial, id, { intent: 'nominate', category: 'advanced_collective', orgId: provider, citation: '事迹' })
		expect([outside.status, outside.data.result.error['']]).toEqual([403, ['commendation.errors.outside_campaign_region']])
		const noName = await post(owner, id, { intent: 'nominate', category: 'advanced_individual', orgId: provider, citation: '事迹' })
		expect([noName.status, noName.data.form, noName.data.result.error]).toEqual([400, 'nominate', { personName: ['commendation.errors.person_name_required'] }])
		expect(await snapshot()).toEqual(before)
		const html = await render(CampaignPage, { ...seen.data }, `/commendations/${id}`)
		expect(html).toContain('name="personName"')

		expect((await post(owner, id, { intent: 'nominate', category: 'advanced_collective', orgId: provider, citation: '三年帮扶花椒产业' })).status).toBe(302)
		expect((await post(owner, id, { intent: 'nominate', category: 'advanced_individual', orgId: provider, personName: '张三', citation: '驻村第一书记' })).status).toBe(302)
		const nominations = await ctx.db.selectFrom('nomination').select(['id', 'category', 'eligibility']).where('campaignId', '=', id).execute()
		expect(nominations).toHaveLength(2)
		expect(JSON.parse(nominations[0].eligibility)).toMatchObject({ amountFen: 600_000, count: 2, eligible: true })
		const collective = nominations.find((n) => n.category === 'advanced_collective')?.id as string
		const individual = nominations.find((n) => n.category === 'advanced_individual')?.id as string

		// Review.
		expect((await post(countyOfficial, id, { intent: 'start-review' })).status).toBe(302)
		const badScore = await post(countyOfficial, id, { intent: 'review', nominationId: collective, score: '120', comment: '好' })
		expect([badScore.status, badScore.data.form, badScore.data.result.error]).toEqual([400, `review-${collective}`, { score: ['commendation.errors.score_max'] }])
		expect((await post(countyOfficial, id, { intent: 'review', nominationId: collective, score: '88', comment: '事迹突出' })).status).toBe(302)
		expect((await post(countyOfficial, id, { intent: 'review', nominationId: individual, score: '75', comment: '较好' })).status).toBe(302)
		const reviewing = await runRoute(pageLoader, await requestAs(countyOfficial, `/commendations/${id}`), { campaignId: id })
		const row = reviewing.data.nominations.find((n: { id: string }) => n.id === collective)
		expect(row).toMatchObject({ meanScore: 88, reviewCount: 1, liveEligibility: { eligible: true } })
		const reviewHtml = await render(CampaignPage, reviewing.data, `/commendations/${id}`)
		expect(reviewHtml).toContain('平均分 88（1 份评分）')
		expect(reviewHtml).toContain('name="shortlist"')
		expect(reviewHtml).toContain('核验帮扶金额 ¥6,000（门槛 ¥5,000）')

		// The notice: a window shorter than five days is refused by field.
		before = await snapshot()
		const short = await post(countyOfficial, id, { intent: 'start-notice', noticeStartsOn: day(0), noticeEndsOn: day(2), shortlist: [collective, individual] })
		expect([short.status, short.data.result.error]).toEqual([400, { noticeEndsOn: ['commendation.errors.notice_too_short|{"days":5}'] }])
		expect(await snapshot()).toEqual(before)
		expect((await post(countyOfficial, id, { intent: 'start-notice', noticeStartsOn: day(0), noticeEndsOn: day(6), shortlist: [collective, individual] })).status).toBe(302)
		expect(await status(id)).toBe('notice')

		// An objection: anonymous visitors are sent to log in; a signed-in user may object; the organizer is told.
		expect((await post(null, id, { intent: 'object', nominationId: individual, reason: '不实' })).location).toMatch(/^\/login/)
		const publicView = await runRoute(pageLoader, await requestAs(stranger, `/commendations/${id}`), { campaignId: id })
		expect(publicView.data.viewer.canObject).toBe(true)
		expect(await render(CampaignPage, publicView.data, `/commendations/${id}`)).toContain('value="object"')
		const emptyReason = await post(stranger, id, { intent: 'object', nominationId: individual, reason: '  ' })
		expect([emptyReason.status, emptyReason.data.form, emptyReason.data.result.error]).toEqual([400, `object-${individual}`, { reason: ['commendation.errors.objection_reason_required'] }])
		expect((await post(stranger, id, { intent: 'object', nominationId: individual, reason: '张三已调离该单位' })).status).toBe(302)
		const told = await ctx.db.selectFrom('notification').select(['accountId', 'kind']).where('kind', '=', 'objection_filed').where('entityId', '=', id).execute()
		expect(told).toEqual([{ accountId: countyOfficial, kind: 'objection_filed' }])

		// Deciding too early, or with an open objection, is refused.
		const early = await post(countyOfficial, id, { intent: 'decide' })
		expect(early.status).toBe(409)
		expect(tm(await t('zh-CN'), early.data.result.error[''][0])).toBe(`公示期至 ${day(6)} 结束，结束后才能作出决定`)
		const objection = await ctx.db.selectFrom('objection').select('id').where('nominationId', '=', individual).executeTakeFirstOrThrow()
		const noText = await post(countyOfficial, id, { intent: 'resolve', objectionId: objection.id, decision: 'upheld', resolution: '' })
		expect([noText.status, noText.data.result.error]).toEqual([400, { resolution: ['commendation.errors.resolution_required'] }])
		expect((await post(countyOfficial, id, { intent: 'resolve', objectionId: objection.id, decision: 'upheld', resolution: '异议属实' })).status).toBe(302)
		expect((await ctx.db.selectFrom('nomination').select('status').where('id', '=', individual).executeTakeFirstOrThrow()).status).toBe('rejected')

		// The window passes (moved back in the database: the route reads the clock).
		await ctx.db
			.updateTable('campaign')
			.set({ noticeStartsAt: Date.now() - 8 * DAY_MS, noticeEndsAt: Date.now() - DAY_MS })
			.where('id', '=', id)
			.execute()
		before = await snapshot()
		const late = await post(stranger, id, { intent: 'object', nominationId: collective, reason: '迟到的异议' })
		expect(late.status).toBe(409)
		expect(late.data.result.error[''][0]).toMatch(/^commendation\.errors\.notice_ended\|/)
		expect(await snapshot()).toEqual(before)

		expect((await post(countyOfficial, id, { intent: 'decide' })).location).toBe(`/commendations/${id}?notice=decide`)
		expect(await status(id)).toBe('decided')
		const award = await ctx.db.selectFrom('award').selectAll().where('campaignId', '=', id).execute()
		expect(award.map((a) => [a.nominationId, a.certificateNo])).toEqual([[collective, '2025-513431000000-001']])
		const granted = await ctx.db.selectFrom('notification').select('accountId').where('kind', '=', 'award_granted').execute()
		expect(granted.map((g) => g.accountId).sort()).toEqual([owner, member].sort())
		const decided = await runRoute(pageLoader, await requestAs(null, `/commendations/${id}`), { campaignId: id })
		expect(decided.data.nominations.map((n: { id: string }) => n.id)).toEqual([collective])
		const decidedHtml = await render(CampaignPage, decided.data, `/commendations/${id}`)
		expect(decidedHtml).toContain(`href="/honors/certificates/${award[0].id}"`)
		expect(decidedHtml).not.toContain('张三')
	})

	it('refuses an objection before the notice starts and writes nothing', async () => {
		const id = await createViaRoute({ title: '预告公示' })
		await post(countyOfficial, id, { intent: 'open' })
		await post(owner, id, { intent: 'nominate', category: 'advanced_collective', orgId: provider, citation: '事迹' })
		await post(countyOfficial, id, { intent: 'start-review' })
		const n = await ctx.db.selectFrom('nomination').select('id').where('campaignId', '=', id).executeTakeFirstOrThrow()
		expect((await post(countyOfficial, id, { intent: 'start-notice', noticeStartsOn: day(2), noticeEndsOn: day(8), shortlist: n.id })).status).toBe(302)
		const before = await snapshot()
		const res = await post(stranger, id, { intent: 'object', nominationId: n.id, reason: '有异议' })
		expect(res.status).toBe(409)
		expect(tm(await t('zh-CN'), res.data.result.error[''][0])).toBe(`公示尚未开始（${day(2)} 开始），暂不能提出异议`)
		expect(await snapshot()).toEqual(before)
		const page = await runRoute(pageLoader, await requestAs(stranger, `/commendations/${id}`), { campaignId: id })
		expect(page.data.viewer.canObject).toBe(false)
		expect(await render(CampaignPage, page.data, `/commendations/${id}`)).toContain(`公示将于 ${day(2)} 开始`)
		// Cancel needs a reason, and only the organizers.
		const noReason = await post(countyOfficial, id, { intent: 'cancel', reason: '' })
		expect([noReason.status, noReason.data.result.error]).toEqual([400, { reason: ['commendation.errors.reason_required'] }])
		expect((await post(outsideOfficial, id, { intent: 'cancel', reason: '撤销' })).status).toBe(403)
		expect((await post(countyOfficial, id, { intent: 'cancel', reason: '工作调整' })).status).toBe(302)
		expect(await status(id)).toBe('cancelled')
		expect((await post(countyOfficial, id, { intent: 'fly' })).status).toBe(400)
	})
})
