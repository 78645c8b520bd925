import ExcelJS from 'exceljs'
import { createInstance } from 'i18next'
import { type ComponentType, createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import i18nConfig, { resources } from '#app/i18n.ts'
import { iterateSearchDocuments } from '#app/search/documents.server.ts'
import { createEmbeddedSearchEngine } from '#app/search/embedded.server.ts'
import type { SearchEngine } from '#app/search/port.ts'
import { DAY_MS, formatChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { makeAccount, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import CommitmentsPage, { loader as commitmentsPage } from './commitments._index.tsx'
import { loader as commitmentsExport } from './commitments.export.tsx'
import NeedsPage, { loader as needsPage } from './needs._index.tsx'
import { loader as needsExport } from './needs.export.tsx'
import OffersPage, { loader as offersPage } from './offers._index.tsx'
import { loader as offersExport } from './offers.export.tsx'
import ProjectsPage, { loader as projectsPage } from './projects._index.tsx'
import { loader as projectsExport } from './projects.export.tsx'

const ctx = useGlobalTestDb()
const now = Date.now()
const SANHE = '513431100201'
const GUANGMING = '513432100201'
const today = formatChinaDate(now)

const globalForSearch = globalThis as unknown as { __bangfuSearch?: SearchEngine }
let previousEngine: SearchEngine | undefined

const w = {} as { provider: string; stranger: string; n1: string; n2: string; n3: string; draft: string; c1: string; c2: string; others: string }

type Loader = Parameters<typeof runRoute>[0]

async function download(loader: Loader, accountId: string | null, path: string): Promise<Response> {
	return (await loader({ request: await requestAs(accountId, path), params: {}, context: {} })) as Response
}

async function readXlsx(res: Response) {
	const workbook = new ExcelJS.Workbook()
	await workbook.xlsx.load(await res.arrayBuffer())
	const sheet = workbook.worksheets[0]
	const rows: unknown[][] = []
	sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
	return { name: sheet.name, rows }
}

/** Server-renders a route component with its loader data, as the document request would. */
async function render(Component: ComponentType, loaderData: unknown, url: string) {
	const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData as Record<string, unknown>, Component }])
	const context = await handler.query(new Request(new URL(url, 'http://localhost')))
	if (context instanceof Response) throw new Error('unexpected response')
	const router = createStaticRouter(handler.dataRoutes, context)
	const i18n = createInstance()
	await i18n.use(initReactI18next).init({ ...i18nConfig, lng: 'zh-CN', resources })
	return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })))
}

/** CSV as lines: read as bytes, since Response.text() would drop the byte-order mark. */
async function readCsv(res: Response) {
	const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())
	return { bom: text.charCodeAt(0) === 0xfeff, lines: text.slice(1).split('\r\n').filter(Boolean) }
}

