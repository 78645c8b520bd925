// The officials' dashboard, its export and the provider dashboard, against a small world in 四川:
// 昭觉县 513431 (新城镇: 三河村 S, 火普村 H; 谷曲乡: 谷曲村 G) and 喜德县 513432 (光明村 M).
// Verified in 2025: S ¥1,000 (enterprise, industry, March) + ¥500 (social org, consumption, May);
// G ¥200 (social org, education, May); M ¥7,000 (enterprise, industry, March);
// S 3 people into jobs (social org, employment, June).
import ExcelJS from 'exceljs'
import type { Kysely } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { CommitmentStatus, DB, NeedCategory } from '#db/schema.ts'
import { INDICATOR_CODES, INDICATOR_UNIT_OF, formatIndicatorValue, formatPermille } from '#app/components/indicators.tsx'
import { INDICATORS, INDICATOR_UNITS, computeIndicators } from '#app/models/indicator.server.ts'
import { newId } from '#app/utils/id.ts'
import { countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import { action, loader } from './dashboard._index.tsx'
import { loader as exportLoader } from './dashboard.export.tsx'
import { action as orgAction, loader as orgLoader } from './dashboard.orgs.$orgId.tsx'

const S = '513431100201'
const G = '513431101201'
const M = '513432100201'
const PROVINCE = '510000000000'
const CITY = '513400000000'
const COUNTY = '513431000000'
const TOWNSHIP = '513431100000'
const OTHER_COUNTY = '513432000000'
const YEAR = 2025
/** Noon in China on a date. */
const cn = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 4)

async function addVerified(db: Kysely<DB>, v: { village: string; villageOrgId: string; providerOrgId: string; category: NeedCategory; amount: number; unit?: string; verifiedAt: number; status?: CommitmentStatus }) {
	const needId = newId()
	const publishedAt = v.verifiedAt - 20 * 86_400_000
	await db
		.insertInto('need')
		.values({
			id: needId,
			villageOrgId: v.villageOrgId,
			villageCode: v.village,
			title: `需求 ${needId}`,
			description: '',
			category: v.category,
			measure: v.unit ? 'quantity' : 'amount',
			unit: v.unit ?? null,
			target: v.amount,
			urgency: 'normal',
			neededBy: cn(YEAR, 12, 31),
			status: 'published',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: null,
			submittedAt: publishedAt,
			publishedAt,
			closedAt: null,
			createdBy: 'test',
			createdAt: publishedAt,
			updatedAt: publishedAt,
		})
		.execute()
	await db
		.insertInto('commitment')
		.values({
			id: newId(),
			needId,
			offerId: null,
			providerOrgId: v.providerOrgId,
			villageOrgId: v.villageOrgId,
			villageCode: v.village,
			amount: v.amount,
			deliveredAmount: null,
			status: v.status ?? 'verified',
			message: '',
			dueAt: v.verifiedAt + 86_400_000,
			lapseAt: publishedAt + 14 * 86_400_000,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: publishedAt + 86_400_000,
			deliveryStartedAt: null,
			deliveredAt: v.verifiedAt - 86_400_000,
			verifiedAt: v.verifiedAt,
			verifiedBy: 'official',
			closedAt: null,
			createdBy: 'test',
			createdAt: publishedAt + 3_600_000,
			updatedAt: v.verifiedAt,
		})
		.execute()
}

const ctx = useGlobalTestDb()

