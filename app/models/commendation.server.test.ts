import { createInstance } from 'i18next'
import type { Kysely } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CommitmentStatus, DB, Measure } from '#db/schema.ts'
import i18nConfig, { resources } from '#app/i18n.ts'
import { AppError } from '#app/utils/errors.ts'
import { DAY_MS, chinaDayStart, chinaPeriod, formatChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { tm } from '#app/utils/i18n-message.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, needRow, seedRegions } from '#tests/factories.ts'
import { AWARD_CATEGORIES, campaignSchema, noticeSchema } from './commendation.schema.ts'
import {
	NOT_SHORTLISTED_NOTE,
	cancelCampaign,
	checkEligibility,
	createCampaign,
	decideCampaign,
	fileObjection,
	getCampaignDetail,
	getCertificate,
	listCampaigns,
	listHonors,
	nominate,
	openNominations,
	rejectNomination,
	resolveObjection,
	reviewNomination,
	startNotice,
	startReview,
	contributionLeaderboard,
} from './commendation.server.ts'
import type { Actor } from './policy.server.ts'

const TODAY = chinaDayStart(Date.now())
const day = (n: number) => formatChinaDate(TODAY + n * DAY_MS)
const P2025 = chinaPeriod(2025)
const MID_2025 = P2025.start + 120 * DAY_MS

async function insertCommitment(
	db: Kysely<DB>,
	c: { providerOrgId: string; villageOrgId: string; villageCode: string; amount: number; status?: CommitmentStatus; verifiedAt?: number | null; measure?: Measure; createdBy: string },
) {
	const now = Date.now()
	const needId = newId()
	const measure = c.measure ?? 'amount'
	await db
		.insertInto('need')
		.values(needRow({ id: needId, villageOrgId: c.villageOrgId, villageCode: c.villageCode, title: '测试需求', measure, unit: measure === 'quantity' ? '人' : null, target: c.amount * 10, neededBy: now + 30 * DAY_MS, createdBy: c.createdBy }))
		.execute()
	const id = newId()
	await db
		.insertInto('commitment')
		.values({
			id,
			needId,
			offerId: null,
			providerOrgId: c.providerOrgId,
			villageOrgId: c.villageOrgId,
			villageCode: c.villageCode,
			amount: c.amount,
			deliveredAmount: c.amount,
			status: c.status ?? 'verified',
			message: '',
			dueAt: now,
			lapseAt: now,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: now,
			deliveryStartedAt: now,
			deliveredAt: now,
			verifiedAt: c.verifiedAt === undefined ? MID_2025 : c.verifiedAt,
			verifiedBy: null,
			closedAt: null,
			createdBy: c.createdBy,
			createdAt: now,
			updatedAt: now,
		})
		.execute()
	return id
}

async function openAccountability(db: Kysely<DB>, orgId: string, recordedBy: string) {
	await db
		.insertInto('accountabilityRecord')
		.values({ id: newId(), subjectType: 'org', subjectId: orgId, regionCode: '', failure: '承诺未履行', measures: '约谈', status: 'open', recordedBy, recorderOrgId: '', closeNote: null, closedBy: null, closedAt: null, createdAt: Date.now() })
		.execute()
}

/** The county campaign form: 昭觉县 2025, ¥5,000 and 2 commitments, quotas 1/1/2. */
function campaignForm(overrides: Record<string, string> = {}) {
	return {
		title: '2025 年度昭觉县乡村振兴社会帮扶表彰',
		year: '2025',
		level: 'county',
		organizerOrgId: '',
		description: '表彰 2025 年度为昭觉县乡村振兴作出突出贡献的单位和个人',
		periodStart: formatChinaDate(P2025.start),
		periodEnd: formatChinaDate(P2025.end - DAY_MS),
		minAmount: '5000',
		minCount: '2',
		nominationEndsOn: day(20),
		quotaAdvancedIndividual: '1',
		quotaAdvancedCollective: '1',
		quotaSocialContribution: '2',
		...overrides,
	}
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
	try {
		await promise
	} catch (error) {
		if (error instanceof AppError) return error
		throw error
	}
	throw new Error('expected an AppError')
}

async function translator(lng: string) {
	const i18n = createInstance()
	await i18n.init({ ...i18nConfig, lng, resources })
	return i18n.t
}

const WRITTEN = ['campaign', 'campaignCategory', 'nomination', 'nominationReview', 'objection', 'award', 'event', 'notification'] as const

describeDb('commendation', (ctx) => {
	let county: Actor // 昭觉县 government: organizes
	let township: Actor // 新城镇 (inside 昭觉县): may nominate, may not manage
	let outside: Actor // 浙江省: outside the region
	let province: Actor // 四川省
	let admin: Actor // national admin without a government org
	let ownerA: Actor // owner of provider A (eligible)
	let adminB: Actor // admin of provider B (too little)
	let memberA: Actor // plain member of provider A
	let stranger: Actor
	let providerA: string
	let providerB: string
	let providerC: string // open accountability record
	let providerD: string // a disputed commitment
	let pendingE: string // not verified
	let sanhe: string
	let countyOrgId: string

	async function snapshot() {
		const out: Record<string, number> = {}
		for (const t of WRITTEN) out[t] = await countRows(ctx.db, t)
		return out
	}

	beforeAll(async () => {
		await seedRegions(ctx.db)
		county = await makeOfficial(ctx.db, '513431000000')
		countyOrgId = county.memberships[0].orgId
		township = await makeOfficial(ctx.db, '513431100000')
		outside = await makeOfficial(ctx.db, '330000000000')
		province = await makeOfficial(ctx.db, '510000000000')
		admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)
		const owner = await makeAccount(ctx.db)
		providerA = await makeOrg(ctx.db, 'central_unit', { ownerId: owner.id, name: '国家帮扶单位甲' })
		const member = await makeAccount(ctx.db)
		await ctx.db.insertInto('membership').values({ orgId: providerA, accountId: member.id, role: 'member', createdAt: Date.now() }).execute()
		ownerA = await actorFor(ctx.db, owner.id)
		memberA = await actorFor(ctx.db, member.id)
		const bAdmin = await makeAccount(ctx.db)
		providerB = await makeOrg(ctx.db, 'enterprise', { name: '企业乙' })
		await ctx.db.insertInto('membership').values({ orgId: providerB, accountId: bAdmin.id, role: 'admin', createdAt: Date.now() }).execute()
		adminB = await actorFor(ctx.db, bAdmin.id)
		providerC = await makeOrg(ctx.db, 'social_org', { name: '社会组织丙' })
		providerD = await makeOrg(ctx.db, 'mass_org', { name: '工会丁' })
		const eOwner = await makeAccount(ctx.db)
		pendingE = await makeOrg(ctx.db, 'social_org', { status: 'pending', ownerId: eOwner.id, name: '待认证戊' })
		stranger = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		sanhe = await makeOrg(ctx.db, 'village', { regionCode: '513431100201' })
		const guangming = await makeOrg(ctx.db, 'village', { regionCode: '513432100201' })
		const by = owner.id
		const put = (org: string, amount: number, extra: { status?: CommitmentStatus; verifiedAt?: number | null; village?: 'guangming' } = {}) =>
			insertCommitment(ctx.db, {
				providerOrgId: org,
				villageOrgId: extra.village ? guangming : sanhe,
				villageCode: extra.village ? '513432100201' : '513431100201',
				amount,
				createdBy: by,
				status: extra.status,
				verifiedAt: extra.verifiedAt,
			})
		// A: ¥6,000 in two commitments to 昭觉县 in 2025 (plus ¥90,000 to 喜德县, outside the region).
		await put(providerA, 400_000)
		await put(providerA, 200_000, { status: 'closed' })
		await put(providerA, 9_000_000, { village: 'guangming' })
		// B: ¥1,200 in one commitment (and ¥50,000 verified in 2024: outside the period).
		await put(providerB, 120_000)
		await put(providerB, 5_000_000, { verifiedAt: P2025.start - DAY_MS })
		// C: plenty, but an open accountability record.
		await put(providerC, 1_000_000)
		await put(providerC, 1_000_000)
		await openAccountability(ctx.db, providerC, county.accountId)
		// D: plenty, but one commitment is disputed right now.
		await put(providerD, 1_000_000)
		await put(providerD, 1_000_000)
		await put(providerD, 10_000, { status: 'disputed', verifiedAt: null })
	})

	describe('creating a campaign', () => {
		it('a county official creates a draft county campaign for the county, thresholds in fen, with an event', async () => {
			const { id } = await createCampaign(ctx.db, campaignForm(), county)
			const row = await ctx.db.selectFrom('campaign').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
			expect(row).toMatchObject({ level: 'county', regionCode: '513431000000', organizerOrgId: countyOrgId, status: 'draft', year: 2025 })
			expect(Number(row.minVerifiedAmount)).toBe(500_000)
			expect(Number(row.minVerifiedCount)).toBe(2)
			expect(Number(row.periodStart)).toBe(P2025.start)
			expect(Number(row.periodEnd)).toBe(P2025.end)
			expect(Number(row.nominationEndsAt)).toBe(TODAY + 21 * DAY_MS)
			const cats = await ctx.db.selectFrom('campaignCategory').select(['category', 'quota']).where('campaignId', '=', id).orderBy('category').execute()
			expect(cats.map((c) => [c.category, Number(c.quota)])).toEqual([
				['advanced_collective', 1],
				['advanced_individual', 1],
				['social_contribution', 2],
			])
			const events = await ctx.db.selectFrom('event').select(['action', 'toState', 'actorOrgId']).where('entityId', '=', id).execute()
			expect(events).toEqual([{ action: 'create', toState: 'draft', actorOrgId: countyOrgId }])
			// A draft is the organizers' only.
			expect((await listCampaigns(ctx.db, county)).map((c) => c.id)).toContain(id)
			expect((await listCampaigns(ctx.db, stranger)).map((c) => c.id)).not.toContain(id)
			expect((await listCampaigns(ctx.db, null)).map((c) => c.id)).not.toContain(id)
			expect(await getCampaignDetail(ctx.db, id, township)).toBeUndefined()
		})

		it('refuses a level that is not the official’s, national campaigns for non-admins, and townships', async () => {
			const before = await snapshot()
			expect((await caught(createCampaign(ctx.db, campaignForm({ level: 'provincial' }), county))).fields).toEqual({ level: 'commendation.errors.level_mismatch' })
			expect((await caught(createCampaign(ctx.db, campaignForm({ level: 'national' }), county))).fields).toEqual({ level: 'commendation.errors.level_national_admin_only' })
			expect((await caught(createCampaign(ctx.db, campaignForm({ level: 'county', organizerOrgId: province.memberships[0].orgId }), county))).fields).toEqual({
				organizerOrgId: 'commendation.errors.organizer_invalid',
			})
			const e = await caught(createCampaign(ctx.db, campaignForm(), township))
			expect([e.code, e.message]).toEqual(['forbidden', 'commendation.errors.not_official'])
			expect((await caught(createCampaign(ctx.db, campaignForm(), stranger))).code).toBe('forbidden')
			expect(await snapshot()).toEqual(before)
		})

		it('a provincial official makes provincial campaigns; a national admin national ones (region "")', async () => {
			const p = await createCampaign(ctx.db, campaignForm({ level: 'provincial', title: '四川省表彰' }), province)
			const n = await createCampaign(ctx.db, campaignForm({ level: 'national', title: '全国表彰' }), admin)
			const rows = await ctx.db.selectFrom('campaign').select(['id', 'level', 'regionCode', 'organizerOrgId']).where('id', 'in', [p.id, n.id]).orderBy('id').execute()
			expect(rows).toEqual([
				{ id: p.id, level: 'provincial', regionCode: '510000000000', organizerOrgId: province.memberships[0].orgId },
				{ id: n.id, level: 'national', regionCode: '', organizerOrgId: '' },
			])
		})

		it('names the field of every bad input and writes nothing', async () => {
			const before = await snapshot()
			const cases: Array<[Record<string, string>, Record<string, string>]> = [
				[{ title: '  ' }, { title: 'commendation.errors.title_required' }],
				[{ minAmount: '-5' }, { minAmount: 'commendation.errors.min_amount_negative' }],
				[{ minAmount: 'abc' }, { minAmount: 'commendation.errors.min_amount_format' }],
				[{ minAmount: '1.234' }, { minAmount: 'commendation.errors.min_amount_format' }],
				[{ minCount: '-1' }, { minCount: 'commendation.errors.min_count_min' }],
				[{ minCount: 'two' }, { minCount: 'commendation.errors.min_count_format' }],
				[{ quotaAdvancedIndividual: '0' }, { quotaAdvancedIndividual: 'commendation.errors.quota_min' }],
				[{ quotaSocialContribution: '-3' }, { quotaSocialContribution: 'commendation.errors.quota_min' }],
				[{ quotaAdvancedIndividual: '', quotaAdvancedCollective: '', quotaSocialContribution: '' }, { quotaAdvancedIndividual: 'commendation.errors.categories_required' }],
				[{ periodEnd: formatChinaDate(P2025.start - DAY_MS) }, { periodEnd: 'commendation.errors.period_end_before_start' }],
				[{ periodStart: '2025-02-30' }, { periodStart: 'commendation.errors.period_start_format' }],
				[{ nominationEndsOn: day(-1) }, { nominationEndsOn: 'commendation.errors.nomination_ends_past' }],
				[{ year: '25' }, { year: 'commendation.errors.year_invalid' }],
				[{ level: 'township' }, { level: 'commendation.errors.level_invalid' }],
			]
			const zh = await translator('zh-CN')
			const en = await translator('en')
			for (const [overrides, fields] of cases) {
				const e = await caught(createCampaign(ctx.db, campaignForm(overrides), county))
				expect(e.code, JSON.stringify(overrides)).toBe('invalid')
				expect(e.fields, JSON.stringify(overrides)).toEqual(fields)
				for (const message of Object.values(fields)) {
					expect(zh(message)).not.toBe(message)
					expect(en(message)).not.toBe(message)
				}
			}
			expect(await snapshot()).toEqual(before)
		})
	})

	describe('the full flow', () => {
		let campaignId: string
		let nomA: string // A, 先进集体
		let nomAPerson: string // A, 先进个人 (张三)
		let nomTownship: string // A, 社会帮扶贡献奖, by the township official

		beforeAll(async () => {
			campaignId = (await createCampaign(ctx.db, campaignForm({ title: '昭觉县 2025 年度表彰' }), county)).id
		})

		it('only the organizing jurisdiction opens nominations; nobody may nominate in a draft', async () => {
			expect((await caught(nominate(ctx.db, campaignId, { category: 'advanced_collective', orgId: providerA, citation: '事迹' }, ownerA))).code).toBe('not_found')
			expect((await caught(openNominations(ctx.db, campaignId, township))).code).toBe('not_found')
			expect((await caught(openNominations(ctx.db, campaignId, province))).code).toBe('not_found')
			await openNominations(ctx.db, campaignId, county)
			expect((await ctx.db.selectFrom('campaign').select('status').where('id', '=', campaignId).executeTakeFirstOrThrow()).status).toBe('nominating')
			expect((await caught(openNominations(ctx.db, campaignId, county))).message).toBe('commendation.errors.not_draft')
			// Out of draft: managers still only the county, but everybody sees it.
			expect((await caught(startReview(ctx.db, campaignId, township))).message).toBe('commendation.errors.not_organizer')
			expect(await getCampaignDetail(ctx.db, campaignId, null)).toBeDefined()
		})

		it('accepts an eligible self-nomination and stores the check’s figures', async () => {
			const { id, eligibility } = await nominate(ctx.db, campaignId, { category: 'advanced_collective', orgId: providerA, citation: '三年帮扶三河村花椒产业' }, ownerA)
			nomA = id
			expect(eligibility).toMatchObject({ eligible: true, failed: [], amountFen: 600_000, minAmountFen: 500_000, count: 2, minCount: 2, openAccountability: 0, disputed: 0 })
			const row = await ctx.db.selectFrom('nomination').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
			expect(row).toMatchObject({ status: 'nominated', selfNominated: 1, nominatorOrgId: providerA, personName: '', orgId: providerA })
			expect(JSON.parse(row.eligibility)).toMatchObject({ amountFen: 600_000, count: 2, eligible: true })
			const event = await ctx.db.selectFrom('event').select(['action', 'toState']).where('entityId', '=', id).executeTakeFirstOrThrow()
			expect(event).toEqual({ action: 'self_nominate', toState: 'nominated' })
		})

		it('requires a person for 先进个人 and none for the collective awards', async () => {
			const before = await snapshot()
			expect((await caught(nominate(ctx.db, campaignId, { category: 'advanced_individual', orgId: providerA, citation: '事迹' }, ownerA))).fields).toEqual({
				personName: 'commendation.errors.person_name_required',
			})
			expect((await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: providerA, personName: '张三', citation: '事迹' }, ownerA))).fields).toEqual({
				personName: 'commendation.errors.person_name_not_allowed',
			})
			expect((await caught(nominate(ctx.db, campaignId, { category: 'advanced_individual', orgId: providerA, personName: '张三', citation: '' }, ownerA))).fields).toEqual({
				citation: 'commendation.errors.citation_required',
			})
			expect(await snapshot()).toEqual(before)
			nomAPerson = (await nominate(ctx.db, campaignId, { category: 'advanced_individual', orgId: providerA, personName: '张三', citation: '驻村第一书记' }, ownerA)).id
			// The same nominee twice in a category is refused.
			expect((await caught(nominate(ctx.db, campaignId, { category: 'advanced_individual', orgId: providerA, personName: '张三', citation: '再推' }, ownerA))).message).toBe('commendation.errors.already_nominated')
		})

		it('refuses an ineligible org naming every failed rule with its figures, in both languages, writing nothing', async () => {
			const before = await snapshot()
			const zh = await translator('zh-CN')
			const en = await translator('en')
			const amount = await caught(nominate(ctx.db, campaignId, { category: 'advanced_collective', orgId: providerB, citation: '事迹' }, adminB))
			expect(amount.code).toBe('conflict')
			expect(tm(zh, amount.message)).toBe('不符合参评条件：核验帮扶金额 ¥1,200.00，未达到 ¥5,000.00 的门槛；核验帮扶项目 1 项，未达到 2 项的门槛')
			expect(tm(en, amount.message)).toBe('Not eligible: verified contribution of ¥1,200.00 is below the ¥5,000.00 threshold; 1 verified commitments, below the threshold of 2')

			const accountability = await caught(nominate(ctx.db, campaignId, { category: 'advanced_collective', orgId: providerC, citation: '事迹' }, township))
			expect(tm(zh, accountability.message)).toBe('不符合参评条件：有 1 条未结问责记录')

			const disputed = await caught(nominate(ctx.db, campaignId, { category: 'advanced_collective', orgId: providerD, citation: '事迹' }, township))
			expect(tm(zh, disputed.message)).toBe('不符合参评条件：有 1 项帮扶承诺正处于核验争议中')
			expect(tm(en, disputed.message)).toBe('Not eligible: 1 commitment(s) currently disputed')
			expect(await snapshot()).toEqual(before)
		})

		it('names all four rules at once when all fail', async () => {
			const worst = await makeOrg(ctx.db, 'social_org', { name: '全不合格' })
			await openAccountability(ctx.db, worst, county.accountId)
			await insertCommitment(ctx.db, { providerOrgId: worst, villageOrgId: sanhe, villageCode: '513431100201', amount: 1, status: 'disputed', verifiedAt: null, createdBy: county.accountId })
			const e = await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: worst, citation: '事迹' }, township))
			expect(tm(await translator('zh-CN'), e.message)).toBe(
				'不符合参评条件：核验帮扶金额 ¥0.00，未达到 ¥5,000.00 的门槛；核验帮扶项目 0 项，未达到 2 项的门槛；有 1 条未结问责记录；有 1 项帮扶承诺正处于核验争议中',
			)
			const check = await checkEligibility(ctx.db, { regionCode: '513431000000', periodStart: P2025.start, periodEnd: P2025.end, minVerifiedAmount: 500_000, minVerifiedCount: 2 }, worst)
			expect(check.failed).toEqual(['amount', 'count', 'accountability', 'disputed'])
		})

		it('refuses nominators outside the rules: a plain member, an outside official, a stranger, an unverified org', async () => {
			const before = await snapshot()
			const member = await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: providerA, citation: '事迹' }, memberA))
			expect([member.code, member.message]).toEqual(['forbidden', 'commendation.errors.self_nomination_admin_only'])
			const far = await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: providerA, citation: '事迹' }, outside))
			expect([far.code, far.message]).toEqual(['forbidden', 'commendation.errors.outside_campaign_region'])
			const nobody = await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: providerA, citation: '事迹' }, stranger))
			expect([nobody.code, nobody.message]).toEqual(['forbidden', 'commendation.errors.not_nominator'])
			const eOwner = await actorFor(ctx.db, (await ctx.db.selectFrom('membership').select('accountId').where('orgId', '=', pendingE).executeTakeFirstOrThrow()).accountId)
			const pending = await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: pendingE, citation: '事迹' }, eOwner))
			expect([pending.code, pending.message]).toEqual(['forbidden', 'commendation.errors.org_not_verified'])
			// An official within the region may not nominate an unverified org or a village either.
			expect((await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: pendingE, citation: '事迹' }, township))).fields).toEqual({ orgId: 'commendation.errors.org_not_verified' })
			expect((await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: sanhe, citation: '事迹' }, township))).fields).toEqual({ orgId: 'commendation.errors.org_kind_not_eligible' })
			expect(await snapshot()).toEqual(before)
		})

		it('lets an official within the region nominate any verified provider', async () => {
			nomTownship = (await nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: providerA, citation: '消费帮扶' }, township)).id
			const row = await ctx.db.selectFrom('nomination').select(['selfNominated', 'nominatorOrgId', 'nominatedBy']).where('id', '=', nomTownship).executeTakeFirstOrThrow()
			expect(row).toEqual({ selfNominated: 0, nominatorOrgId: township.memberships[0].orgId, nominatedBy: township.accountId })
		})

		it('refuses nominations after the nomination end date', async () => {
			const campaign = await ctx.db.selectFrom('campaign').select('nominationEndsAt').where('id', '=', campaignId).executeTakeFirstOrThrow()
			const late = await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: providerA, citation: '事迹' }, ownerA, Number(campaign.nominationEndsAt)))
			expect(late.message).toBe('commendation.errors.nomination_closed')
		})

		it('scores only while reviewing, one review per reviewer (updatable), by the organizing jurisdiction', async () => {
			expect((await caught(reviewNomination(ctx.db, nomA, { score: '80', comment: '好' }, county))).message).toBe('commendation.errors.not_reviewing')
			await startReview(ctx.db, campaignId, county)
			expect((await caught(nominate(ctx.db, campaignId, { category: 'social_contribution', orgId: providerA, citation: '事迹' }, ownerA))).message).toBe('commendation.errors.nominations_not_open')
			const bad = await caught(reviewNomination(ctx.db, nomA, { score: '101', comment: '好' }, county))
			expect(bad.fields).toEqual({ score: 'commendation.errors.score_max' })
			expect((await caught(reviewNomination(ctx.db, nomA, { score: 'x', comment: '好' }, county))).fields).toEqual({ score: 'commendation.errors.score_format' })
			expect((await caught(reviewNomination(ctx.db, nomA, { score: '90', comment: '好' }, township))).code).toBe('forbidden')
			expect(await reviewNomination(ctx.db, nomA, { score: '70', comment: '尚可' }, county)).toEqual({ updated: false })
			expect(await reviewNomination(ctx.db, nomA, { score: '90', comment: '突出' }, county)).toEqual({ updated: true })
			const colleague = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
			await ctx.db.insertInto('membership').values({ orgId: countyOrgId, accountId: colleague.accountId, role: 'member', createdAt: Date.now() }).execute()
			await reviewNomination(ctx.db, nomA, { score: '80', comment: '良好' }, await actorFor(ctx.db, colleague.accountId))
			expect(await countRows(ctx.db, 'nominationReview')).toBe(2)
			const detail = await getCampaignDetail(ctx.db, campaignId, county)
			const a = detail?.nominations.find((n) => n.id === nomA)
			expect(a).toMatchObject({ meanScore: 85, reviewCount: 2, myReview: { score: 90, comment: '突出' } })
			expect(a?.liveEligibility).toMatchObject({ eligible: true, amountFen: 600_000 })
			// The public does not see scores, nor nominations before the notice.
			expect((await getCampaignDetail(ctx.db, campaignId, null))?.nominations).toEqual([])
		})

		it('rejects a nomination with a reason', async () => {
			const extra = (await ctx.db.selectFrom('nomination').select('id').where('id', '=', nomTownship).executeTakeFirstOrThrow()).id
			expect((await caught(rejectNomination(ctx.db, extra, { reason: '' }, county))).fields).toEqual({ reason: 'commendation.errors.reason_required' })
			expect((await caught(rejectNomination(ctx.db, extra, { reason: '材料不全' }, outside))).code).toBe('forbidden')
			await rejectNomination(ctx.db, extra, { reason: '材料不全' }, county)
			expect(await ctx.db.selectFrom('nomination').select(['status', 'statusNote']).where('id', '=', extra).executeTakeFirstOrThrow()).toEqual({ status: 'rejected', statusNote: '材料不全' })
		})

		it('starts the notice only with a valid window and a shortlist within quota; the rest are rejected', async () => {
			const before = await snapshot()
			const pick = { noticeStartsOn: day(0), noticeEndsOn: day(6) }
			// A second collective nomination so the quota of 1 can be exceeded.
			const otherCollective = await makeOrg(ctx.db, 'enterprise', { name: '企业己' })
			await insertCommitment(ctx.db, { providerOrgId: otherCollective, villageOrgId: sanhe, villageCode: '513431100201', amount: 300_000, createdBy: county.accountId })
			await insertCommitment(ctx.db, { providerOrgId: otherCollective, villageOrgId: sanhe, villageCode: '513431100201', amount: 300_000, createdBy: county.accountId })
			await ctx.db.updateTable('campaign').set({ status: 'nominating' }).where('id', '=', campaignId).execute()
			const nomOther = (await nominate(ctx.db, campaignId, { category: 'advanced_collective', orgId: otherCollective, citation: '产业帮扶' }, township)).id
			await ctx.db.updateTable('campaign').set({ status: 'reviewing' }).where('id', '=', campaignId).execute()
			const mid = await snapshot()
			expect((await caught(startNotice(ctx.db, campaignId, { ...pick, shortlist: [nomA, nomOther] }, county))).fields).toEqual({
				shortlist: 'commendation.errors.over_quota_advanced_collective|{"quota":1,"chosen":2}',
			})
			expect((await caught(startNotice(ctx.db, campaignId, { ...pick, noticeEndsOn: day(3), shortlist: [nomA] }, county))).fields).toEqual({
				noticeEndsOn: 'commendation.errors.notice_too_short|{"days":5}',
			})
			expect((await caught(startNotice(ctx.db, campaignId, { ...pick, noticeStartsOn: day(-1), shortlist: [nomA] }, county))).fields).toMatchObject({
				noticeStartsOn: 'commendation.errors.notice_starts_past',
			})
			expect((await caught(startNotice(ctx.db, campaignId, { ...pick, shortlist: [] }, county))).fields).toEqual({ shortlist: 'commendation.errors.shortlist_required' })
			expect((await caught(startNotice(ctx.db, campaignId, { ...pick, shortlist: [nomTownship] }, county))).fields).toEqual({ shortlist: 'commendation.errors.shortlist_unknown' })
			expect((await caught(startNotice(ctx.db, campaignId, { ...pick, shortlist: [nomA] }, township))).code).toBe('forbidden')
			expect(await snapshot()).toEqual(mid)
			expect(mid.nomination).toBe(before.nomination + 1)

			const now = Date.now()
			const result = await startNotice(ctx.db, campaignId, { ...pick, shortlist: [nomA, nomAPerson] }, county, now)
			expect(result).toEqual({ id: campaignId, shortlisted: 2, rejected: 1 })
			const c = await ctx.db.selectFrom('campaign').select(['status', 'noticeStartsAt', 'noticeEndsAt']).where('id', '=', campaignId).executeTakeFirstOrThrow()
			expect(c.status).toBe('notice')
			expect(Number(c.noticeStartsAt)).toBe(now)
			expect(Number(c.noticeEndsAt)).toBe(TODAY + 7 * DAY_MS)
			expect(await ctx.db.selectFrom('nomination').select(['status', 'statusNote']).where('id', '=', nomOther).executeTakeFirstOrThrow()).toEqual({ status: 'rejected', statusNote: NOT_SHORTLISTED_NOTE })
			// The public now sees the shortlist, without scores.
			const seen = (await getCampaignDetail(ctx.db, campaignId, null))?.nominations ?? []
			expect(seen.map((n) => n.id).sort()).toEqual([nomA, nomAPerson].sort())
			expect(seen.every((n) => n.meanScore === null && n.objections.length === 0)).toBe(true)
		})

		it('takes objections only within the notice window, telling the organizing org', async () => {
			const c = await ctx.db.selectFrom('campaign').select(['noticeStartsAt', 'noticeEndsAt']).where('id', '=', campaignId).executeTakeFirstOrThrow()
			const before = await snapshot()
			const early = await caught(fileObjection(ctx.db, nomA, { reason: '数据有误' }, stranger, Number(c.noticeStartsAt) - 1))
			expect([early.code, early.message]).toEqual(['conflict', `commendation.errors.notice_not_started|{"date":"${formatChinaDate(Number(c.noticeStartsAt))}"}`])
			const late = await caught(fileObjection(ctx.db, nomA, { reason: '数据有误' }, stranger, Number(c.noticeEndsAt)))
			expect([late.code, late.message]).toEqual(['conflict', `commendation.errors.notice_ended|{"date":"${day(6)}"}`])
			expect(tm(await translator('zh-CN'), late.message)).toBe(`公示已于 ${day(6)} 结束，不能再提出异议`)
			expect((await caught(fileObjection(ctx.db, nomA, { reason: '' }, stranger))).fields).toEqual({ reason: 'commendation.errors.objection_reason_required' })
			expect((await caught(fileObjection(ctx.db, nomA, { reason: 'x'.repeat(1001) }, stranger))).fields).toEqual({ reason: 'commendation.errors.objection_reason_too_long|{"max":1000}' })
			const notShortlisted = await ctx.db.selectFrom('nomination').select('id').where('campaignId', '=', campaignId).where('status', '=', 'rejected').executeTakeFirstOrThrow()
			expect((await caught(fileObjection(ctx.db, notShortlisted.id, { reason: '有异议' }, stranger))).message).toBe('commendation.errors.nomination_not_shortlisted')
			expect(await snapshot()).toEqual(before)

			const { id } = await fileObjection(ctx.db, nomA, { reason: '该单位部分帮扶资金未到位' }, stranger)
			expect(await ctx.db.selectFrom('objection').select(['status', 'accountId', 'nominationId']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({ status: 'open', accountId: stranger.accountId, nominationId: nomA })
			const told = await ctx.db.selectFrom('notification').select(['accountId', 'kind', 'entityType', 'entityId', 'params']).where('kind', '=', 'objection_filed').execute()
			// Every member of the organizing county org (the official and the colleague who reviewed), not the objector.
			const members = await ctx.db.selectFrom('membership').select('accountId').where('orgId', '=', countyOrgId).execute()
			expect(told.map((n) => n.accountId).sort()).toEqual(members.map((m) => m.accountId).sort())
			expect(told).toHaveLength(2)
			expect(told[0]).toMatchObject({ entityType: 'campaign', entityId: campaignId })
			expect(JSON.parse(told[0].params)).toEqual({ campaign: '昭觉县 2025 年度表彰', nominee: '国家帮扶单位甲' })
		})

		it('decides only after the window and once objections are resolved; upheld rejects the nomination', async () => {
			const c = await ctx.db.selectFrom('campaign').select(['noticeEndsAt']).where('id', '=', campaignId).executeTakeFirstOrThrow()
			const end = Number(c.noticeEndsAt)
			expect((await caught(decideCampaign(ctx.db, campaignId, county))).message).toBe(`commendation.errors.notice_not_ended|{"date":"${day(6)}"}`)
			expect((await caught(decideCampaign(ctx.db, campaignId, county, end))).message).toBe('commendation.errors.open_objections|{"count":1}')
			const objection = await ctx.db.selectFrom('objection').select('id').where('nominationId', '=', nomA).executeTakeFirstOrThrow()
			expect((await caught(resolveObjection(ctx.db, objection.id, { decision: 'dismissed', resolution: '' }, county))).fields).toEqual({ resolution: 'commendation.errors.resolution_required' })
			expect((await caught(resolveObjection(ctx.db, objection.id, { decision: 'dismissed', resolution: '经核实' }, township))).code).toBe('forbidden')
			await resolveObjection(ctx.db, objection.id, { decision: 'dismissed', resolution: '经核实资金已全部到位' }, county)
			expect((await caught(resolveObjection(ctx.db, objection.id, { decision: 'upheld', resolution: '再议' }, county))).message).toBe('commendation.errors.objection_resolved')
			// A second objection, upheld: the individual nomination is rejected.
			const second = await fileObjection(ctx.db, nomAPerson, { reason: '张三并非该单位人员' }, stranger)
			await resolveObjection(ctx.db, second.id, { decision: 'upheld', resolution: '经核实异议属实' }, county)
			expect(await ctx.db.selectFrom('nomination').select(['status', 'statusNote']).where('id', '=', nomAPerson).executeTakeFirstOrThrow()).toEqual({ status: 'rejected', statusNote: '经核实异议属实' })

			const { awards } = await decideCampaign(ctx.db, campaignId, county, end)
			expect(awards.map((a) => [a.nominationId, a.certificateNo])).toEqual([[nomA, '2025-513431000000-001']])
			const campaign = await ctx.db.selectFrom('campaign').select(['status', 'decidedAt']).where('id', '=', campaignId).executeTakeFirstOrThrow()
			expect(campaign.status).toBe('decided')
			expect(Number(campaign.decidedAt)).toBe(end)
			expect((await ctx.db.selectFrom('nomination').select('status').where('id', '=', nomA).executeTakeFirstOrThrow()).status).toBe('awarded')
			const granted = await ctx.db.selectFrom('notification').select(['accountId', 'entityType', 'entityId', 'params']).where('kind', '=', 'award_granted').execute()
			expect(granted.map((g) => g.accountId).sort()).toEqual([ownerA.accountId, memberA.accountId].sort())
			expect(granted[0]).toMatchObject({ entityType: 'award', entityId: awards[0].id })
			expect(JSON.parse(granted[0].params)).toEqual({ nominee: '国家帮扶单位甲', campaign: '昭觉县 2025 年度表彰', category: '先进集体', certificate: '2025-513431000000-001' })
			const actions = await ctx.db.selectFrom('event').select('action').where('entityType', '=', 'campaign').where('entityId', '=', campaignId).orderBy('createdAt').orderBy('id').execute()
			expect(actions.map((a) => a.action)).toEqual(['create', 'open_nominations', 'start_review', 'start_notice', 'decide'])
			expect((await caught(cancelCampaign(ctx.db, campaignId, { reason: '撤销' }, county))).message).toBe('commendation.errors.not_cancellable')
		})

		it('puts the award on the public honor roll and its certificate', async () => {
			const honors = await listHonors(ctx.db, { year: 2025 })
			expect(honors.map((h) => [h.orgName, h.category, h.certificateNo, h.campaignTitle, h.level, h.regionName])).toEqual([
				['国家帮扶单位甲', 'advanced_collective', '2025-513431000000-001', '昭觉县 2025 年度表彰', 'county', '四川省 凉山彝族自治州 昭觉县'],
			])
			expect(await listHonors(ctx.db, { year: 2024 })).toEqual([])
			expect(await listHonors(ctx.db, { level: 'provincial' })).toEqual([])
			expect(await listHonors(ctx.db, { category: 'advanced_individual' })).toEqual([])
			const cert = await getCertificate(ctx.db, honors[0].id)
			expect(cert).toMatchObject({ orgName: '国家帮扶单位甲', citation: '三年帮扶三河村花椒产业', organizerName: county.memberships[0].orgName, certificateNo: '2025-513431000000-001' })
			expect(await getCertificate(ctx.db, 'NOPE')).toBeUndefined()
		})

		it('numbers certificates on across campaigns of the same year and region', async () => {
			const second = (await createCampaign(ctx.db, campaignForm({ title: '第二次表彰' }), county)).id
			await openNominations(ctx.db, second, county)
			const n = await nominate(ctx.db, second, { category: 'social_contribution', orgId: providerA, citation: '事迹' }, ownerA)
			await startReview(ctx.db, second, county)
			const now = Date.now()
			await startNotice(ctx.db, second, { noticeStartsOn: day(0), noticeEndsOn: day(5), shortlist: [n.id] }, county, now)
			const end = Number((await ctx.db.selectFrom('campaign').select('noticeEndsAt').where('id', '=', second).executeTakeFirstOrThrow()).noticeEndsAt)
			const { awards } = await decideCampaign(ctx.db, second, admin, end)
			expect(awards.map((a) => a.certificateNo)).toEqual(['2025-513431000000-002'])
		})
	})

	it('refuses objections before a notice that starts later, writing nothing', async () => {
		const id = (await createCampaign(ctx.db, campaignForm({ title: '将来公示' }), county)).id
		await openNominations(ctx.db, id, county)
		const n = await nominate(ctx.db, id, { category: 'advanced_collective', orgId: providerA, citation: '事迹' }, ownerA)
		await startReview(ctx.db, id, county)
		await startNotice(ctx.db, id, { noticeStartsOn: day(3), noticeEndsOn: day(9), shortlist: [n.id] }, county)
		const c = await ctx.db.selectFrom('campaign').select(['noticeStartsAt']).where('id', '=', id).executeTakeFirstOrThrow()
		expect(Number(c.noticeStartsAt)).toBe(TODAY + 3 * DAY_MS)
		const before = await snapshot()
		const e = await caught(fileObjection(ctx.db, n.id, { reason: '异议' }, stranger))
		expect(e.message).toBe(`commendation.errors.notice_not_started|{"date":"${day(3)}"}`)
		expect(tm(await translator('en'), e.message)).toBe(`The public notice has not started yet (it starts on ${day(3)}); objections are not accepted`)
		expect(await snapshot()).toEqual(before)
		// It can be cancelled with a reason by its organizers only.
		expect((await caught(cancelCampaign(ctx.db, id, { reason: '' }, county))).fields).toEqual({ reason: 'commendation.errors.reason_required' })
		expect((await caught(cancelCampaign(ctx.db, id, { reason: '撤销' }, outside))).code).toBe('forbidden')
		await cancelCampaign(ctx.db, id, { reason: '工作调整' }, county)
		expect((await ctx.db.selectFrom('campaign').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('cancelled')
	})

	it('ranks verified providers on the leaderboard by amount or count, by kind and region', async () => {
		const board = await contributionLeaderboard(ctx.db, { year: 2025 })
		expect(board[0]).toMatchObject({ rank: 1, orgId: providerA, amountFen: 9_600_000, count: 3 })
		expect(board.some((r) => r.orgId === pendingE)).toBe(false)
		const inCounty = await contributionLeaderboard(ctx.db, { year: 2025, regionCode: '513431000000' })
		expect(inCounty.find((r) => r.orgId === providerA)).toMatchObject({ amountFen: 600_000, count: 2 })
		const enterprises = await contributionLeaderboard(ctx.db, { year: 2025, kind: 'enterprise' })
		expect(enterprises.every((r) => r.kind === 'enterprise')).toBe(true)
		expect(enterprises.map((r) => r.orgId)).toContain(providerB)
		const byCount = await contributionLeaderboard(ctx.db, { year: 2025, sort: 'count' })
		for (let i = 1; i < byCount.length; i++) expect(byCount[i - 1].count).toBeGreaterThanOrEqual(byCount[i].count)
		expect(await contributionLeaderboard(ctx.db, { year: 2019 })).toEqual([])
	})
})