beforeAll(async () => {
	const db = ctx.db
	await seedRegions(db)
	const villager = await makeAccount(db)
	const provider = await makeAccount(db)
	const other = await makeAccount(db)
	w.provider = provider.id
	w.stranger = (await makeAccount(db)).id
	const sanhe = await makeOrg(db, 'village', { regionCode: SANHE, ownerId: villager.id, name: '三河村村民委员会' })
	const guangming = await makeOrg(db, 'village', { regionCode: GUANGMING, name: '光明村村民委员会' })
	const ent = await makeOrg(db, 'enterprise', { ownerId: provider.id, name: '兴农合作社' })
	const social = await makeOrg(db, 'social_org', { ownerId: other.id, name: '爱心基金会' })

	const need = async (villageOrgId: string, villageCode: string, title: string, status: 'published' | 'closed' | 'draft', measure: 'amount' | 'quantity') => {
		const id = newId()
		await db
			.insertInto('need')
			.values({
				id,
				villageOrgId,
				villageCode,
				title,
				description: '',
				category: measure === 'amount' ? 'industry' : 'education',
				measure,
				unit: measure === 'quantity' ? '人' : null,
				target: measure === 'amount' ? 1_234_550 : 40,
				urgency: 'high',
				neededBy: now + 30 * DAY_MS,
				status,
				statusNote: null,
				duplicateOf: null,
				reviewedBy: null,
				reviewedAt: null,
				submittedAt: now,
				publishedAt: status === 'draft' ? null : now,
				closedAt: null,
				createdBy: 'T',
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		return id
	}
	w.n1 = await need(sanhe, SANHE, '三河村花椒烘干设备', 'published', 'amount')
	w.n2 = await need(sanhe, SANHE, '三河村留守儿童辅导', 'published', 'quantity')
	w.n3 = await need(guangming, GUANGMING, '光明村道路硬化', 'closed', 'amount')
	w.draft = await need(sanhe, SANHE, '三河村草稿', 'draft', 'amount')

	const offerId = newId()
	await db
		.insertInto('offer')
		.values({
			id: offerId,
			providerOrgId: ent,
			title: '昭觉产业资金',
			description: '',
			measure: 'amount',
			unit: null,
			capacity: 100_000_000,
			coverage: 'regions',
			categoryMask: 0,
			validFrom: now - DAY_MS,
			validUntil: now + 90 * DAY_MS,
			status: 'active',
			statusNote: null,
			publishedAt: now,
			createdBy: 'T',
			createdAt: now,
			updatedAt: now,
		})
		.execute()
	await db.insertInto('offerCategory').values({ offerId, category: 'industry' }).execute()
	await db.insertInto('offerRegion').values({ offerId, regionCode: '513431000000' }).execute()

	const projectId = newId()
	await db
		.insertInto('project')
		.values({
			id: projectId,
			enterpriseOrgId: ent,
			title: '花椒加工厂',
			description: '',
			type: 'industry',
			plannedInvestment: 500_000_000,
			permanentJobs: 12,
			startsOn: now,
			endsOn: now + 365 * DAY_MS,
			status: 'running',
			verifiedInvestment: null,
			verifiedAt: null,
			verifiedBy: null,
			createdBy: 'T',
			createdAt: now,
			updatedAt: now,
		})
		.execute()
	await db.insertInto('projectVillage').values({ projectId, villageCode: SANHE }).execute()

	const commitment = async (needId: string, providerOrgId: string, villageOrgId: string, villageCode: string, amount: number, status: 'accepted' | 'pledged', dueAt: number) => {
		const id = newId()
		await db
			.insertInto('commitment')
			.values({
				id,
				needId,
				offerId: null,
				providerOrgId,
				villageOrgId,
				villageCode,
				amount,
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
				verifiedAt: null,
				verifiedBy: null,
				closedAt: null,
				createdBy: 'T',
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		return id
	}
	w.c1 = await commitment(w.n1, ent, sanhe, SANHE, 250_000, 'accepted', now - 3 * DAY_MS)
	w.c2 = await commitment(w.n2, ent, sanhe, SANHE, 8, 'pledged', now + 10 * DAY_MS)
	w.others = await commitment(w.n3, social, guangming, GUANGMING, 100_000, 'pledged', now + 10 * DAY_MS)

	previousEngine = globalForSearch.__bangfuSearch
	globalForSearch.__bangfuSearch = createEmbeddedSearchEngine({ load: (type) => iterateSearchDocuments(ctx.db, type) })
})

afterAll(() => {
	globalForSearch.__bangfuSearch = previousEngine
})

describe('/needs/export', () => {
	it('streams the needs the page lists for the same params, as xlsx with Chinese headers by default', async () => {
		const qs = 'status=all&region=513431000000&category=industry&category=education'
		const page = await runRoute(needsPage, await requestAs(null, `/needs?${qs}`))
		const res = await download(needsExport, null, `/needs/export?${qs}&format=xlsx`)
		expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
		expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(`村级需求-${today}.xlsx`)}`)
		const { name, rows } = await readXlsx(res)
		expect(name).toBe('村级需求')
		expect(rows[0]).toEqual([
			'编号',
			'村',
			'村区划代码',
			'村委会',
			'标题',
			'类别',
			'计量',
			'目标金额（元）',
			'目标数量',
			'单位',
			'已承诺金额（元）',
			'已承诺数量',
			'已核验金额（元）',
			'已核验数量',
			'受益人数',
			'紧急程度',
			'需要日期',
			'重点帮扶县',
			'状态',
			'发布日期',
		])
		const exported = rows.slice(1).map((r) => r[0])
		expect([...exported].sort()).toEqual(page.data.rows.map((r: { id: string }) => r.id).sort())
		expect([...exported].sort()).toEqual([w.n1, w.n2].sort())
		const n1 = rows.find((r) => r[0] === w.n1) as unknown[]
		// exceljs reads a trailing empty cell as absent: compare the filled prefix.
		expect(n1.slice(0, 19)).toEqual([
			w.n1,
			'四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
			SANHE,
			'三河村村民委员会',
			'三河村花椒烘干设备',
			'产业振兴',
			'金额',
			12_345.5,
			undefined,
			undefined,
			2_500,
			undefined,
			0,
			undefined,
			expect.any(Number),
			'紧急',
			formatChinaDate(now + 30 * DAY_MS),
			'是',
			'已发布',
		])
		const n2 = rows.find((r) => r[0] === w.n2) as unknown[]
		expect(n2.slice(6, 12)).toEqual(['数量', undefined, 40, '人', undefined, 0])
	})

	it('streams CSV with a BOM, in English with ?lng=en, and never drafts', async () => {
		const { bom, lines } = await readCsv(await download(needsExport, null, '/needs/export?status=all&format=csv'))
		expect(bom).toBe(true)
		expect(lines[0].startsWith('编号,村,村区划代码,村委会,标题,类别,计量,目标金额（元）,目标数量,单位')).toBe(true)
		expect(lines).toHaveLength(4)
		const csv = lines.join('\n')
		expect(csv).not.toContain(w.draft)
		// Money as yuan with two decimals; quantities as whole numbers next to their unit.
		expect(lines.find((l) => l.startsWith(w.n1))).toContain(',金额,12345.50,,,2500.00,,0.00,,')
		expect(lines.find((l) => l.startsWith(w.n2))).toContain(',数量,,40,人,,0,,0,')
		const en = await readCsv(await download(needsExport, null, '/needs/export?format=csv&lng=en'))
		expect(en.lines[0].startsWith('ID,Village,Village code,Village committee,Title,Category,Measure,Target (yuan),Target quantity,Unit')).toBe(true)
		expect(en.lines).toHaveLength(3)
		expect((await download(needsExport, null, '/needs/export?format=pdf')).status).toBe(400)
	})
})

describe('/offers/export and /projects/export', () => {
	it('stream the offers and projects the pages list, as xlsx and CSV', async () => {
		const offers = await readXlsx(await download(offersExport, null, '/offers/export?region=510000000000&format=xlsx'))
		const offerPage = await runRoute(offersPage, await requestAs(null, '/offers?region=510000000000'))
		expect(offers.name).toBe('帮扶资源')
		expect(offers.rows[0].slice(0, 9)).toEqual(['编号', '标题', '帮扶主体', '主体类型', '服务类别', '覆盖范围', '覆盖地区', '计量', '可提供金额（元）'])
		expect(offers.rows.slice(1).map((r) => r[0])).toEqual(offerPage.data.rows.map((r: { id: string }) => r.id))
		expect(offers.rows[1].slice(1, 9)).toEqual(['昭觉产业资金', '兴农合作社', '企业', '产业振兴', '指定地区', '四川省 凉山彝族自治州 昭觉县', '金额', 1_000_000])
		const offerCsv = await readCsv(await download(offersExport, null, '/offers/export?format=csv'))
		expect(offerCsv.bom).toBe(true)
		expect(offerCsv.lines).toHaveLength(2)
		expect(offerCsv.lines[1]).toContain(',1000000.00,')

		const projects = await readXlsx(await download(projectsExport, null, '/projects/export?type=industry&format=xlsx'))
		const projectPage = await runRoute(projectsPage, await requestAs(null, '/projects?type=industry'))
		expect(projects.name).toBe('万企兴万村项目')
		expect(projects.rows[0].slice(0, 7)).toEqual(['编号', '项目名称', '企业', '项目类型', '帮扶村', '计划投资（元）', '长期就业（人）'])
		expect(projects.rows.slice(1).map((r) => r[0])).toEqual(projectPage.data.rows.map((r: { id: string }) => r.id))
		expect(projects.rows[1].slice(1, 7)).toEqual(['花椒加工厂', '兴农合作社', '产业项目', '四川省 凉山彝族自治州 昭觉县 新城镇 三河村', 5_000_000, 12])
		const projectCsv = await readCsv(await download(projectsExport, null, '/projects/export?format=csv&type=public_welfare'))
		expect(projectCsv.bom).toBe(true)
		expect(projectCsv.lines).toEqual([expect.stringMatching(/^编号,项目名称,企业,项目类型,帮扶村,计划投资（元）/)])
	})
})

describe('/commitments/export', () => {
	it('streams the actor’s commitments as the commitments page lists them, never another org’s', async () => {
		const page = await runRoute(commitmentsPage, await requestAs(w.provider, '/commitments'))
		const listed = page.data.sections.flatMap((s: { items: Array<{ id: string }> }) => s.items.map((i) => i.id)).sort()
		const { name, rows } = await readXlsx(await download(commitmentsExport, w.provider, '/commitments/export?format=xlsx'))
		expect(name).toBe('帮扶承诺')
		expect(rows[0].slice(0, 10)).toEqual(['编号', '我方身份', '需求', '帮扶主体', '村委会', '村', '计量', '已承诺金额（元）', '已承诺数量', '单位'])
		expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(listed)
		expect(listed).toEqual([w.c1, w.c2].sort())
		const c1 = rows.find((r) => r[0] === w.c1) as unknown[]
		expect(c1.slice(1, 8)).toEqual(['作为帮扶方', '三河村花椒烘干设备', '兴农合作社', '三河村村民委员会', '四川省 凉山彝族自治州 昭觉县 新城镇 三河村', '金额', 2_500])

		const overdue = await readCsv(await download(commitmentsExport, w.provider, '/commitments/export?status=overdue&format=csv'))
		expect(overdue.bom).toBe(true)
		expect(overdue.lines[0]).toMatch(/^编号,我方身份,需求,帮扶主体,村委会,村,计量,已承诺金额（元）,已承诺数量,单位,已交付金额（元）,已交付数量,状态,逾期/)
		expect(overdue.lines).toHaveLength(2)
		expect(overdue.lines[1]).toContain(`${w.c1},作为帮扶方,三河村花椒烘干设备,兴农合作社`)
		expect(overdue.lines[1]).toContain(',2500.00,,,,,已接受,是,')
		const all = (await readCsv(await download(commitmentsExport, w.provider, '/commitments/export?format=csv'))).lines.join('\n')
		expect(all).not.toContain(w.others)

		// Signed out: to the login page; an account without orgs: headers only.
		const anonymous = await runRoute(commitmentsExport, await requestAs(null, '/commitments/export?format=csv'))
		expect(anonymous.status).toBe(302)
		expect((await readCsv(await download(commitmentsExport, w.stranger, '/commitments/export?format=csv'))).lines).toHaveLength(1)
	})

	it('is linked from each list page with the current filters', async () => {
		const cases: Array<[ComponentType, Loader, string | null, string, string[]]> = [
			[NeedsPage, needsPage, null, '/needs?status=all&category=industry&q=花椒&page=2', ['/needs/export?q=%E8%8A%B1%E6%A4%92&amp;category=industry&amp;status=all&amp;format=xlsx', '/needs/export?q=%E8%8A%B1%E6%A4%92&amp;category=industry&amp;status=all&amp;format=csv']],
			[OffersPage, offersPage, null, '/offers?orgKind=enterprise', ['/offers/export?orgKind=enterprise&amp;format=xlsx', '/offers/export?orgKind=enterprise&amp;format=csv']],
			[ProjectsPage, projectsPage, null, '/projects', ['/projects/export?format=xlsx', '/projects/export?format=csv']],
			[CommitmentsPage, commitmentsPage, w.provider, '/commitments?status=overdue', ['/commitments/export?status=overdue&amp;format=xlsx', '/commitments/export?status=overdue&amp;format=csv']],
		]
		for (const [Page, loader, account, path, hrefs] of cases) {
			const { data } = await runRoute(loader, await requestAs(account, path))
			const html = await render(Page, data, path)
			for (const href of hrefs) expect(html, path).toContain(`href="${href}"`)
			expect(html).toContain('导出 Excel')
			expect(html).toContain('导出 CSV')
		}
	})
})
