import ExcelJS from 'exceljs'
import { createInstance } from 'i18next'
import { type ComponentType, createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import i18nConfig, { resources } from '#app/i18n.ts'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { countRows, makeAccount, makeOfficial, makeOrg, needRow, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import AccountabilityRecordPage, { action as recordAction, loader as recordLoader } from './supervision.accountability.$recordId.tsx'
import AccountabilityPage, { action as accountabilityAction, loader as accountabilityLoader } from './supervision.accountability._index.tsx'
import { loader as exportLoader } from './supervision.export.tsx'
import SupervisionPage, { loader as listLoader } from './supervision._index.tsx'
import InterviewPage, { action as interviewAction, loader as interviewLoader } from './supervision.interviews.$interviewId.tsx'
import InterviewsPage, { action as interviewsAction, loader as interviewsLoader } from './supervision.interviews._index.tsx'

const ctx = useGlobalTestDb()
const today = () => chinaDayStart(Date.now())
const dateIn = (days: number) => formatChinaDate(today() + days * DAY_MS)

let county: string
let otherCounty: string
let owner: string
let member: string
let stranger: string
let provider: string
let overdueId: string
let outsideId: string

/** Server-renders a route component with its loader data, as the document request would. */
async function render(Component: ComponentType, loaderData: object, url: string, lng = 'zh-CN') {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData, Component }])
	const context = await handler.query(new Request(new URL(url, 'http://localhost')))
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

async function overdueCommitment(villageOrgId: string, villageCode: string, title: string, amount: number) {
	const needId = newId()
	const now = Date.now()
	await ctx.db
		.insertInto('need')
		.values(needRow({ id: needId, villageOrgId, villageCode, title, target: 10_000_000, neededBy: now + 90 * DAY_MS, createdBy: owner }))
		.execute()
	const id = newId()
	await ctx.db
		.insertInto('commitment')
		.values({
			id,
			needId,
			offerId: null,
			providerOrgId: provider,
			villageOrgId,
			villageCode,
			amount,
			deliveredAmount: null,
			status: 'accepted',
			message: '',
			dueAt: today() - 4 * DAY_MS,
			lapseAt: now,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: now - 30 * DAY_MS,
			deliveryStartedAt: null,
			deliveredAt: null,
			verifiedAt: null,
			verifiedBy: null,
			closedAt: null,
			createdBy: owner,
			createdAt: now - 30 * DAY_MS,
			updatedAt: now - 30 * DAY_MS,
		})
		.execute()
	return id
}

beforeAll(async () => {
	await seedRegions(ctx.db)
	county = (await makeOfficial(ctx.db, '513431000000')).accountId
	otherCounty = (await makeOfficial(ctx.db, '513432000000')).accountId
	owner = (await makeAccount(ctx.db)).id
	member = (await makeAccount(ctx.db)).id
	stranger = (await makeAccount(ctx.db)).id
	provider = await makeOrg(ctx.db, 'enterprise', { regionCode: '513431000000', ownerId: member, name: '昭觉县兴农合作社' })
	const sanhe = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: owner, name: '三河村村民委员会' })
	const guangming = await makeOrg(ctx.db, 'village', { regionCode: '513432100201', ownerId: owner, name: '光明村村民委员会' })
	overdueId = await overdueCommitment(sanhe, '513431100201', '三河村花椒烘干设备', 1_234_550)
	outsideId = await overdueCommitment(guangming, '513432100201', '光明村道路硬化', 500_000)
})

async function get(fn: Parameters<typeof runRoute>[0], accountId: string | null, url: string, params: Record<string, string> = {}) {
	return runRoute(fn, await requestAs(accountId, url), params)
}

async function writes() {
	return {
		interview: await countRows(ctx.db, 'interview'),
		followUp: await countRows(ctx.db, 'interviewFollowUp'),
		record: await countRows(ctx.db, 'accountabilityRecord'),
		cited: await countRows(ctx.db, 'accountabilityCommitment'),
		event: await countRows(ctx.db, 'event'),
		notification: await countRows(ctx.db, 'notification'),
	}
}

