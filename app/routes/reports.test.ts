// Appraisal and work-report routes: who may see them, the forms, the print page's sections and the
// Excel export read back with exceljs. 昭觉县 513431 holds 三河村 S and 谷曲村 G.
import ExcelJS from 'exceljs'
import { createInstance } from 'i18next'
import type { Kysely } from 'kysely'
import { type ComponentType, createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DB } from '#db/schema.ts'
import i18nConfig, { resources } from '#app/i18n.ts'
import { setTarget } from '#app/models/indicator-target.server.ts'
import { loadSubject } from '#app/models/subject.server.ts'
import { newId } from '#app/utils/id.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import AppraisalPage, { action as appraisalAction, loader as appraisalLoader } from './appraisals.$subjectType.$subjectId.tsx'
import { loader as exportLoader } from './reports.$subjectType.$subjectId_.export.tsx'
import PrintPage, { loader as printLoader } from './reports.$subjectType.$subjectId_.print.tsx'
import ReportPage, { action as reportAction, loader as reportLoader } from './reports.$subjectType.$subjectId.tsx'

const ctx = useGlobalTestDb()
const cn = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 4)
const S = '513431100201'
const G = '513431101201'
const COUNTY = '513431000000'
const PARAMS = { subjectType: 'region', subjectId: COUNTY }