describe('commendation schemas', () => {
	it('turns inclusive end dates into exclusive ends and blank quotas into absent categories', () => {
		const now = Date.now()
		const v = campaignSchema(() => now).parse(campaignForm({ quotaAdvancedIndividual: '', minAmount: '1234.5' }))
		expect(v.periodEnd).toBe(P2025.end)
		expect(v.minVerifiedAmount).toBe(123_450)
		expect(v.categories).toEqual([
			{ category: 'advanced_collective', quota: 1 },
			{ category: 'social_contribution', quota: 2 },
		])
		expect(AWARD_CATEGORIES).toHaveLength(3)
	})

	it('starts a notice beginning today now, and later ones at that China midnight', () => {
		const now = TODAY + 10 * 3_600_000
		expect(noticeSchema(() => now).parse({ noticeStartsOn: day(0), noticeEndsOn: day(5), shortlist: 'X' })).toEqual({ noticeStartsAt: now, noticeEndsAt: TODAY + 6 * DAY_MS, shortlist: ['X'] })
		expect(noticeSchema(() => now).parse({ noticeStartsOn: day(2), noticeEndsOn: day(6), shortlist: ['X', 'X'] })).toEqual({ noticeStartsAt: TODAY + 2 * DAY_MS, noticeEndsAt: TODAY + 7 * DAY_MS, shortlist: ['X'] })
		// Today until today+4 is less than five days from 10:00.
		expect(noticeSchema(() => now).safeParse({ noticeStartsOn: day(0), noticeEndsOn: day(4), shortlist: ['X'] }).success).toBe(false)
	})
})