describe('/supervision', () => {
	it('is for officials only', async () => {
		for (const [fn, url] of [
			[listLoader, '/supervision'],
			[interviewsLoader, '/supervision/interviews'],
			[accountabilityLoader, '/supervision/accountability'],
		] as const) {
			const res = await get(fn, stranger, url)
			expect(res.status, url).toBe(403)
			expect(res.thrown).toBe(true)
		}
		const anon = await get(listLoader, null, '/supervision')
		expect(anon.location).toMatch(/^\/login\?redirectTo=/)
		expect((await get(exportLoader, stranger, '/supervision/export?list=overdue&format=csv')).status).toBe(403)
	})

	it('shows the jurisdiction’s overdue commitments, and nothing of another county', async () => {
		const res = await get(listLoader, county, '/supervision')
		expect(res.status).toBe(200)
		expect(res.data.state.list).toBe('overdue')
		expect(res.data.overdue.rows.map((r: { id: string }) => r.id)).toEqual([overdueId])
		const html = await render(SupervisionPage, res.data, '/supervision')
		expect(html).toContain('三河村花椒烘干设备')
		expect(html).toContain('¥12,345.50')
		expect(html).toContain('4 天')
		expect(html).toContain('href="/supervision/export?list=overdue&amp;format=xlsx"')
		const en = await render(SupervisionPage, res.data, '/supervision', 'en')
		expect(en).toContain('Days overdue')

		const other = await get(listLoader, otherCounty, '/supervision?list=overdue')
		expect(other.data.overdue.rows.map((r: { id: string }) => r.id)).toEqual([outsideId])
		const filtered = await get(listLoader, county, '/supervision?list=overdue&region=513432000000')
		expect(filtered.status).toBe(400)
		expect(filtered.data.errors).toEqual({ region: 'supervision.errors.region_outside' })
		expect(filtered.data.overdue.rows).toEqual([])
		expect(await render(SupervisionPage, filtered.data, '/supervision?region=513432000000')).toContain('该地区不在您的管辖范围内')
	})

	it('renders every tab and checks the threshold', async () => {
		for (const list of ['stale', 'lagging', 'unpaired']) {
			const res = await get(listLoader, county, `/supervision?list=${list}`)
			expect(res.status, list).toBe(200)
			await render(SupervisionPage, res.data, `/supervision?list=${list}`)
		}
		const unpaired = await get(listLoader, county, '/supervision?list=unpaired')
		expect(unpaired.data.unpaired.rows.map((r: { villageCode: string }) => r.villageCode)).toEqual(['513431100201'])
		const bad = await get(listLoader, county, '/supervision?list=lagging&threshold=120')
		expect(bad.status).toBe(400)
		expect(bad.data.errors).toEqual({ threshold: 'supervision.errors.threshold' })
	})

	it('sends ?format= to the export, which streams xlsx and CSV with the filters and headers in the user’s language', async () => {
		const redirected = await get(listLoader, county, '/supervision?list=overdue&region=513431100000&format=xlsx')
		expect(redirected.status).toBe(302)
		expect(redirected.location).toBe('/supervision/export?list=overdue&region=513431100000&format=xlsx')

		const xlsx = await exportLoader({ request: await requestAs(county, redirected.location as string), params: {}, context: {} })
		expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
		expect(xlsx.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"]*\.xlsx"; filename\*=UTF-8''%E9%80%BE%E6%9C%9F%E6%89%BF%E8%AF%BA-513431100000-\d{4}-\d{2}-\d{2}\.xlsx$/)
		const workbook = new ExcelJS.Workbook()
		await workbook.xlsx.load(await xlsx.arrayBuffer())
		const sheet = workbook.worksheets[0]
		expect(sheet.name).toBe('逾期承诺')
		expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['帮扶主体', '村', '村区划代码', '需求', '承诺金额/数量', '约定交付日期', '逾期天数', '承诺编号'])
		expect(sheet.rowCount).toBe(2)
		expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([
			'昭觉县兴农合作社',
			'四川省 凉山彝族自治州 昭觉县 新城镇 三河村 · 三河村村民委员会',
			'513431100201',
			'三河村花椒烘干设备',
			'¥12,345.50',
			dateIn(-4),
			4,
			overdueId,
		])

		const csv = await exportLoader({ request: await requestAs(county, '/supervision/export?list=overdue&format=csv&lng=en'), params: {}, context: {} })
		expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
		expect(csv.headers.get('content-disposition')).toContain(`filename*=UTF-8''Overdue%20commitments-all-`)
		// Read as bytes: Response.text() would drop the byte-order mark this checks for.
		const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer())
		expect(text.charCodeAt(0)).toBe(0xfeff)
		const lines = text.slice(1).split('\r\n')
		expect(lines[0]).toBe('Provider,Village,Village code,Need,Committed,Due date,Days overdue,Commitment ID')
		expect(lines[1]).toBe(`昭觉县兴农合作社,四川省 凉山彝族自治州 昭觉县 新城镇 三河村 · 三河村村民委员会,513431100201,三河村花椒烘干设备,"¥12,345.50",${dateIn(-4)},4,${overdueId}`)
		expect(lines.slice(2)).toEqual([''])

		// Another county's official exports only their own rows; a bad filter is refused by name.
		const other = await (await exportLoader({ request: await requestAs(otherCounty, '/supervision/export?list=overdue&format=csv'), params: {}, context: {} })).text()
		expect(other).toContain(outsideId)
		expect(other).not.toContain(overdueId)
		const refused = await exportLoader({ request: await requestAs(county, '/supervision/export?list=overdue&format=csv&region=513432000000'), params: {}, context: {} })
		expect(refused.status).toBe(400)
		expect(await refused.text()).toContain('该地区不在您的管辖范围内')
		expect((await exportLoader({ request: await requestAs(county, '/supervision/export?list=overdue&format=pdf'), params: {}, context: {} })).status).toBe(400)
	})
})