async function addVerified(db: Kysely<DB>, village: string, villageOrgId: string, providerOrgId: string, n: { title: string; amount: number; unit?: string; verifiedAt: number }) {
	const needId = newId()
	const at = cn(2026, 1, 5)
	await db
		.insertInto('need')
		.values({
			id: needId,
			villageOrgId,
			villageCode: village,
			title: n.title,
			description: '',
			category: n.unit ? 'employment' : 'industry',
			measure: n.unit ? 'quantity' : 'amount',
			unit: n.unit ?? null,
			target: n.amount,
			urgency: 'normal',
			neededBy: cn(2026, 12, 31),
			status: 'published',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: null,
			submittedAt: at,
			publishedAt: at,
			closedAt: null,
			createdBy: 'test',
			createdAt: at,
			updatedAt: at,
		})
		.execute()
	const id = newId()
	await db
		.insertInto('commitment')
		.values({
			id,
			needId,
			offerId: null,
			providerOrgId,
			villageOrgId,
			villageCode: village,
			amount: n.amount,
			deliveredAmount: null,
			status: 'verified',
			message: '',
			dueAt: cn(2026, 11, 30),
			lapseAt: at + 14 * 86_400_000,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: at,
			deliveryStartedAt: null,
			deliveredAt: n.verifiedAt,
			verifiedAt: n.verifiedAt,
			verifiedBy: 'official',
			closedAt: null,
			createdBy: 'test',
			createdAt: at,
			updatedAt: at,
		})
		.execute()
	return id
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

describe('appraisal and work report routes', () => {
	let official: string
	let outsider: string
	let c1: string
	let c2: string
	let cOther: string

	beforeAll(async () => {
		const db = ctx.db
		await seedRegions(db)
		official = (await makeOfficial(db, COUNTY)).accountId
		outsider = (await makeOfficial(db, '513432000000')).accountId
		const vS = await makeOrg(db, 'village', { regionCode: S })
		const vG = await makeOrg(db, 'village', { regionCode: G })
		const vM = await makeOrg(db, 'village', { regionCode: '513432100201' })
		const p = await makeOrg(db, 'enterprise', { regionCode: COUNTY, name: '昭觉花椒合作企业' })
		// 2026 in 昭觉县: ¥1,234.50 and ¥800 verified (funds_verified 203_450 fen = ¥2,034.50), 15 人 jobs.
		c1 = await addVerified(db, S, vS, p, { title: '花椒烘干设备', amount: 123_450, verifiedAt: cn(2026, 3, 5) })
		c2 = await addVerified(db, G, vG, p, { title: '劳务输出', amount: 15, unit: '人', verifiedAt: cn(2026, 4, 8) })
		await addVerified(db, S, vS, p, { title: '村道硬化', amount: 80_000, verifiedAt: cn(2026, 5, 1) })
		cOther = await addVerified(db, '513432100201', vM, p, { title: '光明村饮水', amount: 50_000, verifiedAt: cn(2026, 5, 2) })
		const county = await loadSubject(db, 'region', COUNTY)
		const actor = await actorFor(db, official)
		await setTarget(db, county, 2026, 'funds_verified', '4069', actor)
		await setTarget(db, county, 2026, 'jobs', '15', actor)
	})

	it('sends anonymous visitors to the login page and officials outside the jurisdiction to 403', async () => {
		for (const [fn, path] of [
			[reportLoader, `/reports/region/${COUNTY}?year=2026`],
			[printLoader, `/reports/region/${COUNTY}/print?year=2026`],
			[exportLoader, `/reports/region/${COUNTY}/export?year=2026&format=xlsx`],
			[appraisalLoader, `/appraisals/region/${COUNTY}?year=2026`],
		] as const) {
			const anon = await runRoute(fn, await requestAs(null, path), PARAMS)
			expect(anon.status).toBe(302)
			expect(anon.location).toMatch(/^\/login\?redirectTo=/)
			const other = await runRoute(fn, await requestAs(outsider, path), PARAMS)
			expect(other.status).toBe(403)
		}
		const plain = (await makeAccount(ctx.db)).id
		expect((await runRoute(reportLoader, await requestAs(plain, `/reports/region/${COUNTY}?year=2026`), PARAMS)).status).toBe(403)
		expect((await runRoute(reportLoader, await requestAs(official, '/reports/region/999999999999?year=2026'), { subjectType: 'region', subjectId: '999999999999' })).status).toBe(404)
		expect((await runRoute(reportLoader, await requestAs(official, `/reports/region/${COUNTY}?year=1999`), PARAMS)).status).toBe(400)
		const before = await countRows(ctx.db, 'workReport')
		const post = await runRoute(reportAction, await requestAs(outsider, `/reports/region/${COUNTY}?year=2026`, { form: { problems: '问题', nextSteps: '措施' } }), PARAMS)
		expect(post.status).toBe(403)
		expect(await countRows(ctx.db, 'workReport')).toBe(before)
	})

	it('appraisal: shows the computed score; a grade without a comment is refused; a saved one joins the history', async () => {
		const url = `/appraisals/region/${COUNTY}?year=2026`
		const page = await runRoute(appraisalLoader, await requestAs(official, url), PARAMS)
		expect(page.status).toBe(200)
		// funds 203_450 / 406_900 = 50 %, jobs 15 / 15 = 100 % → 75.0.
		expect(page.data.score).toMatchObject({ basis: 'targets', score: 750 })
		expect(page.data.history).toEqual([])
		const bad = await runRoute(appraisalAction, await requestAs(official, url, { form: { grade: 'good', comment: ' ' } }), PARAMS)
		expect(bad.status).toBe(400)
		expect(bad.data.result.error).toEqual({ comment: ['report.errors.comment_required'] })
		expect(await countRows(ctx.db, 'appraisal')).toBe(0)
		const ok = await runRoute(appraisalAction, await requestAs(official, url, { form: { grade: 'fairly_good', comment: '资金核验过半，就业目标完成。' } }), PARAMS)
		expect(ok.status).toBe(302)
		expect(ok.location).toBe(`/appraisals/region/${COUNTY}?year=2026&notice=saved`)
		const after = await runRoute(appraisalLoader, await requestAs(official, ok.location as string), PARAMS)
		expect(after.data.saved).toBe(true)
		expect(after.data.history.map((a: { grade: string; score: number }) => [a.grade, a.score])).toEqual([['fairly_good', 750]])
		const html = await render(AppraisalPage, after.data, url)
		expect(html).toContain('昭觉县 2026 年度实绩考核')
		expect(html).toContain('核验帮扶资金')
		expect(html).toContain('75.0 分')
		expect(html).toContain('较好 · 75.0 分')
		expect(html).toContain('资金核验过半，就业目标完成。')
	})

	it('report: saves problems, next steps and picked cases in order; refuses a case outside the county', async () => {
		const url = `/reports/region/${COUNTY}?year=2026`
		const page = await runRoute(reportLoader, await requestAs(official, url), PARAMS)
		expect(page.status).toBe(200)
		expect(page.data.report.report).toBeNull()
		expect(page.data.options).toHaveLength(3)
		expect(page.data.options.map((o: { needTitle: string }) => o.needTitle)).toEqual(['村道硬化', '劳务输出', '花椒烘干设备'])

		const out = await runRoute(reportAction, await requestAs(official, url, { form: { problems: '问题', nextSteps: '措施', case: [c1, cOther] } }), PARAMS)
		expect(out.status).toBe(400)
		expect(out.data.errors).toEqual({ [`case.${cOther}`]: `report.errors.case_not_eligible|${JSON.stringify({ position: 2, id: cOther })}` })
		expect(await countRows(ctx.db, 'workReport')).toBe(0)
		const blank = await runRoute(reportAction, await requestAs(official, url, { form: { problems: '', nextSteps: '措施' } }), PARAMS)
		expect(blank.data.errors).toEqual({ problems: 'report.errors.problems_required' })

		const form = {
			problems: '部分承诺交付滞后。\n村级需求发布不够及时。',
			nextSteps: '加强督导，限期整改。',
			case: [c1, c2],
			[`order.${c1}`]: '2',
			[`order.${c2}`]: '1',
			[`note.${c1}`]: '烘干设备已投产',
			[`note.${c2}`]: '15 人稳定就业',
		}
		const saved = await runRoute(reportAction, await requestAs(official, url, { form }), PARAMS)
		expect(saved.status).toBe(302)
		expect(saved.location).toBe(`${url}&notice=saved`)
		const again = await runRoute(reportLoader, await requestAs(official, url), PARAMS)
		expect(again.data.report.cases.map((c: { commitmentId: string; note: string }) => [c.commitmentId, c.note])).toEqual([
			[c2, '15 人稳定就业'],
			[c1, '烘干设备已投产'],
		])
		expect(again.data.options.map((o: { needTitle: string; picked: boolean; order: number | null }) => [o.needTitle, o.picked, o.order])).toEqual([
			['劳务输出', true, 1],
			['花椒烘干设备', true, 2],
			['村道硬化', false, null],
		])
		const html = await render(ReportPage, again.data, url)
		expect(html).toContain('昭觉县 2026 年度工作报告')
		expect(html).toContain('部分承诺交付滞后。')
		expect(html).toContain(`href="/reports/region/${COUNTY}/print?year=2026"`)
	})

	it('print: an A4 page in Chinese with the four sections and the latest grade', async () => {
		const res = await runRoute(printLoader, await requestAs(official, `/reports/region/${COUNTY}/print?year=2026&lng=en`), PARAMS)
		expect(res.status).toBe(200)
		const html = await render(PrintPage, res.data, `/reports/region/${COUNTY}/print?year=2026`, 'en')
		expect(html).toContain('昭觉县 2026 年度乡村振兴帮扶工作报告')
		const order = ['一、主要指标完成情况', '二、典型案例', '三、存在问题', '四、下一步工作', '实绩考核等次：较好（计算得分 75.0 分']
		const at = order.map((s) => html.indexOf(s))
		expect(at.every((i) => i > 0)).toBe(true)
		expect([...at].sort((a, b) => a - b)).toEqual(at)
		// The indicator table: verified funds ¥2,034.50 against ¥4,069, 50.0 %; jobs 15 of 15.
		expect(html).toMatch(/核验帮扶资金<\/td><td class="num">¥2,034.50<\/td><td class="num">¥4,069<\/td><td class="num">50.0%<\/td>/)
		expect(html).toMatch(/帮助就业人数<\/td><td class="num">15 人<\/td><td class="num">15 人<\/td><td class="num">100.0%<\/td>/)
		expect(html).toContain('四川省 凉山彝族自治州 昭觉县 谷曲乡 谷曲村：劳务输出。帮扶主体：昭觉花椒合作企业；核验金额（数量）：15 人；核验日期：2026-04-08。')
		expect(html).toContain('部分承诺交付滞后。\n村级需求发布不够及时。')
		expect(html).toContain('@page { size: A4; margin: 20mm; }')
		expect(html).toContain('"Noto Serif CJK SC", "Noto Sans CJK SC"')
		expect(html).toMatch(/@media print \{\s*header\.site, footer\.site/)
	})

	it('export: the same report as a workbook that reads back with the same indicator totals', async () => {
		const res = (await exportLoader({ request: await requestAs(official, `/reports/region/${COUNTY}/export?year=2026&format=xlsx`), params: PARAMS, context: {} })) as Response
		expect(res.status).toBe(200)
		expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
		const name = '昭觉县2026年度工作报告.xlsx'
		expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`)
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="/)
		const wb = new ExcelJS.Workbook()
		await wb.xlsx.load(await res.arrayBuffer())
		expect(wb.worksheets.map((w) => w.name)).toEqual(['指标', '典型案例', '问题与下一步'])
		const ind = wb.getWorksheet('指标')!
		expect(ind.getRow(1).values).toEqual([undefined, '指标', '单位', '实绩', '年度目标', '完成率（%）'])
		const rows = new Map<string, unknown[]>()
		ind.eachRow((row, n) => {
			if (n > 1) rows.set(String(row.getCell(1).value), [row.getCell(3).value, row.getCell(4).value, row.getCell(5).value])
		})
		expect(rows.get('核验帮扶资金')).toEqual([2034.5, 4069, 50])
		expect(rows.get('帮助就业人数')).toEqual([15, 15, 100])
		expect(rows.size).toBe(11)
		const cases = wb.getWorksheet('典型案例')!
		expect(cases.getRow(2).values).toEqual([undefined, 1, '劳务输出', '四川省 凉山彝族自治州 昭觉县 谷曲乡 谷曲村', '昭觉花椒合作企业', 15, '人', '2026-04-08', '15 人稳定就业'])
		expect(cases.getRow(3).getCell(5).value).toBe(1234.5)
		expect(cases.getRow(3).getCell(6).value).toBe('元')
		const text = wb.getWorksheet('问题与下一步')!
		expect(text.getRow(2).values).toEqual([undefined, '存在问题', '部分承诺交付滞后。\n村级需求发布不够及时。'])
		expect(text.getRow(3).values).toEqual([undefined, '下一步工作', '加强督导，限期整改。'])

		// English UI: English headers and sheet names; the same numbers.
		const en = (await exportLoader({ request: await requestAs(official, `/reports/region/${COUNTY}/export?year=2026&format=xlsx&lng=en`), params: PARAMS, context: {} })) as Response
		expect(en.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('Work report 昭觉县 2026.xlsx')}`)
		const wbEn = new ExcelJS.Workbook()
		await wbEn.xlsx.load(await en.arrayBuffer())
		expect(wbEn.worksheets.map((w) => w.name)).toEqual(['Indicators', 'Typical cases', 'Problems and next steps'])
		const first = wbEn.getWorksheet('Indicators')!
		expect(first.getRow(1).values).toEqual([undefined, 'Indicator', 'Unit', 'Actual', 'Target', 'Achievement (%)'])
		let funds: unknown[] = []
		first.eachRow((row) => {
			if (row.getCell(1).value === 'Aid funds verified') funds = [row.getCell(3).value, row.getCell(4).value, row.getCell(5).value]
		})
		expect(funds).toEqual([2034.5, 4069, 50])
	})
})