describe('/dashboard', () => {
	let county: string
	let province: string
	let elsewhere: string
	let plain: string
	let admin: string
	let enterprise: string
	let socialOrg: string

	beforeAll(async () => {
		const db = ctx.db
		await seedRegions(db)
		county = (await makeOfficial(db, COUNTY)).accountId
		province = (await makeOfficial(db, PROVINCE)).accountId
		elsewhere = (await makeOfficial(db, OTHER_COUNTY)).accountId
		plain = (await makeAccount(db)).id
		admin = (await makeAccount(db, { isNationalAdmin: true })).id
		enterprise = await makeOrg(db, 'enterprise', { regionCode: '330100000000', name: '杭州兴村农业科技有限公司' })
		socialOrg = await makeOrg(db, 'social_org', { regionCode: COUNTY, name: '昭觉县乡村发展基金会' })
		const vs = await makeOrg(db, 'village', { regionCode: S })
		const vg = await makeOrg(db, 'village', { regionCode: G })
		const vm = await makeOrg(db, 'village', { regionCode: M })
		await addVerified(db, { village: S, villageOrgId: vs, providerOrgId: enterprise, category: 'industry', amount: 100_000, verifiedAt: cn(YEAR, 3, 10) })
		await addVerified(db, { village: S, villageOrgId: vs, providerOrgId: socialOrg, category: 'consumption', amount: 50_000, verifiedAt: cn(YEAR, 5, 10) })
		await addVerified(db, { village: G, villageOrgId: vg, providerOrgId: socialOrg, category: 'education', amount: 20_000, verifiedAt: cn(YEAR, 5, 20) })
		await addVerified(db, { village: M, villageOrgId: vm, providerOrgId: enterprise, category: 'industry', amount: 700_000, verifiedAt: cn(YEAR, 3, 15) })
		await addVerified(db, { village: S, villageOrgId: vs, providerOrgId: socialOrg, category: 'employment', amount: 3, unit: '人', verifiedAt: cn(YEAR, 6, 1) })
	})

	const page = async (accountId: string | null, query: string) => runRoute(loader, await requestAs(accountId, `/dashboard${query}`))
	const post = async (accountId: string, query: string, form: Record<string, string>) => runRoute(action, await requestAs(accountId, `/dashboard${query}`, { form }))
	const targetCount = () => countRows(ctx.db, 'indicatorTarget')

	it('sends anonymous visitors to log in and refuses accounts that are not officials', async () => {
		const anon = await page(null, `?year=${YEAR}`)
		expect([anon.status, anon.location]).toEqual([302, `/login?redirectTo=${encodeURIComponent(`/dashboard?year=${YEAR}`)}`])
		const user = await page(plain, `?year=${YEAR}`)
		expect([user.status, user.thrown]).toEqual([403, true])
		expect((await runRoute(exportLoader, await requestAs(plain, `/dashboard/export?year=${YEAR}`))).status).toBe(403)
		expect((await post(plain, `?region=${COUNTY}`, { intent: 'set-target', indicator: 'jobs', target: '5', year: String(YEAR) })).status).toBe(403)
		expect(await targetCount()).toBe(0)
	})

	it('shows a county official the figures of the county by default, with its townships to drill into', async () => {
		const res = await page(county, `?year=${YEAR}`)
		expect(res.status).toBe(200)
		expect(res.data.region).toMatchObject({ code: COUNTY, name: '昭觉县', level: 3 })
		// Breadcrumbs stop at the county: the official governs nothing above it.
		expect(res.data.crumbs).toEqual([])
		const row = (code: string) => res.data.rows.find((r: { indicator: string }) => r.indicator === code)
		expect(row('funds_verified')).toMatchObject({ actual: 170_000, target: null, achievement: null })
		expect(row('consumption').actual).toBe(50_000)
		expect(row('jobs').actual).toBe(3)
		// March: the enterprise's ¥1,000 (喜德县's ¥7,000 is not here); May: ¥500 + ¥200; June: 3 people, no money.
		expect(res.data.months.filter((m: { verifiedCount: number }) => m.verifiedCount).map((m: { month: number; verifiedFen: number; verifiedCount: number }) => [m.month, m.verifiedFen, m.verifiedCount])).toEqual([
			[3, 100_000, 1],
			[5, 70_000, 2],
			[6, 0, 1],
		])
		expect(res.data.byCategory.map((r: { key: string; verifiedFen: number }) => [r.key, r.verifiedFen])).toEqual([
			['industry', 100_000],
			['consumption', 50_000],
			['education', 20_000],
			['employment', 0],
		])
		expect(res.data.byOrgKind.map((r: { key: string; verifiedFen: number; verifiedCount: number }) => [r.key, r.verifiedFen, r.verifiedCount])).toEqual([
			['enterprise', 100_000, 1],
			['social_org', 70_000, 3],
		])
		expect(res.data.ranking.level).toBe(4)
		expect(res.data.ranking.rows.map((r: { name: string; code: string; verifiedFen: number }) => [r.name, r.code, r.verifiedFen])).toEqual([
			['新城镇', TOWNSHIP, 150_000],
			['谷曲乡', '513431101000', 20_000],
		])
		expect(res.data.canSetTargets).toBe(true)
	})

	it('drills down to a township and a village, and filters by quarter and provider kind', async () => {
		const township = await page(county, `?region=${TOWNSHIP}&year=${YEAR}`)
		expect(township.data.crumbs.map((c: { name: string }) => c.name)).toEqual(['昭觉县'])
		expect(township.data.ranking.rows.map((r: { name: string; verifiedFen: number }) => [r.name, r.verifiedFen])).toEqual([
			['三河村', 150_000],
			['火普村', 0],
		])
		const village = await page(county, `?region=${S}&year=${YEAR}&quarter=2&kind=social_org`)
		expect(village.data.params).toEqual({ region: S, year: YEAR, quarter: 2, kind: 'social_org' })
		const funds = village.data.rows.find((r: { indicator: string }) => r.indicator === 'funds_verified')
		expect(funds.actual).toBe(50_000)
		expect(village.data.ranking.rows).toEqual([])
		// Q1 holds only the enterprise's March money.
		const q1 = await page(county, `?year=${YEAR}&quarter=1`)
		expect(q1.data.rows.find((r: { indicator: string }) => r.indicator === 'funds_verified').actual).toBe(100_000)
	})

	it('refuses a region outside the jurisdiction, and answers 404 for a malformed or unknown one', async () => {
		const outside = await page(county, `?region=${OTHER_COUNTY}&year=${YEAR}`)
		expect([outside.status, outside.thrown, outside.data]).toEqual([403, true, { message: 'errors.outside_jurisdiction' }])
		expect((await page(county, `?region=${PROVINCE}`)).status).toBe(403)
		expect((await page(elsewhere, `?region=${S}`)).status).toBe(403)
		expect((await page(county, '?region=51343')).status).toBe(404)
		expect((await page(county, '?region=513431999000')).status).toBe(404)
		expect((await runRoute(exportLoader, await requestAs(county, `/dashboard/export?region=${OTHER_COUNTY}&year=${YEAR}`))).status).toBe(403)
	})

	it('shows a province official the whole province, with breadcrumbs up to the province only', async () => {
		const res = await page(province, `?year=${YEAR}`)
		expect(res.data.region.code).toBe(PROVINCE)
		expect(res.data.rows.find((r: { indicator: string }) => r.indicator === 'funds_verified').actual).toBe(870_000)
		expect(res.data.ranking.rows.map((r: { name: string; verifiedFen: number }) => [r.name, r.verifiedFen])).toEqual([['凉山彝族自治州', 870_000]])
		const countyPage = await page(province, `?region=${COUNTY}&year=${YEAR}`)
		expect(countyPage.data.crumbs.map((c: { code: string }) => c.code)).toEqual([PROVINCE, CITY])
	})

	it('shows a national admin the nation, ranked by province, without a target form', async () => {
		const res = await page(admin, `?year=${YEAR}`)
		expect(res.data.region).toBeNull()
		expect(res.data.canSetTargets).toBe(false)
		expect(res.data.rows.find((r: { indicator: string }) => r.indicator === 'funds_verified').actual).toBe(870_000)
		expect(res.data.ranking.rows.map((r: { name: string; verifiedFen: number }) => [r.name, r.verifiedFen])).toEqual([
			['四川省', 870_000],
			['北京市', 0],
			['浙江省', 0],
		])
		const county = await page(admin, `?region=${COUNTY}&year=${YEAR}`)
		expect(county.data.crumbs.map((c: { code: string | null }) => c.code)).toEqual([null, PROVINCE, CITY])
	})

	it('sets a target in yuan, shows it with its achievement, and clears it', async () => {
		const set = await post(county, `?region=${COUNTY}&year=${YEAR}`, { intent: 'set-target', indicator: 'funds_verified', target: '3400', year: String(YEAR) })
		expect([set.status, set.data.done]).toEqual([200, 'set'])
		const stored = await ctx.db.selectFrom('indicatorTarget').selectAll().execute()
		expect(stored.map((r) => [r.subjectType, r.subjectId, r.year, r.indicator, r.target])).toEqual([['region', COUNTY, YEAR, 'funds_verified', 340_000]])
		const shown = await page(county, `?year=${YEAR}`)
		// ¥1,700 of ¥3,400: 50.0%.
		expect(shown.data.rows.find((r: { indicator: string }) => r.indicator === 'funds_verified')).toMatchObject({ actual: 170_000, target: 340_000, achievement: 500 })
		// A rate in percent.
		await post(county, `?region=${COUNTY}`, { intent: 'set-target', indicator: 'coverage_rate', target: '85.5', year: String(YEAR) })
		expect((await ctx.db.selectFrom('indicatorTarget').select('target').where('indicator', '=', 'coverage_rate').executeTakeFirstOrThrow()).target).toBe(855)
		const cleared = await post(county, `?region=${COUNTY}`, { intent: 'clear-target', indicator: 'coverage_rate', year: String(YEAR) })
		expect([cleared.status, cleared.data.done]).toEqual([200, 'cleared'])
		expect(await targetCount()).toBe(1)
	})

	it('refuses a negative or malformed target with the field named, and writes nothing', async () => {
		const before = await targetCount()
		const negative = await post(county, `?region=${TOWNSHIP}`, { intent: 'set-target', indicator: 'jobs', target: '-5', year: String(YEAR) })
		expect(negative.status).toBe(400)
		expect(negative.data.result.error).toEqual({ target: ['indicators.errors.target_negative'] })
		const fraction = await post(county, `?region=${TOWNSHIP}`, { intent: 'set-target', indicator: 'jobs', target: '2.5', year: String(YEAR) })
		expect(fraction.data.result.error).toEqual({ target: ['indicators.errors.target_format_people'] })
		const missing = await post(county, `?region=${TOWNSHIP}`, { intent: 'set-target', indicator: '', target: '', year: '1999' })
		expect(missing.status).toBe(400)
		expect(Object.keys(missing.data.result.error).sort()).toEqual(['indicator', 'target'])
		const badYear = await post(county, `?region=${TOWNSHIP}`, { intent: 'set-target', indicator: 'jobs', target: '5', year: '1999' })
		expect(badYear.data.result.error).toEqual({ year: ['indicators.errors.year'] })
		const outside = await post(county, `?region=${OTHER_COUNTY}`, { intent: 'set-target', indicator: 'jobs', target: '5', year: String(YEAR) })
		expect(outside.status).toBe(403)
		expect(outside.data.result.error['']).toEqual(['errors.outside_jurisdiction'])
		expect(await targetCount()).toBe(before)
	})

	it('exports a workbook whose indicator sheet matches computeIndicators for the same scope', async () => {
		const response = (await exportLoader({ request: await requestAs(county, `/dashboard/export?region=${COUNTY}&year=${YEAR}&format=xlsx`), params: {}, context: {} })) as Response
		expect(response.status).toBe(200)
		expect(response.headers.get('content-type')).toContain('spreadsheetml')
		const disposition = response.headers.get('content-disposition') ?? ''
		expect(disposition).toMatch(/^attachment; filename="[^"]+\.xlsx"; filename\*=UTF-8''/)
		expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('帮扶看板_昭觉县_2025年.xlsx')
		const workbook = new ExcelJS.Workbook()
		await workbook.xlsx.load(await response.arrayBuffer())
		expect(workbook.worksheets.map((w) => w.name)).toEqual(['指标', '月度趋势', '分类', '地区排名'])

		const expected = await computeIndicators(ctx.db, { regionCode: COUNTY }, { year: YEAR })
		const sheet = workbook.getWorksheet('指标')!
		expect(sheet.getRow(1).values).toEqual([undefined, '指标', '单位', '实绩', '目标', '完成率（%）'])
		expect(sheet.rowCount).toBe(1 + INDICATORS.length)
		INDICATORS.forEach((code, i) => {
			const row = sheet.getRow(i + 2)
			const unit = INDICATOR_UNITS[code]
			const value = expected[code]
			const want = value === null ? null : unit === 'fen' ? value / 100 : unit === 'permille' ? value / 10 : value
			expect([code, row.getCell(3).value ?? null]).toEqual([code, want])
		})
		const funds = sheet.getRow(2 + INDICATORS.indexOf('funds_verified'))
		expect([funds.getCell(1).value, funds.getCell(3).value, funds.getCell(4).value, funds.getCell(5).value]).toEqual(['核验帮扶资金', 1700, 3400, 50])
		expect(funds.getCell(3).numFmt).toBe('#,##0.00')
		expect(typeof funds.getCell(3).value).toBe('number')

		const months = workbook.getWorksheet('月度趋势')!
		expect(months.rowCount).toBe(13)
		expect(months.getRow(4).values).toEqual([undefined, '2025-03', 1000, 1])
		const breakdown = workbook.getWorksheet('分类')!
		expect(breakdown.getRow(2).values).toEqual([undefined, '帮扶领域', '产业振兴', 1000, 1])
		const ranking = workbook.getWorksheet('地区排名')!
		// 新城镇: three verified commitments on three needs, each fully verified.
		expect(ranking.getRow(2).values).toEqual([undefined, 1, '新城镇', TOWNSHIP, 1500, 3, 3, 100])
	})

	it('exports with English headers for an English UI, and as CSV', async () => {
		const en = (await exportLoader({ request: await requestAs(county, `/dashboard/export?year=${YEAR}&lng=en`), params: {}, context: {} })) as Response
		const workbook = new ExcelJS.Workbook()
		await workbook.xlsx.load(await en.arrayBuffer())
		expect(workbook.worksheets.map((w) => w.name)).toEqual(['Indicators', 'Monthly trend', 'Breakdown', 'Region ranking'])
		expect(workbook.getWorksheet('Indicators')!.getRow(2).getCell(1).value).toBe('Aid funds committed')

		const csv = (await exportLoader({ request: await requestAs(county, `/dashboard/export?year=${YEAR}&format=csv`), params: {}, context: {} })) as Response
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
		const text = await csv.text()
		expect(text).toContain('核验帮扶资金,元,1700,3400,50\r\n')
		expect(text).toContain('地区排名\r\n')
	})
})