describe('/supervision/interviews', () => {
	const form = (o: Record<string, string> = {}) => ({
		subjectType: 'org',
		subjectId: provider,
		heldOn: dateIn(0),
		attendees: '合作社理事长',
		issues: '承诺逾期未交付',
		rectification: '限期交付',
		deadline: dateIn(14),
		...o,
	})

	it('refuses a deadline in the past by field, in the user’s language, and writes nothing', async () => {
		const before = await writes()
		const res = await runRoute(interviewsAction, await requestAs(county, '/supervision/interviews', { form: form({ deadline: dateIn(-1) }) }))
		expect(res.status).toBe(400)
		expect(res.data.result.error).toEqual({ deadline: ['supervision.errors.deadline_past'] })
		expect(await writes()).toEqual(before)
		const page = await get(interviewsLoader, county, '/supervision/interviews')
		const html = await render(InterviewsPage, page.data, '/supervision/interviews')
		expect(html).toContain('记录约谈')
		expect(await writes()).toEqual(before)
	})

	it('refuses another county’s official with 403 naming the subject, and non-officials', async () => {
		const before = await writes()
		const res = await runRoute(interviewsAction, await requestAs(otherCounty, '/supervision/interviews', { form: form() }))
		expect(res.status).toBe(403)
		expect(res.data.result.error).toMatchObject({ subjectId: ['supervision.errors.subject_outside'] })
		const nobody = await runRoute(interviewsAction, await requestAs(stranger, '/supervision/interviews', { form: form() }))
		expect(nobody.status).toBe(403)
		expect(await writes()).toEqual(before)
	})

	it('records, shows, follows up; the org member reads it, others do not', async () => {
		const res = await runRoute(interviewsAction, await requestAs(county, '/supervision/interviews', { form: form() }))
		expect(res.status).toBe(302)
		const id = res.location?.match(/^\/supervision\/interviews\/([^?]+)\?notice=created$/)?.[1] as string
		expect(id).toBeTruthy()
		const page = await get(interviewLoader, county, `/supervision/interviews/${id}?notice=created`, { interviewId: id })
		expect(page.data.interview.canFollowUp).toBe(true)
		const html = await render(InterviewPage, page.data, `/supervision/interviews/${id}`)
		expect(html).toContain('约谈已记录')
		expect(html).toContain('昭觉县兴农合作社')

		const empty = await runRoute(interviewAction, await requestAs(county, `/supervision/interviews/${id}`, { form: { note: '', statusTo: 'rectified' } }), { interviewId: id })
		expect(empty.status).toBe(400)
		expect(empty.data.result.error).toEqual({ note: ['validation.required'] })
		const done = await runRoute(interviewAction, await requestAs(county, `/supervision/interviews/${id}`, { form: { note: '已交付', statusTo: 'rectified' } }), { interviewId: id })
		expect(done.location).toBe(`/supervision/interviews/${id}?notice=followed`)
		const again = await runRoute(interviewAction, await requestAs(county, `/supervision/interviews/${id}`, { form: { note: '再次', statusTo: 'open' } }), { interviewId: id })
		expect(again.status).toBe(409)

		const asMember = await get(interviewLoader, member, `/supervision/interviews/${id}`, { interviewId: id })
		expect(asMember.status).toBe(200)
		expect(asMember.data.interview.followUps.map((f: { note: string }) => f.note)).toEqual(['已交付'])
		await render(InterviewPage, asMember.data, `/supervision/interviews/${id}`, 'en')
		expect((await get(interviewLoader, stranger, `/supervision/interviews/${id}`, { interviewId: id })).status).toBe(403)
		expect((await get(interviewLoader, otherCounty, `/supervision/interviews/${id}`, { interviewId: id })).status).toBe(404)
		const list = await get(interviewsLoader, county, '/supervision/interviews?status=rectified')
		expect(list.data.rows.map((r: { id: string }) => r.id)).toEqual([id])
		expect((await get(interviewsLoader, otherCounty, '/supervision/interviews')).data.total).toBe(0)
	})
})