describe('commendation messages', () => {
	it('has a zh-CN and an en message for every key the commendation code uses', async () => {
		const { readFileSync, readdirSync } = await import('node:fs')
		const files = [
			'app/models/commendation.schema.ts',
			'app/models/commendation.server.ts',
			'app/models/contribution.server.ts',
			...readdirSync('app/models/commendation').map((f) => `app/models/commendation/${f}`),
			'app/components/commendation.tsx',
			'app/routes/commendations._index.tsx',
			'app/routes/commendations.new.tsx',
			'app/routes/commendations.$campaignId.tsx',
			'app/routes/honors._index.tsx',
			'app/routes/honors.certificates.$awardId.tsx',
			'app/routes/leaderboard.tsx',
		]
		const used = new Set<string>()
		const suffixes: Record<string, string[]> = {
			requiredText: ['required', 'too_long'],
			optionalText: ['too_long'],
			dateField: ['required', 'format'],
			yuanField: ['required', 'negative', 'format', 'too_large'],
			wholeField: ['required', 'min', 'format', 'max'],
			enumField: ['invalid'],
		}
		for (const file of files) {
			const text = readFileSync(file, 'utf8')
			for (const m of text.matchAll(/'(commendation\.[a-z_]+(?:\.[a-z_-]+)+)'/g)) used.add(m[1])
			for (const m of text.matchAll(/\bE\('([a-z_]+)'\)/g)) used.add(`commendation.errors.${m[1]}`)
			for (const m of text.matchAll(/\b(requiredText|optionalText|dateField|yuanField|wholeField|enumField)\('([a-z_]+)'(, \{[^}]*blank)?/g)) {
				for (const s of suffixes[m[1]]) if (!(m[3] && s === 'required')) used.add(`commendation.errors.${m[2]}_${s}`)
			}
		}
		for (const c of AWARD_CATEGORIES) used.add(`commendation.errors.over_quota_${c}`)
		const has = (lng: 'zh-CN' | 'en', key: string) => {
			let node: unknown = resources[lng].translation
			for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined
			return typeof node === 'string' && node.length > 0
		}
		expect(used.size).toBeGreaterThan(80)
		expect([...used].filter((k) => !has('zh-CN', k))).toEqual([])
		expect([...used].filter((k) => !has('en', k))).toEqual([])
	})
})