describe('/dashboard/orgs/:orgId', () => {
	let county: string
	let elsewhere: string
	let admin: string
	let provider: string
	let centralUnit: string

	beforeAll(async () => {
		const db = ctx.db
		county = (await makeOfficial(db, COUNTY)).accountId
		elsewhere = (await makeOfficial(db, OTHER_COUNTY)).accountId
		admin = (await makeAccount(db, { isNationalAdmin: true })).id
		provider = await makeOrg(db, 'mass_org', { regionCode: COUNTY, name: '昭觉县总工会' })
		centralUnit = await makeOrg(db, 'central_unit', { name: '国家某委' })
		const village = await makeOrg(db, 'village', { regionCode: '513431100202' })
		await addVerified(db, { village: '513431100202', villageOrgId: village, providerOrgId: provider, category: 'talent', amount: 80_000, verifiedAt: cn(YEAR, 4, 2) })
		await addVerified(db, { village: '513431100202', villageOrgId: village, providerOrgId: provider, category: 'talent', amount: 12, unit: '人', verifiedAt: cn(YEAR, 4, 3) })
	})

	const page = async (accountId: string, orgId: string, query = `?year=${YEAR}`) => runRoute(orgLoader, await requestAs(accountId, `/dashboard/orgs/${orgId}${query}`), { orgId })

	it('shows a supervised provider its indicators, trend and categories', async () => {
		const res = await page(county, provider)
		expect(res.status).toBe(200)
		expect(res.data.org).toMatchObject({ id: provider, name: '昭觉县总工会', kind: 'mass_org' })
		const row = (code: string) => res.data.rows.find((r: { indicator: string }) => r.indicator === code)
		expect(row('funds_verified').actual).toBe(80_000)
		expect(row('trained').actual).toBe(12)
		expect(res.data.months[3]).toEqual({ month: 4, verifiedFen: 80_000, verifiedCount: 2 })
		expect(res.data.byCategory).toEqual([{ key: 'talent', verifiedFen: 80_000, verifiedCount: 2 }])
		expect((await page(admin, provider)).status).toBe(200)
	})

	it('refuses officials who do not supervise the provider, and answers 404 for one that is not a provider', async () => {
		expect((await page(elsewhere, provider)).status).toBe(403)
		// A central unit without a region is a national admin's business.
		expect((await page(county, centralUnit)).status).toBe(403)
		expect((await page(admin, centralUnit)).status).toBe(200)
		expect((await page(county, 'nonexistent')).status).toBe(404)
		const villageOrg = await ctx.db.selectFrom('organization').select('id').where('kind', '=', 'village').executeTakeFirstOrThrow()
		expect((await page(county, villageOrg.id)).status).toBe(404)
	})

	it('sets the provider’s own target and refuses a negative one', async () => {
		const before = await countRows(ctx.db, 'indicatorTarget')
		const form = (target: string) => ({ intent: 'set-target', indicator: 'trained', target, year: String(YEAR) })
		const bad = await runRoute(orgAction, await requestAs(county, `/dashboard/orgs/${provider}`, { form: form('-1') }), { orgId: provider })
		expect([bad.status, bad.data.result.error]).toEqual([400, { target: ['indicators.errors.target_negative'] }])
		const refused = await runRoute(orgAction, await requestAs(elsewhere, `/dashboard/orgs/${provider}`, { form: form('20') }), { orgId: provider })
		expect(refused.status).toBe(403)
		expect(await countRows(ctx.db, 'indicatorTarget')).toBe(before)
		const ok = await runRoute(orgAction, await requestAs(county, `/dashboard/orgs/${provider}`, { form: form('20') }), { orgId: provider })
		expect(ok.data.done).toBe('set')
		const res = await page(county, provider)
		// 12 of 20 people: 60.0%.
		expect(res.data.rows.find((r: { indicator: string }) => r.indicator === 'trained')).toMatchObject({ actual: 12, target: 20, achievement: 600 })
	})
})