describe('/supervision/accountability', () => {
	const form = (o: Record<string, string> = {}) => ({ subjectType: 'org', subjectId: provider, failure: '逾期未交付', measures: '通报批评', commitmentIds: overdueId, ...o })

	it('refuses a commitment outside the jurisdiction by field and writes nothing', async () => {
		const before = await writes()
		const res = await runRoute(accountabilityAction, await requestAs(county, '/supervision/accountability', { form: form({ commitmentIds: `${overdueId}\n${outsideId}` }) }))
		expect(res.status).toBe(400)
		expect(res.data.result.error.commitmentIds[0]).toMatch(/^supervision\.errors\.commitment_not_subject\|/)
		expect(await writes()).toEqual(before)
	})

	it('records, shows to the org member, closes', async () => {
		const res = await runRoute(accountabilityAction, await requestAs(county, '/supervision/accountability', { form: form() }))
		expect(res.status).toBe(302)
		const id = res.location?.match(/^\/supervision\/accountability\/([^?]+)\?notice=created$/)?.[1] as string
		const page = await get(recordLoader, county, `/supervision/accountability/${id}`, { recordId: id })
		expect(page.data.record.commitments.map((c: { id: string }) => c.id)).toEqual([overdueId])
		expect(await render(AccountabilityRecordPage, page.data, `/supervision/accountability/${id}`)).toContain('三河村花椒烘干设备')
		const index = await get(accountabilityLoader, county, `/supervision/accountability?commitment=${overdueId}`)
		expect(index.data.cited).toBe(overdueId)
		expect(await render(AccountabilityPage, index.data, '/supervision/accountability')).toContain('逾期未交付')

		expect((await get(recordLoader, member, `/supervision/accountability/${id}`, { recordId: id })).status).toBe(200)
		expect((await get(recordLoader, stranger, `/supervision/accountability/${id}`, { recordId: id })).status).toBe(403)
		expect((await get(recordLoader, otherCounty, `/supervision/accountability/${id}`, { recordId: id })).status).toBe(404)
		const byMember = await runRoute(recordAction, await requestAs(member, `/supervision/accountability/${id}`, { form: { note: '自行办结' } }), { recordId: id })
		expect(byMember.status).toBe(403)
		const closed = await runRoute(recordAction, await requestAs(county, `/supervision/accountability/${id}`, { form: { note: '已整改' } }), { recordId: id })
		expect(closed.location).toBe(`/supervision/accountability/${id}?notice=closed`)
		expect((await get(recordLoader, county, `/supervision/accountability/${id}`, { recordId: id })).data.record.status).toBe('closed')
	})
})