describe('indicator formatting', () => {
	it('keeps the browser’s copy of the units equal to the model’s', () => {
		expect(INDICATOR_UNIT_OF).toEqual(INDICATOR_UNITS)
		expect(INDICATOR_CODES).toEqual([...INDICATORS])
	})

	it('formats each unit in both languages, and null as a dash', () => {
		expect(formatIndicatorValue('funds_verified', 12_345_650, 'zh-CN')).toBe('¥123,456.50')
		expect(formatIndicatorValue('coverage_rate', 853, 'zh-CN')).toBe('85.3%')
		expect(formatIndicatorValue('on_time_rate', 1000, 'en')).toBe('100.0%')
		expect(formatIndicatorValue('jobs', 1200, 'zh-CN')).toBe('1,200 人')
		expect(formatIndicatorValue('jobs', 3, 'en')).toBe('3 people')
		expect(formatIndicatorValue('villages_paired', 4, 'zh-CN')).toBe('4 个村')
		expect(formatIndicatorValue('median_days_to_commitment', 2.5, 'en')).toBe('2.5 days')
		expect(formatIndicatorValue('median_days_to_commitment', 3, 'zh-CN')).toBe('3 天')
		expect(formatIndicatorValue('csr_investment', null, 'zh-CN')).toBe('—')
		expect(formatPermille(null, 'en')).toBe('—')
	})
})
